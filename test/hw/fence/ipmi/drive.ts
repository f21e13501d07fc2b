// Runs a promise that waits on a ManualClock: lets real I/O callbacks
// (setImmediate in the fake socket) run, and only when nothing else can move
// advances virtual time to the next timer. One operation is a chain of up to
// ~15 request/reply round trips, each one setImmediate deep, so 50 rounds
// without settling mean it waits on a timer.

import type { ManualClock } from '../../../../hw/ups/sim/manualClock';

export async function drive<T>(p: Promise<T>, clock: ManualClock, maxTimers = 10_000): Promise<T> {
  let settled = false;
  let value: T | undefined;
  let error: unknown;
  p.then(
    (v) => {
      settled = true;
      value = v;
    },
    (e: unknown) => {
      settled = true;
      error = e ?? new Error('rejected');
    },
  );
  for (let i = 0; i < maxTimers; i++) {
    for (let j = 0; j < 50; j++) await new Promise((r) => setImmediate(r));
    if (settled) break;
    if (!clock.runNext()) throw new Error('drive: the promise waits on nothing (no timer pending, not settled)');
  }
  if (!settled) throw new Error(`drive: not settled after ${maxTimers} timers`);
  if (error !== undefined) throw error;
  return value as T;
}
