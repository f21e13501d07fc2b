// Claim a board's LED lines and build StatusLeds over them. LEDs only show
// state, so one that cannot be claimed (busy, no such line) is left out and
// reported, rather than keeping the daemon from starting.

import { openGpioLine, type GpioClock } from '../gpio/line';
import type { GpioBackend, GpioError, GpioLine } from '../gpio/types';
import { LED_NAMES, type BoardOutputLine, type LedName } from '../boards/types';
import { StatusLeds, type StatusLedsOptions } from './statusLeds';

export interface OpenStatusLedsResult {
  leds: StatusLeds;
  /** LEDs that could not be claimed, with why. */
  failed: Array<{ led: LedName; error: GpioError }>;
}

export async function openStatusLeds(
  backend: GpioBackend,
  lines: Readonly<Partial<Record<LedName, BoardOutputLine>>>,
  o: StatusLedsOptions & { nowMs?: () => number },
): Promise<OpenStatusLedsResult> {
  const clock: GpioClock = { schedule: o.schedule, nowMs: o.nowMs ?? (() => performance.now()) };
  const opened: Partial<Record<LedName, GpioLine>> = {};
  const failed: OpenStatusLedsResult['failed'] = [];
  for (const name of LED_NAMES) {
    const spec = lines[name];
    if (!spec) continue;
    const r = await openGpioLine(backend, { name: `led-${name}`, chip: spec.chip, offset: spec.line, direction: 'out', activeLow: spec.activeLow, initialActive: false }, clock);
    if (r.ok) opened[name] = r.value;
    else failed.push({ led: name, error: r.error });
  }
  return { leds: new StatusLeds(opened, o), failed };
}
