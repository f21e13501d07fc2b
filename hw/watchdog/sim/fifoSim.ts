// A simulated /dev/watchdog at a path, for the lab and integration tests:
// a FIFO that LinuxWatchdog opens and writes exactly like the real device.
// The FIFO is read event-driven (a non-blocking descriptor wrapped in a
// net.Socket, no thread-pool thread parked on it); a writer's close shows up
// as end-of-file, which is what lets the magic close be simulated faithfully.
// Node has no mkfifo, so the coreutils `mkfifo` binary makes the FIFO.

import { execFile } from 'node:child_process';
import { constants, openSync } from 'node:fs';
import { lstat, unlink } from 'node:fs/promises';
import { Socket } from 'node:net';
import { timerSchedule, type Schedule } from '../../ups/schedule';
import { WatchdogSimCore } from './simCore';

export interface FifoWatchdogSimOptions {
  path: string;
  timeoutMs: number;
  onReset: (reason: string) => void;
  nowayout?: boolean;
  schedule?: Schedule;
  nowMs?: () => number;
}

export class FifoWatchdogSim {
  readonly core: WatchdogSimCore;
  private socket: Socket | null = null;
  private stopped = false;
  private connected = false;

  constructor(private readonly opts: FifoWatchdogSimOptions) {
    this.core = new WatchdogSimCore({
      timeoutMs: opts.timeoutMs,
      schedule: opts.schedule ?? timerSchedule,
      nowMs: opts.nowMs ?? (() => performance.now()),
      onReset: opts.onReset,
      nowayout: opts.nowayout,
    });
  }

  /** Create the FIFO (replacing a stale FIFO at the path) and start reading. */
  async start(): Promise<void> {
    const existing = await lstat(this.opts.path).catch(() => null);
    if (existing !== null) {
      if (!existing.isFIFO()) throw new Error(`${this.opts.path} exists and is not a FIFO; refusing to replace it`);
      await unlink(this.opts.path);
    }
    await new Promise<void>((resolve, reject) =>
      execFile('mkfifo', ['-m', '0600', this.opts.path], (err) =>
        err ? reject(new Error(`mkfifo ${this.opts.path} failed: ${err.message}`)) : resolve(),
      ),
    );
    this.listen();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.socket?.destroy();
    this.socket = null;
    this.core.dispose();
    await unlink(this.opts.path).catch(() => undefined);
  }

  private listen(): void {
    if (this.stopped) return;
    const fd = openSync(this.opts.path, constants.O_RDONLY | constants.O_NONBLOCK);
    const socket = new Socket({ fd, readable: true, writable: false });
    this.socket = socket;
    this.connected = false;
    socket.on('data', (chunk: Buffer) => {
      if (!this.connected) {
        this.connected = true;
        this.core.opened();
      }
      this.core.data(chunk);
    });
    socket.on('end', () => {
      // A writer that opened and closed without writing is still an open/close pair.
      if (!this.connected) this.core.opened();
      this.core.closed();
      socket.destroy();
      this.listen();
    });
    socket.on('error', () => socket.destroy());
  }
}
