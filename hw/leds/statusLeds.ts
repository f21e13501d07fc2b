// StatusLeds: the node's role, alarms and peer link shown on up to three
// LEDs (patterns.ts has the convention). Any subset of the LEDs may exist:
// a board with only a fault LED still shows faults. set() is cheap and
// idempotent, so the daemon can call it on every status change; nothing
// here throws, and a failing LED is reported through the callback once
// and retried (ledDriver.ts).

import type { GpioError, GpioLine } from '../gpio/types';
import type { Schedule } from '../ups/schedule';
import { LED_NAMES, type LedName } from '../boards/types';
import { LedDriver } from './ledDriver';
import { ledPatterns, type LedPattern, type NodeDisplayState } from './patterns';

/** A failed LED write is tried again this often while the pattern holds it steady. */
export const DEFAULT_LED_RETRY_MS = 5_000;

export interface StatusLedsOptions {
  schedule: Schedule;
  retryMs?: number;
  /** Once per failure episode of one LED (until a write succeeds again). */
  onWriteError?: (led: LedName, error: GpioError) => void;
  onWriteRecovered?: (led: LedName) => void;
}

export class StatusLeds {
  private readonly drivers = new Map<LedName, LedDriver>();
  private state: NodeDisplayState | null = null;
  private closing: Promise<void> | null = null;

  /** `lines`: the LED outputs that exist; StatusLeds owns them from now on and closes them in close(). */
  constructor(lines: Partial<Record<LedName, GpioLine>>, o: StatusLedsOptions) {
    const driverOptions = { schedule: o.schedule, retryMs: o.retryMs ?? DEFAULT_LED_RETRY_MS, onWriteError: o.onWriteError, onWriteRecovered: o.onWriteRecovered };
    for (const name of LED_NAMES) {
      const line = lines[name];
      if (line) this.drivers.set(name, new LedDriver(name, line, driverOptions));
    }
  }

  /** The LEDs this instance drives. */
  get ledNames(): LedName[] {
    return [...this.drivers.keys()];
  }

  /** The last state set, or null before the first set(). */
  get displayed(): NodeDisplayState | null {
    return this.state === null ? null : { ...this.state };
  }

  /** Current pattern of each LED that exists (for status output). */
  patterns(): Partial<Record<LedName, LedPattern>> {
    const out: Partial<Record<LedName, LedPattern>> = {};
    for (const [name, d] of this.drivers) out[name] = d.currentPattern;
    return out;
  }

  /** LEDs whose writes are failing now. */
  failing(): LedName[] {
    return [...this.drivers].filter(([, d]) => d.isFailing).map(([name]) => name);
  }

  set(state: NodeDisplayState): void {
    if (this.closing) return;
    this.state = { ...state };
    const wanted = ledPatterns(state);
    for (const [name, d] of this.drivers) d.setPattern(wanted[name]);
  }

  /** Turn every LED off and release its line. Later set() calls are ignored. */
  close(): Promise<void> {
    this.closing ??= Promise.all([...this.drivers.values()].map((d) => d.close())).then(() => undefined);
    return this.closing;
  }
}
