// A simulated external watchdog chip on a GPIO line: it watches the line's
// edges (toggle: either edge, pulse: rising) and faults on a strobe earlier
// than the window's lower boundary or on no strobe within the upper one.
// As on the TPS3813, the first lower boundary after a reset is not enforced.
// Wire its setLine in place of the real GPIO output.

import type { Cancel, Schedule } from '../../ups/schedule';
import type { StrobeWindow } from '../gpioStrobe';

export type ChipFault = { kind: 'early'; atMs: number; intervalMs: number } | { kind: 'timeout'; atMs: number };

export interface WindowChipSimOptions {
  window: StrobeWindow;
  edges: 'both' | 'rising';
  schedule: Schedule;
  nowMs: () => number;
  onFault: (fault: ChipFault) => void;
}

export class WindowChipSim {
  readonly faults: ChipFault[] = [];
  private level: 0 | 1 = 0;
  private lastStrobeMs: number | null = null;
  private cancel: Cancel | null = null;
  strobes = 0;

  constructor(private readonly opts: WindowChipSimOptions) {}

  /** Power-on / reset release: the upper boundary starts counting. */
  arm(): void {
    this.lastStrobeMs = null;
    this.restart();
  }

  dispose(): void {
    this.cancel?.();
    this.cancel = null;
  }

  readonly setLine = (value: 0 | 1): void => {
    const rising = this.level === 0 && value === 1;
    const edge = this.level !== value;
    this.level = value;
    if (!edge || (this.opts.edges === 'rising' && !rising)) return;
    const now = this.opts.nowMs();
    if (this.lastStrobeMs !== null && now - this.lastStrobeMs < this.opts.window.minMs) {
      this.fault({ kind: 'early', atMs: now, intervalMs: now - this.lastStrobeMs });
      return;
    }
    this.strobes += 1;
    this.lastStrobeMs = now;
    this.restart();
  };

  private restart(): void {
    this.cancel?.();
    this.cancel = this.opts.schedule(this.opts.window.maxMs, () => this.fault({ kind: 'timeout', atMs: this.opts.nowMs() }));
  }

  private fault(f: ChipFault): void {
    this.faults.push(f);
    if (this.faults.length > 256) this.faults.shift();
    this.opts.onFault(f);
    // The chip resets the node, then starts over as after power-on.
    this.arm();
  }
}
