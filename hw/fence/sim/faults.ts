// Fault knobs shared by the fence simulators, and the output side that applies
// them. `lie` is not applied here: each simulator honours it where it would
// switch power (it answers as usual but leaves the outlet as it was).

import type { Schedule } from '../../ups/schedule';
import type { DataListener, Unsubscribe } from '../../ups/transport';

export interface FenceSimFaults {
  /** Answer nothing at all (cable pulled, device hung). */
  silent: boolean;
  /** Answer these bytes instead of every reply. */
  garbage: boolean;
  /** Send only the first half of every reply, then nothing. */
  halfAnswer: boolean;
  /** Report a switch as done without switching the power. */
  lie: boolean;
  /** Delay before each reply (a slow device). */
  slowMs: number;
}

export const FENCE_SIM_GARBAGE = Uint8Array.from([0xfe, 0x13, 0x7e, 0x00, 0x51, 0xa5, 0x0d, 0x0a, 0x3f, 0x0d, 0x0a]);

export function fenceSimFaults(overrides: Partial<FenceSimFaults> = {}): FenceSimFaults {
  return { silent: false, garbage: false, halfAnswer: false, lie: false, slowMs: 0, ...overrides };
}

export class FenceSimOutput {
  private readonly listeners = new Set<DataListener>();

  constructor(
    private readonly schedule: Schedule,
    private readonly faults: () => FenceSimFaults,
  ) {}

  onOutput(listener: DataListener): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Send a reply through the fault knobs; always later, never inside the host's write. */
  reply(bytes: Uint8Array): void {
    const f = this.faults();
    if (f.silent) return;
    let out = bytes;
    if (f.garbage) out = FENCE_SIM_GARBAGE;
    else if (f.halfAnswer) out = bytes.slice(0, Math.floor(bytes.length / 2));
    if (out.length === 0) return;
    this.schedule(f.slowMs, () => {
      for (const l of [...this.listeners]) l(out);
    });
  }
}
