// Event-loop lag: a timer asked to fire every intervalMs fires late by
// however long the loop was busy (GC, a sync call, a CPU hog). The worst lag
// over a recent window tells the watchdog gate whether this daemon is still
// responsive. Clock and timer are injected, so tests drive it by hand.

import type { Cancel, Schedule } from '../ups/schedule';

export interface LoopLagOptions {
  intervalMs: number;
  /** How far back worstLagMs looks. */
  windowMs: number;
  schedule: Schedule;
  nowMs: () => number;
}

/** Samples kept; at a 100 ms interval this is well over the usual window. */
export const LOOP_LAG_SAMPLES_MAX = 1024;

export class LoopLagMonitor {
  private samples: Array<{ atMs: number; lagMs: number }> = [];
  private expectedMs: number | null = null;
  private cancel: Cancel | null = null;

  constructor(private readonly opts: LoopLagOptions) {
    if (!(opts.intervalMs > 0) || !(opts.windowMs >= opts.intervalMs)) {
      throw new RangeError(`loop lag: need intervalMs > 0 and windowMs >= intervalMs, got ${opts.intervalMs} / ${opts.windowMs}`);
    }
  }

  start(): void {
    if (this.cancel !== null) return;
    this.arm();
  }

  stop(): void {
    this.cancel?.();
    this.cancel = null;
    this.expectedMs = null;
  }

  /** Lag of the most recent tick, or null before the first. */
  get lastLagMs(): number | null {
    return this.samples.length === 0 ? null : this.samples[this.samples.length - 1].lagMs;
  }

  /**
   * Worst lag within the window, counting the tick that is overdue right now
   * (a loop that is stuck has no new samples, but its next tick is late).
   * Null before the first tick.
   */
  worstLagMs(nowMs = this.opts.nowMs()): number | null {
    const from = nowMs - this.opts.windowMs;
    let worst: number | null = null;
    for (const s of this.samples) if (s.atMs >= from) worst = Math.max(worst ?? 0, s.lagMs);
    if (this.expectedMs !== null && nowMs > this.expectedMs) worst = Math.max(worst ?? 0, nowMs - this.expectedMs);
    if (worst === null && this.samples.length > 0) worst = 0;
    return worst;
  }

  private arm(): void {
    this.expectedMs = this.opts.nowMs() + this.opts.intervalMs;
    this.cancel = this.opts.schedule(this.opts.intervalMs, () => this.tick());
  }

  private tick(): void {
    const now = this.opts.nowMs();
    const lag = Math.max(0, now - (this.expectedMs ?? now));
    this.samples.push({ atMs: now, lagMs: lag });
    if (this.samples.length > LOOP_LAG_SAMPLES_MAX) this.samples.shift();
    const from = now - this.opts.windowMs;
    while (this.samples.length > 1 && this.samples[0].atMs < from) this.samples.shift();
    this.arm();
  }
}
