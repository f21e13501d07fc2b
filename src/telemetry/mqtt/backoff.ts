// Reconnect delays: exponential from `initialDelayMs` to `maxDelayMs`, each
// randomised by ± `jitter` so a fleet of nodes behind one broker does not
// reconnect in step after the broker comes back. MQTT.js itself retries at a
// fixed interval, which is why the link does its own.

export interface BackoffOptions {
  initialDelayMs: number;
  maxDelayMs: number;
  /** 0..1: the fraction by which a delay may be shortened or lengthened. */
  jitter: number;
}

/** The delay before reconnect attempt `attempt` (1 = first retry); `random` returns [0, 1). */
export function backoffDelayMs(opts: BackoffOptions, attempt: number, random: () => number): number {
  const exp = Math.min(30, Math.max(0, attempt - 1));
  const base = Math.min(opts.maxDelayMs, opts.initialDelayMs * 2 ** exp);
  const factor = 1 + opts.jitter * (2 * random() - 1);
  return Math.max(1, Math.round(Math.min(opts.maxDelayMs * (1 + opts.jitter), base * factor)));
}
