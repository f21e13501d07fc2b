// How the gpiod backend runs the Debian tools. It is an interface so unit
// tests hand in a fake that answers like gpioget/gpioset/gpiomon without a
// gpiochip; production uses child_process. Output is bounded: a tool that
// floods stdout cannot grow our memory.

import { execFile, spawn } from 'node:child_process';

export interface CommandOutcome {
  /** Exit code; null when killed by a signal or never started. */
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Set when the program could not be started or timed out (ENOENT, EACCES, timeout). */
  failure?: string;
}

/** A long-running tool (gpioset holding a line, gpiomon watching one). */
export interface LongCommand {
  onStdout(listener: (text: string) => void): void;
  /** Called once, when the process has ended (or failed to start). */
  onExit(listener: (outcome: CommandOutcome) => void): void;
  readonly exited: boolean;
  kill(signal?: NodeJS.Signals): void;
}

export interface CommandRunner {
  run(command: string, args: readonly string[], timeoutMs: number): Promise<CommandOutcome>;
  start(command: string, args: readonly string[]): LongCommand;
}

/** Enough for any gpiod answer; stderr is a line or two. */
export const MAX_COMMAND_OUTPUT_BYTES = 64 * 1024;
const MAX_STDERR_CHARS = 4096;

export const childProcessRunner: CommandRunner = {
  run(command, args, timeoutMs) {
    return new Promise((resolve) => {
      execFile(command, [...args], { timeout: timeoutMs, maxBuffer: MAX_COMMAND_OUTPUT_BYTES, encoding: 'utf8' }, (error, stdout, stderr) => {
        if (!error) return resolve({ code: 0, signal: null, stdout, stderr });
        const e = error as NodeJS.ErrnoException & { code?: unknown; signal?: string | null; killed?: boolean };
        const failure = typeof e.code === 'string' ? `${command}: ${e.code === 'ENOENT' ? 'not found' : e.message}` : e.killed ? `${command}: no answer within ${timeoutMs} ms` : undefined;
        resolve({ code: typeof e.code === 'number' ? e.code : null, signal: e.signal ?? null, stdout: String(stdout ?? ''), stderr: String(stderr ?? ''), ...(failure ? { failure } : {}) });
      });
    });
  },
  start(command, args) {
    const child = spawn(command, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const stdoutListeners: Array<(t: string) => void> = [];
    const exitListeners: Array<(o: CommandOutcome) => void> = [];
    let stderr = '';
    let exited: CommandOutcome | null = null;
    const finish = (o: CommandOutcome): void => {
      if (exited) return;
      exited = o;
      for (const l of exitListeners) l(o);
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (t: string) => stdoutListeners.forEach((l) => l(t)));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (t: string) => {
      stderr = (stderr + t).slice(-MAX_STDERR_CHARS);
    });
    child.on('error', (e: NodeJS.ErrnoException) =>
      finish({ code: null, signal: null, stdout: '', stderr, failure: `${command}: ${e.code === 'ENOENT' ? 'not found' : e.message}` }),
    );
    child.on('close', (code, signal) => finish({ code, signal, stdout: '', stderr }));
    return {
      onStdout: (l) => void stdoutListeners.push(l),
      onExit: (l) => {
        if (exited) {
          const o = exited;
          queueMicrotask(() => l(o));
        } else exitListeners.push(l);
      },
      get exited() {
        return exited !== null;
      },
      kill: (signal = 'SIGTERM') => {
        if (!exited) child.kill(signal);
      },
    };
  },
};
