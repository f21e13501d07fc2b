// Runs one agent (resource action or fence agent) as a child process with a
// deadline and bounded output capture. Shared by src/shell/resource and
// src/shell/fence. Never rejects: every failure is an outcome.
//
// Two facts shape this file:
// - A resource `start` normally leaves a daemon running in the background, and
//   that daemon inherits our stdout/stderr pipes. Waiting for pipe EOF (the
//   child's `close` event) would wait for the daemon to exit. So we finish on
//   `exit`, give the pipes a moment to drain what the child wrote, and then
//   keep draining quietly (closing our end would SIGPIPE the daemon the next
//   time it logs) with the pipes unref'd so they do not hold the event loop.
// - On a timeout the agent may have children of its own (a `sleep`, an ssh).
//   The child is started in its own process group (`detached`) so the whole
//   group can be signalled; on success the group is left alone.

import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { TailBuffer, lastLine } from './outputTail';

export const DEFAULT_KILL_GRACE_MS = 2000;
export const DEFAULT_MAX_OUTPUT_BYTES = 4096;
/** After `exit`, how long to wait for the child's last output to be read. */
export const DEFAULT_OUTPUT_SETTLE_MS = 100;
/** After SIGKILL, how long to wait for `exit` before giving up on the child (it may be stuck in the kernel). */
const AFTER_SIGKILL_WAIT_MS = 1000;

export interface RunProcessOptions {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  /** Written to the child's stdin, which is then closed. Undefined: stdin is /dev/null. */
  stdin?: string;
  timeoutMs: number;
  /** Between SIGTERM and SIGKILL on a timeout. */
  killGraceMs?: number;
  /** Per stream (stdout and stderr each); the tail is kept. */
  maxOutputBytes?: number;
  outputSettleMs?: number;
  /**
   * On timeout: 'waitForExit' (default) resolves once the child has exited
   * after SIGTERM/SIGKILL, so a caller that serializes actions never overlaps
   * two of them; 'resolveNow' resolves at the deadline and kills in the background.
   */
  onTimeout?: 'waitForExit' | 'resolveNow';
}

export type ProcessOutcome =
  | { kind: 'exited'; exitCode: number | null; signal: NodeJS.Signals | null }
  | { kind: 'timedOut'; timeoutMs: number; exitedAfterKill: boolean }
  | { kind: 'spawnFailed'; reason: string };

export interface ProcessResult {
  outcome: ProcessOutcome;
  /** Tail of stdout (at most maxOutputBytes). */
  stdout: string;
  /** Tail of stderr (at most maxOutputBytes). */
  stderr: string;
  /** Last non-blank stderr line, sanitized for use in a reason ('' if none). */
  stderrLastLine: string;
  durationMs: number;
}

const SPAWN_ERROR_TEXT: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  ENOEXEC: 'not an executable format',
  ENOTDIR: 'a path component is not a directory',
  EMFILE: 'too many open files in this process',
  ENFILE: 'too many open files in the system',
  EAGAIN: 'process limit reached',
  ENOMEM: 'out of memory',
};

export function describeSpawnError(command: string, error: unknown): string {
  const e = error as NodeJS.ErrnoException | undefined;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const message = e instanceof Error ? e.message : String(error);
  if (code !== undefined) return `cannot run "${command}": ${code} (${SPAWN_ERROR_TEXT[code] ?? message})`;
  return `cannot run "${command}": ${message}`;
}

/** Signals the child's whole process group; falls back to the child alone. Never throws. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid !== undefined) {
    try {
      process.kill(-child.pid, signal);
      return;
    } catch {
      // ESRCH: the group is gone (or was never created); try the child itself.
    }
  }
  try {
    child.kill(signal);
  } catch {
    // Already dead: nothing to signal.
  }
}

/** Leaves a pipe draining into the void without holding the event loop open. */
function releasePipe(stream: Readable | null): void {
  if (stream === null || stream.destroyed) return;
  const socket = stream as Readable & { unref?: () => void };
  if (typeof socket.unref === 'function') socket.unref();
}

export function runProcess(opts: RunProcessOptions): Promise<ProcessResult> {
  return new Promise((resolve) => new ProcessRun(opts, resolve).start());
}

/** One child process from spawn to result. Every path ends in exactly one `finish`. */
class ProcessRun {
  private readonly startedMs = performance.now();
  private readonly out: TailBuffer;
  private readonly err: TailBuffer;
  /** Cleared by `finish`. */
  private readonly timers: NodeJS.Timeout[] = [];
  private deadline: NodeJS.Timeout | undefined;
  private spawned = false;
  private timedOut = false;
  private exited = false;
  private settled = false;

  constructor(
    private readonly opts: RunProcessOptions,
    private readonly resolve: (result: ProcessResult) => void,
  ) {
    const maxBytes = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    this.out = new TailBuffer(maxBytes);
    this.err = new TailBuffer(maxBytes);
  }

  start(): void {
    const command = this.opts.argv[0];
    if (command === undefined || command === '') {
      this.finish({ kind: 'spawnFailed', reason: 'cannot run an empty command' });
      return;
    }
    let child: ChildProcess;
    try {
      child = spawn(command, this.opts.argv.slice(1), {
        env: this.opts.env,
        stdio: [this.opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        detached: true,
      });
    } catch (e) {
      // Synchronous failures: invalid arguments (NUL bytes), EINVAL, ...
      this.finish({ kind: 'spawnFailed', reason: describeSpawnError(command, e) });
      return;
    }
    child.once('spawn', () => {
      this.spawned = true;
    });
    child.on('error', (e) => {
      // After a successful spawn, 'error' can only come from kill(); the exit
      // (or the SIGKILL wait) still decides the outcome.
      if (!this.spawned) this.finish({ kind: 'spawnFailed', reason: describeSpawnError(command, e) });
    });
    child.stdout?.on('data', (chunk: Buffer) => this.out.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => this.err.push(chunk));
    if (child.stdin) {
      // The agent may exit without reading its stdin: EPIPE is not our failure.
      child.stdin.on('error', () => undefined);
      child.stdin.end(this.opts.stdin ?? '');
    }
    this.deadline = setTimeout(() => this.onDeadline(child), Math.max(0, this.opts.timeoutMs));
    this.timers.push(this.deadline);
    child.once('exit', (exitCode, signal) => this.onExit(child, exitCode, signal));
  }

  private onDeadline(child: ChildProcess): void {
    this.timedOut = true;
    signalGroup(child, 'SIGTERM');
    // Not in `timers`: leftover members of the group are killed even after we
    // resolved. Unref'd: it must not keep a daemon that is shutting down alive.
    const killTimer = setTimeout(() => {
      signalGroup(child, 'SIGKILL');
      if (!this.exited) {
        const giveUp = (): void => this.finish({ kind: 'timedOut', timeoutMs: this.opts.timeoutMs, exitedAfterKill: false });
        this.timers.push(setTimeout(giveUp, AFTER_SIGKILL_WAIT_MS));
      }
    }, this.opts.killGraceMs ?? DEFAULT_KILL_GRACE_MS);
    killTimer.unref();
    if (this.opts.onTimeout === 'resolveNow') {
      this.finish({ kind: 'timedOut', timeoutMs: this.opts.timeoutMs, exitedAfterKill: false });
    }
  }

  private onExit(child: ChildProcess, exitCode: number | null, signal: NodeJS.Signals | null): void {
    this.exited = true;
    // Cleared now, not at finish: the deadline must not signal the group
    // (and a daemon the child left behind) while we wait for output to settle.
    clearTimeout(this.deadline);
    const done = (outcome: ProcessOutcome | null): void => {
      releasePipe(child.stdout);
      releasePipe(child.stderr);
      if (outcome !== null) this.finish(outcome);
    };
    // Already reported (timeout with 'resolveNow'): only tidy up the pipes.
    if (this.settled) return done(null);
    const outcome: ProcessOutcome = this.timedOut
      ? { kind: 'timedOut', timeoutMs: this.opts.timeoutMs, exitedAfterKill: true }
      : { kind: 'exited', exitCode, signal };
    // 'close' comes when every pipe hit EOF; a background grandchild holding
    // a pipe would delay it forever, hence the bounded settle timer.
    child.once('close', () => done(outcome));
    this.timers.push(setTimeout(() => done(outcome), this.opts.outputSettleMs ?? DEFAULT_OUTPUT_SETTLE_MS));
  }

  private finish(outcome: ProcessOutcome): void {
    if (this.settled) return;
    this.settled = true;
    for (const t of this.timers) clearTimeout(t);
    const stderr = this.err.text();
    this.resolve({
      outcome,
      stdout: this.out.text(),
      stderr,
      stderrLastLine: lastLine(stderr),
      durationMs: Math.round(performance.now() - this.startedMs),
    });
  }
}
