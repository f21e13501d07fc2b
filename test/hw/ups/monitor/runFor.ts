// Drives a ManualClock while async code (sessions, the monitor) runs on it.

import type { ManualClock } from '../../../../hw/ups/sim/manualClock';

/** Run the virtual clock for `ms`, letting promise continuations run between callbacks. */
export async function runFor(clock: ManualClock, ms: number): Promise<void> {
  const target = clock.nowMs + ms;
  let idle = 0;
  while (idle < 2) {
    await new Promise((r) => setImmediate(r));
    idle = clock.runNext(target) ? 0 : idle + 1;
  }
  clock.advance(target - clock.nowMs);
}
