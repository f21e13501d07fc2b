// The behaviour of a Linux watchdog device, without a kernel
// (hardware-protocols.md §7.1): opening arms it, every write is a keepalive,
// a close right after a write ending in 'V' disarms it (unless nowayout),
// any other close leaves it running, and when nobody pets it within the
// timeout it "resets the node" (calls onReset). Time is injected; the
// transport (FIFO, test code) calls opened/data/closed.

import type { Cancel, Schedule } from '../../ups/schedule';

export type WatchdogSimState = 'idle' | 'armed';

export type WatchdogSimEvent =
  | { kind: 'opened'; atMs: number }
  | { kind: 'pet'; atMs: number; bytes: number }
  | { kind: 'closed'; atMs: number; disarmed: boolean; why: string }
  | { kind: 'reset'; atMs: number; reason: string };

/** Events kept for inspection; older ones are dropped. */
export const WATCHDOG_SIM_EVENTS_MAX = 256;

export interface WatchdogSimOptions {
  timeoutMs: number;
  schedule: Schedule;
  nowMs: () => number;
  /** The node "resets": kill the daemon's process, mark the node down... */
  onReset: (reason: string) => void;
  /** Like the nowayout module parameter: magic close is ignored. */
  nowayout?: boolean;
}

export class WatchdogSimCore {
  readonly events: WatchdogSimEvent[] = [];
  private stateNow: WatchdogSimState = 'idle';
  private releaseAllowed = false;
  private cancelTimer: Cancel | null = null;
  private lastPetMs: number | null = null;
  private resetCount = 0;

  constructor(private readonly opts: WatchdogSimOptions) {
    if (!(opts.timeoutMs > 0)) throw new RangeError(`watchdog sim timeoutMs must be > 0, got ${opts.timeoutMs}`);
  }

  get state(): WatchdogSimState {
    return this.stateNow;
  }

  get resets(): number {
    return this.resetCount;
  }

  /** Milliseconds until the reset, or null when not armed. */
  timeLeftMs(): number | null {
    if (this.stateNow !== 'armed' || this.lastPetMs === null) return null;
    return Math.max(0, this.lastPetMs + this.opts.timeoutMs - this.opts.nowMs());
  }

  opened(): void {
    this.record({ kind: 'opened', atMs: this.opts.nowMs() });
    this.releaseAllowed = false;
    this.stateNow = 'armed';
    this.restartTimer();
  }

  /**
   * Bytes written by the daemon. A transport may merge several writes into
   * one chunk, so "the last write before close was 'V'" is judged by the
   * last byte received (the daemon writes 'V' alone, as its last write).
   */
  data(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    if (this.stateNow !== 'armed') this.opened();
    this.releaseAllowed = bytes[bytes.length - 1] === 0x56; // 'V'
    this.record({ kind: 'pet', atMs: this.opts.nowMs(), bytes: bytes.length });
    this.restartTimer();
  }

  closed(): void {
    const atMs = this.opts.nowMs();
    if (this.stateNow !== 'armed') {
      this.record({ kind: 'closed', atMs, disarmed: true, why: 'closed while not armed' });
      return;
    }
    if (this.releaseAllowed && this.opts.nowayout !== true) {
      this.stopTimer();
      this.stateNow = 'idle';
      this.record({ kind: 'closed', atMs, disarmed: true, why: "magic close: 'V' was the last byte before close" });
      return;
    }
    const why = this.releaseAllowed ? 'nowayout: magic close ignored, timer keeps running' : "closed without 'V': timer keeps running";
    this.record({ kind: 'closed', atMs, disarmed: false, why });
  }

  /** Stop the timer without a reset (the sim itself is shutting down). */
  dispose(): void {
    this.stopTimer();
    this.stateNow = 'idle';
  }

  private restartTimer(): void {
    this.stopTimer();
    this.lastPetMs = this.opts.nowMs();
    this.cancelTimer = this.opts.schedule(this.opts.timeoutMs, () => this.fire());
  }

  private stopTimer(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
  }

  private fire(): void {
    this.cancelTimer = null;
    this.stateNow = 'idle';
    this.resetCount += 1;
    const reason = `watchdog not petted for ${this.opts.timeoutMs} ms (last keepalive at ${this.lastPetMs} ms)`;
    this.record({ kind: 'reset', atMs: this.opts.nowMs(), reason });
    this.opts.onReset(reason);
  }

  private record(event: WatchdogSimEvent): void {
    this.events.push(event);
    if (this.events.length > WATCHDOG_SIM_EVENTS_MAX) this.events.shift();
  }
}

/** An onReset that kills a process, like a board reset would end it. */
export function killPidOnReset(pid: number, signal: NodeJS.Signals = 'SIGKILL'): (reason: string) => void {
  return () => {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone: the "node" is down either way.
    }
  };
}
