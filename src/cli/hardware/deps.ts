// What the hardware commands touch outside themselves, injectable so tests
// run them in-process: output, the exit, stdin/stdout for simulator control,
// and Ctrl-C.

import type { Readable, Writable } from 'node:stream';

export interface HardwareCliDeps {
  /** Text for stdout; a newline is added when missing. */
  out(text: string): void;
  /** Text for stderr; a newline is added when missing. */
  err(text: string): void;
  /**
   * Ends the command with this code. The default is process.exit: main()
   * returns its own code and bin/edge-ha would overwrite process.exitCode
   * with it, and an open serial port must not keep the process alive.
   */
  exit(code: number): void;
  /** sim-device control lines in, replies out. */
  stdin: Readable;
  stdout: Writable;
  /** Calls `handler` on SIGINT/SIGTERM; returns the way to stop listening. */
  onInterrupt(handler: () => void): () => void;
}

const line = (s: string) => (s.endsWith('\n') ? s : `${s}\n`);

export function processDeps(): HardwareCliDeps {
  return {
    out: (s) => void process.stdout.write(line(s)),
    err: (s) => void process.stderr.write(line(s)),
    // stdout and stderr are synchronous on Linux for files, pipes and terminals, so nothing written is lost.
    exit: (code) => process.exit(code),
    stdin: process.stdin,
    stdout: process.stdout,
    onInterrupt(handler) {
      process.on('SIGINT', handler);
      process.on('SIGTERM', handler);
      return () => {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
      };
    },
  };
}
