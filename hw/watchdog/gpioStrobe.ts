// An external watchdog chip fed by a GPIO output (hardware-protocols.md
// §7.5). Window chips (TPS3813) also fault on a strobe that comes too EARLY,
// so the strobe period must sit inside [minMs, maxMs] with room for timer
// jitter on both sides, and a strobe is refused when it would be early.
// The line is an injected setLine(0|1); the cadence and the health gate
// come from GatedPetter, which calls pet() every periodMs.

import type { Schedule } from '../ups/schedule';
import type { PetResult, PetTarget } from './types';

export interface StrobeWindow {
  /** Lower boundary: strobes closer together than this are a fault (0 for a plain timeout chip). */
  minMs: number;
  /** Upper boundary: the chip resets the node when no strobe comes within this. */
  maxMs: number;
}

export interface GpioStrobeOptions {
  setLine: (value: 0 | 1) => void;
  window: StrobeWindow;
  periodMs: number;
  /** How late or early our timer may fire; the period must clear both boundaries by this much. */
  jitterMarginMs: number;
  /** `toggle`: every strobe flips the line (either edge counts); `pulse`: high for pulseWidthMs, then low (rising edge counts). */
  mode: 'toggle' | 'pulse';
  pulseWidthMs?: number;
  schedule: Schedule;
  nowMs: () => number;
  name?: string;
}

/** Null when the timing is usable, else a sentence saying which bound it breaks. */
export function checkStrobeTiming(o: Pick<GpioStrobeOptions, 'window' | 'periodMs' | 'jitterMarginMs' | 'mode' | 'pulseWidthMs'>): string | null {
  const { minMs, maxMs } = o.window;
  if (!(minMs >= 0) || !(maxMs > minMs)) return `window must have 0 <= minMs < maxMs, got ${minMs}..${maxMs} ms`;
  if (!(o.jitterMarginMs >= 0)) return `jitterMarginMs must be >= 0, got ${o.jitterMarginMs}`;
  if (o.periodMs - o.jitterMarginMs < minMs) {
    return `period ${o.periodMs} ms minus jitter margin ${o.jitterMarginMs} ms falls below the window's lower boundary ${minMs} ms (early strobe = fault)`;
  }
  if (o.periodMs + o.jitterMarginMs > maxMs) {
    return `period ${o.periodMs} ms plus jitter margin ${o.jitterMarginMs} ms exceeds the window's upper boundary ${maxMs} ms (the chip would reset the node)`;
  }
  if (o.mode === 'pulse') {
    const w = o.pulseWidthMs ?? 0;
    if (!(w > 0) || w >= o.periodMs) return `pulse mode needs 0 < pulseWidthMs < periodMs, got ${w} ms`;
  }
  return null;
}

export class GpioStrobe implements PetTarget {
  readonly name: string;
  private level: 0 | 1 = 0;
  private lastStrobeMs: number | null = null;
  private strobes = 0;
  private lateStrobes = 0;
  private worstIntervalMs = 0;

  constructor(private readonly opts: GpioStrobeOptions) {
    const problem = checkStrobeTiming(opts);
    if (problem !== null) throw new RangeError(`gpio watchdog strobe: ${problem}`);
    this.name = opts.name ?? 'gpio watchdog strobe';
  }

  /** Drive the line to its idle level (low) before the first strobe. */
  init(): void {
    this.level = 0;
    this.opts.setLine(0);
  }

  pet(): PetResult {
    const now = this.opts.nowMs();
    if (this.lastStrobeMs !== null) {
      const interval = now - this.lastStrobeMs;
      if (interval < this.opts.window.minMs) {
        return { ok: false, error: `strobe refused: only ${interval} ms since the last one, the chip's lower boundary is ${this.opts.window.minMs} ms` };
      }
      this.worstIntervalMs = Math.max(this.worstIntervalMs, interval);
      if (interval > this.opts.window.maxMs) this.lateStrobes += 1;
    }
    try {
      this.strobe();
    } catch (err) {
      return { ok: false, error: `setLine failed: ${(err as Error).message}` };
    }
    this.lastStrobeMs = now;
    this.strobes += 1;
    return { ok: true };
  }

  stats(): { strobes: number; lateStrobes: number; worstIntervalMs: number; lastStrobeMs: number | null } {
    return { strobes: this.strobes, lateStrobes: this.lateStrobes, worstIntervalMs: this.worstIntervalMs, lastStrobeMs: this.lastStrobeMs };
  }

  private strobe(): void {
    if (this.opts.mode === 'toggle') {
      this.level = this.level === 0 ? 1 : 0;
      this.opts.setLine(this.level);
      return;
    }
    this.opts.setLine(1);
    this.opts.schedule(this.opts.pulseWidthMs ?? 1, () => this.opts.setLine(0));
  }
}
