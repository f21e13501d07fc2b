// The three system calls the pure-Node watchdog path needs, injectable so
// tests can fail them. They are synchronous on purpose (reference §7.3):
// async fs goes through the libuv thread pool, and a keepalive stuck behind
// slow disk reads in that pool would let the node reset while we are healthy.

import { closeSync, constants, openSync, writeSync } from 'node:fs';

export interface WatchdogFileOps {
  /** Open for writing; throws an errno error (ENOENT, EBUSY, ENXIO...). */
  open(path: string): number;
  /** Write one byte; throws on failure. */
  write(fd: number, byte: string): void;
  close(fd: number): void;
}

export const nodeWatchdogFileOps: WatchdogFileOps = {
  // O_NONBLOCK: harmless on a watchdog device, and makes opening a FIFO
  // (the simulator) fail with ENXIO at once when nobody reads it instead of
  // blocking the event loop forever.
  open: (path) => openSync(path, constants.O_WRONLY | constants.O_NONBLOCK),
  write: (fd, byte) => {
    writeSync(fd, byte);
  },
  close: (fd) => closeSync(fd),
};
