// The incarnation is a number that identifies one run of the daemon. It goes
// into every heartbeat; the peer uses it to tell "this node restarted" from
// "an old datagram of a previous run", and fencing is aimed at a specific
// incarnation. So it must never go down, and never repeat.

export const MAX_INCARNATION = 0xffff_ffff;

export interface IncarnationRecord {
  last: number;
}

export function validateIncarnationRecord(x: unknown): IncarnationRecord | string {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return 'expected an object like {"last": 1700000000}';
  const last = (x as Record<string, unknown>).last;
  if (typeof last !== 'number' || !Number.isInteger(last) || last < 0 || last > MAX_INCARNATION) {
    return `"last" must be an integer from 0 to ${MAX_INCARNATION}, got ${JSON.stringify(last) ?? 'nothing'}`;
  }
  return { last };
}

/**
 * next = max(last + 1, wallClockSeconds). Both terms are needed:
 * - `last + 1` keeps it increasing when the wall clock goes backwards (an
 *   appliance with a flat RTC battery boots in 1970 or 2000 until NTP fixes
 *   it) — the clock alone would repeat or lower the incarnation;
 * - `wallClockSeconds` keeps it increasing when incarnation.json is lost
 *   (state directory wiped, disk replaced, restored from an old image) —
 *   the counter alone would restart at 1 and the peer, which remembers a
 *   higher incarnation, would take our heartbeats for stale ones.
 * A wall clock beyond u32 (year 2106, or a corrupt RTC) is ignored rather
 * than allowed to exhaust the range in one step.
 */
export function computeNextIncarnation(last: number | undefined, wallClockSeconds: number): number {
  const wall = Number.isFinite(wallClockSeconds) && wallClockSeconds > 0 ? Math.floor(wallClockSeconds) : 0;
  const wallTerm = wall <= MAX_INCARNATION ? wall : 0;
  const next = Math.max(last === undefined ? 1 : last + 1, wallTerm);
  if (next > MAX_INCARNATION) {
    throw new Error(
      `incarnation counter is exhausted (last=${String(last)}, limit ${MAX_INCARNATION}); ` +
        'resetting it needs both nodes stopped',
    );
  }
  return next;
}
