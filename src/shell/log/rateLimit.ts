// Per-key rate limiting of log lines: a flapping path or a peer sending
// garbage must not flood the journal, but the operator must learn how many
// lines were held back.

/** Keys tracked at once; the oldest is forgotten beyond this (keys may contain peer data). */
export const MAX_RATE_KEYS = 1000;

interface KeyState {
  lastAllowedMs: number;
  suppressed: number;
}

export type RateDecision = { allowed: true; suppressed: number } | { allowed: false };

export class RateLimiter {
  private readonly keys = new Map<string, KeyState>();

  /** Whether a line with `key` may be logged at `nowMs`; when allowed, how many were held back since the last one. */
  check(key: string, intervalMs: number, nowMs: number): RateDecision {
    const state = this.keys.get(key);
    // A clock that stepped backwards counts as "interval elapsed" rather than
    // silencing the key until the clock catches up again.
    if (state !== undefined && nowMs >= state.lastAllowedMs && nowMs - state.lastAllowedMs < intervalMs) {
      state.suppressed++;
      return { allowed: false };
    }
    const suppressed = state?.suppressed ?? 0;
    this.keys.delete(key); // re-insert so Map order is least-recently-allowed first
    this.keys.set(key, { lastAllowedMs: nowMs, suppressed: 0 });
    if (this.keys.size > MAX_RATE_KEYS) this.keys.delete(this.keys.keys().next().value as string);
    return { allowed: true, suppressed };
  }

  get size(): number {
    return this.keys.size;
  }
}
