// Runs a ClusterLabs-style fence agent (fence_ipmilan, fence_apc_snmp, ...).
// Options travel on stdin as `key=value` lines, never on the command line,
// where a password would show in `ps`. Exit codes follow the fence-agents API:
// off/on/monitor 0 = success; status 0 = on, 2 = off, anything else unknown.

import type { FenceDeviceConfig } from '../../config/types';
import { runProcess, type ProcessResult } from '../resource/runProcess';
import type { FenceDevice, FenceOpResult, PowerStatusResult } from './device';

export type CommandFenceDeviceConfig = Extract<FenceDeviceConfig, { type: 'command' }>;

export type AgentAction = 'off' | 'on' | 'status' | 'monitor';

export interface CommandFenceDeviceOptions {
  /** SIGTERM → SIGKILL delay once the per-call timeout expired. Default 2000. */
  killGraceMs?: number;
  maxOutputBytes?: number;
  /**
   * Send the fence target as `plug=`. Default true. `edge-ha fence-device` turns it off when no plug
   * was given, for single-port devices (a BMC) that have no plug to name.
   */
  sendTarget?: boolean;
}

const OPTION_KEY = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;
/** The agent's last `action=` line wins, so an option must not be able to change what we asked for. */
const RESERVED_KEYS = new Set(['action', 'option']);
const TARGET_KEYS = ['port', 'plug'];

/** Why `text` cannot be one stdin line value, or null when it can. */
function lineValueProblem(text: string): string | null {
  if (/[\r\n]/.test(text)) return 'contains a line break';
  if (text.includes('\0')) return 'contains a NUL byte';
  return null;
}

/**
 * Builds the agent's stdin: `action=`, then `plug=<target>` unless the options
 * already name `port` or `plug`, then the options in config order.
 */
export function buildAgentStdin(
  action: AgentAction,
  target: string | undefined,
  options: Readonly<Record<string, string>>,
): { ok: true; text: string } | { ok: false; reason: string } {
  const lines = [`action=${action}`];
  const optionNamesTarget = TARGET_KEYS.some((k) => Object.prototype.hasOwnProperty.call(options, k));
  if (target !== undefined && !optionNamesTarget) {
    if (target === '') return { ok: false, reason: 'the fence target is empty' };
    const problem = lineValueProblem(target);
    if (problem !== null) return { ok: false, reason: `the fence target ${JSON.stringify(target)} ${problem}` };
    lines.push(`plug=${target}`);
  }
  for (const [key, value] of Object.entries(options)) {
    if (RESERVED_KEYS.has(key)) {
      return { ok: false, reason: `option "${key}" is not allowed: the fencer chooses the action` };
    }
    if (!OPTION_KEY.test(key)) {
      return { ok: false, reason: `option name ${JSON.stringify(key)} is not a valid fence-agent parameter name` };
    }
    const problem = lineValueProblem(value);
    // The value may be a password: name the key, never echo the value.
    if (problem !== null) return { ok: false, reason: `the value of option "${key}" ${problem}` };
    lines.push(`${key}=${value}`);
  }
  return { ok: true, text: `${lines.join('\n')}\n` };
}

function withStderr(text: string, run: ProcessResult): string {
  return run.stderrLastLine === '' ? text : `${text}: ${run.stderrLastLine}`;
}

/** Why a run did not end with an exit code, or null when it did. */
function abnormalEnd(action: AgentAction, run: ProcessResult): string | null {
  const o = run.outcome;
  if (o.kind === 'spawnFailed') return `${action} failed: ${o.reason}`;
  if (o.kind === 'timedOut') {
    return withStderr(`${action} timed out after ${o.timeoutMs} ms (a timeout is a failure)`, run);
  }
  if (o.exitCode === null) return withStderr(`${action} failed: agent killed by ${o.signal ?? 'a signal'}`, run);
  return null;
}

function exitCodeOf(run: ProcessResult): number | null {
  return run.outcome.kind === 'exited' ? run.outcome.exitCode : null;
}

export class CommandFenceDevice implements FenceDevice {
  readonly name: string;

  constructor(
    private readonly config: CommandFenceDeviceConfig,
    private readonly options: CommandFenceDeviceOptions = {},
  ) {
    this.name = config.name;
  }

  off(target: string): Promise<FenceOpResult> {
    return this.operate('off', target);
  }

  on(target: string): Promise<FenceOpResult> {
    return this.operate('on', target);
  }

  monitor(): Promise<FenceOpResult> {
    return this.operate('monitor', undefined);
  }

  async status(target: string): Promise<PowerStatusResult> {
    const started = performance.now();
    const run = await this.runAgent('status', target);
    if (typeof run === 'string') return { state: 'unknown', reason: run, durationMs: elapsedMs(started) };
    const abnormal = abnormalEnd('status', run);
    if (abnormal !== null) return { state: 'unknown', reason: abnormal, durationMs: run.durationMs };
    const code = exitCodeOf(run);
    if (code === 0) return { state: 'on', reason: 'status: on (exit 0)', durationMs: run.durationMs };
    if (code === 2) return { state: 'off', reason: 'status: off (exit 2)', durationMs: run.durationMs };
    const hint = code === 1 ? ', device unreachable or failed' : '';
    return { state: 'unknown', reason: withStderr(`status unknown (exit ${code}${hint})`, run), durationMs: run.durationMs };
  }

  private async operate(action: 'off' | 'on' | 'monitor', target: string | undefined): Promise<FenceOpResult> {
    const started = performance.now();
    const run = await this.runAgent(action, target);
    if (typeof run === 'string') return { ok: false, reason: run, durationMs: elapsedMs(started) };
    const abnormal = abnormalEnd(action, run);
    if (abnormal !== null) return { ok: false, reason: abnormal, durationMs: run.durationMs };
    const code = exitCodeOf(run);
    if (code === 0) return { ok: true, reason: `${action} succeeded (exit 0)`, durationMs: run.durationMs };
    return { ok: false, reason: withStderr(`${action} failed (exit ${code})`, run), durationMs: run.durationMs };
  }

  /** The finished run, or a reason why the agent was not run at all. */
  private async runAgent(action: AgentAction, target: string | undefined): Promise<ProcessResult | string> {
    const stdin = buildAgentStdin(action, this.options.sendTarget === false ? undefined : target, this.config.options);
    if (!stdin.ok) return `${action} not attempted: ${stdin.reason}`;
    return runProcess({
      argv: this.config.command,
      env: process.env,
      stdin: stdin.text,
      timeoutMs: this.config.timeoutMs,
      killGraceMs: this.options.killGraceMs,
      maxOutputBytes: this.options.maxOutputBytes,
      // The fencer must hear "failed" at the deadline, not after the kill.
      onTimeout: 'resolveNow',
    });
  }
}

function elapsedMs(startedMs: number): number {
  return Math.round(performance.now() - startedMs);
}
