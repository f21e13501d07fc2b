// What every fence agent in hw/fence is given instead of reaching for the
// world itself: a way to open its link, injected time, and (for simulators) a
// power backend. Keeping these injected is what lets a test drive a 14 s RPS-10
// timeout on a virtual clock and lets a simulator cut a simulated node.

import type { ByteTransport } from '../ups/transport';
import type { Schedule } from '../ups/schedule';

/** Opens the link to the device (serial port, ser2net TCP, simulator); may reject. */
export type TransportFactory = () => Promise<ByteTransport>;

export interface FenceClock {
  schedule: Schedule;
  /** Monotonic milliseconds, only used for `durationMs` in results. */
  nowMs: () => number;
}

/** The power a simulated switch controls: one switchable outlet per number. */
export interface PowerBackend {
  isOn(outlet: number): boolean;
  powerOff(outlet: number): void;
  powerOn(outlet: number): void;
}

/** A plain in-memory backend; every outlet starts on unless listed in `initiallyOff`. */
export class MemoryPower implements PowerBackend {
  private readonly off = new Set<number>();

  constructor(initiallyOff: readonly number[] = []) {
    for (const o of initiallyOff) this.off.add(o);
  }

  isOn(outlet: number): boolean {
    return !this.off.has(outlet);
  }

  powerOff(outlet: number): void {
    this.off.add(outlet);
  }

  powerOn(outlet: number): void {
    this.off.delete(outlet);
  }
}
