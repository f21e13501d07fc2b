// Reconnect pacing: exponential growth to a cap, with jitter so two links
// that died together (one USB hub) do not retry in lockstep. `random` is
// injected so a test knows every delay in advance.

export interface BackoffPolicy {
  /** Delay before the first retry. */
  initialMs: number;
  /** No delay grows past this. */
  maxMs: number;
  /** Each retry waits `factor` times the one before (before jitter). */
  factor: number;
  /** 0..1: a delay is drawn from [base*(1-jitter), base]. */
  jitter: number;
}

export const DEFAULT_BACKOFF: Readonly<BackoffPolicy> = Object.freeze({ initialMs: 250, maxMs: 30_000, factor: 2, jitter: 0.5 });

/** Delay before retry number `attempt` (1 = the first retry). */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const n = Math.max(1, Math.floor(attempt));
  const initial = Math.max(1, policy.initialMs);
  const cap = Math.max(initial, policy.maxMs);
  // Capped before multiplying further, so a long outage never overflows to Infinity.
  const base = Math.min(cap, initial * Math.pow(Math.max(1, policy.factor), Math.min(n - 1, 64)));
  const jitter = Math.min(1, Math.max(0, policy.jitter));
  const r = Math.min(1, Math.max(0, random()));
  return Math.max(1, Math.round(base * (1 - jitter * r)));
}
