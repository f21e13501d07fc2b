// The managed service, driven through an OCF-style command: `command... start|stop|monitor`.
// Executes the core's startResource/stopResource/monitorResource actions; the
// daemon turns each result into a `resourceResult` event.

import type { ResourceConfig } from '../../config/types';
import { OCF, ocfCodeName } from './ocfCodes';
import { runProcess, type ProcessResult } from './runProcess';

export type ResourceAction = 'start' | 'stop' | 'monitor';

export interface ResourceResult {
  /** The action did what was asked (for monitor: the agent answered 0 or 7). */
  ok: boolean;
  /** start: it is now running; stop: false; monitor: the agent said 0 (running). Unknown counts as false. */
  running: boolean;
  /** null when the agent never exited normally (spawn failure, signal, timeout, refused). */
  exitCode: number | null;
  reason: string;
  durationMs: number;
  /** Tails of the agent's output (bounded), for the log. */
  stdout: string;
  stderr: string;
}

export interface CommandResourceOptions {
  /** SIGTERM → SIGKILL delay on a timeout. Default 2000. */
  killGraceMs?: number;
  /** Per stream. Default 4096. */
  maxOutputBytes?: number;
  /** Calls allowed to wait behind the running one. Default 8. */
  maxQueued?: number;
  outputSettleMs?: number;
}

export const DEFAULT_MAX_QUEUED_ACTIONS = 8;

/** Pure: what an exit code means for an action under the OCF contract. */
export function interpretExitCode(
  action: ResourceAction,
  exitCode: number,
): { ok: boolean; running: boolean; summary: string } {
  const code = `exit ${exitCode}, ${ocfCodeName(exitCode)}`;
  if (exitCode === OCF.SUCCESS) {
    if (action === 'start') return { ok: true, running: true, summary: 'start succeeded' };
    if (action === 'stop') return { ok: true, running: false, summary: 'stop succeeded' };
    return { ok: true, running: true, summary: 'monitor: running' };
  }
  if (exitCode === OCF.NOT_RUNNING && action === 'stop') {
    return { ok: true, running: false, summary: `stop succeeded: it was not running (${code})` };
  }
  if (exitCode === OCF.NOT_RUNNING && action === 'monitor') {
    return { ok: true, running: false, summary: `monitor: not running (${code})` };
  }
  return { ok: false, running: false, summary: `${action} failed (${code})` };
}

function withStderr(text: string, stderrLine: string): string {
  return stderrLine === '' ? text : `${text}: ${stderrLine}`;
}

/** Pure: turns a finished process into the resource result. */
export function toResourceResult(action: ResourceAction, run: ProcessResult): ResourceResult {
  const base = { durationMs: run.durationMs, stdout: run.stdout, stderr: run.stderr };
  const o = run.outcome;
  if (o.kind === 'spawnFailed') {
    return { ...base, ok: false, running: false, exitCode: null, reason: `${action} failed: ${o.reason}` };
  }
  if (o.kind === 'timedOut') {
    const stuck = o.exitedAfterKill ? '' : '; the process did not exit even after SIGKILL';
    const reason = withStderr(`${action} timed out after ${o.timeoutMs} ms${stuck}`, run.stderrLastLine);
    return { ...base, ok: false, running: false, exitCode: null, reason };
  }
  if (o.exitCode === null) {
    const reason = withStderr(`${action} failed: killed by ${o.signal ?? 'an unknown signal'}`, run.stderrLastLine);
    return { ...base, ok: false, running: false, exitCode: null, reason };
  }
  const meaning = interpretExitCode(action, o.exitCode);
  // On success the stderr line is noise; on failure it is usually the why.
  const reason = meaning.ok ? meaning.summary : withStderr(meaning.summary, run.stderrLastLine);
  return { ...base, ok: meaning.ok, running: meaning.running, exitCode: o.exitCode, reason };
}

export class CommandResource {
  readonly name: string;
  private readonly maxQueued: number;
  /** Calls accepted and not yet finished, the running one included. */
  private inFlight = 0;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly config: ResourceConfig,
    private readonly env: Readonly<Record<string, string>>,
    private readonly options: CommandResourceOptions = {},
  ) {
    this.name = config.name;
    this.maxQueued = options.maxQueued ?? DEFAULT_MAX_QUEUED_ACTIONS;
  }

  /** `extraEnv` adds per-call variables (e.g. the epoch of this start) over the constructor's env. */
  start(extraEnv?: Readonly<Record<string, string>>): Promise<ResourceResult> {
    return this.enqueue('start', this.config.startTimeoutMs, extraEnv);
  }

  stop(extraEnv?: Readonly<Record<string, string>>): Promise<ResourceResult> {
    return this.enqueue('stop', this.config.stopTimeoutMs, extraEnv);
  }

  monitor(extraEnv?: Readonly<Record<string, string>>): Promise<ResourceResult> {
    return this.enqueue('monitor', this.config.monitorTimeoutMs, extraEnv);
  }

  /** Calls waiting behind the running one. */
  get queued(): number {
    return Math.max(0, this.inFlight - 1);
  }

  get busy(): boolean {
    return this.inFlight > 0;
  }

  // One action at a time: a stop must never overlap a start still running.
  private enqueue(
    action: ResourceAction,
    timeoutMs: number,
    extraEnv: Readonly<Record<string, string>> | undefined,
  ): Promise<ResourceResult> {
    if (this.inFlight > this.maxQueued) {
      return Promise.resolve({
        ok: false,
        running: false,
        exitCode: null,
        reason:
          `${action} refused: ${this.queued} actions of resource "${this.name}" are already ` +
          `waiting (limit ${this.maxQueued})`,
        durationMs: 0,
        stdout: '',
        stderr: '',
      });
    }
    this.inFlight++;
    const run = (): Promise<ResourceResult> => this.execute(action, timeoutMs, extraEnv);
    const result = this.tail.then(run, run).finally(() => {
      this.inFlight--;
    });
    this.tail = result;
    return result;
  }

  private async execute(
    action: ResourceAction,
    timeoutMs: number,
    extraEnv: Readonly<Record<string, string>> | undefined,
  ): Promise<ResourceResult> {
    // Checked here, not only in runProcess: with the action appended, an empty
    // command would try to run a program called "start".
    if (this.config.command.length === 0 || this.config.command[0] === '') {
      const reason = `${action} failed: resource "${this.name}" has an empty command`;
      return { ok: false, running: false, exitCode: null, reason, durationMs: 0, stdout: '', stderr: '' };
    }
    const run = await runProcess({
      argv: [...this.config.command, action],
      env: { ...process.env, ...this.env, ...extraEnv },
      timeoutMs,
      killGraceMs: this.options.killGraceMs,
      maxOutputBytes: this.options.maxOutputBytes,
      outputSettleMs: this.options.outputSettleMs,
      onTimeout: 'waitForExit',
    });
    return toResourceResult(action, run);
  }
}
