// Report-by-exception for the telemetry model: which metrics to publish now.
// States go out on every change. Readings go out when they move by at least
// their deadband; a smaller drift is flushed once the maximum interval has
// passed since that metric was last published, so a consumer's view is never
// off by more than the deadband for longer than the interval. Counters go out
// at most once per counter interval. Nothing is re-sent unchanged: a Sparkplug
// host knows the node is alive until its NDEATH, and the JSON state is retained.

import type { TelemetryMetric, TelemetryValue } from './model';

export interface ChangePolicy {
  /** A reading drifting within its deadband is published after at most this long. */
  maxIntervalMs: number;
  /** A reading past its deadband is still not published more often than this (0: no limit). */
  minIntervalMs: number;
  /** Counters are published at most this often. */
  counterIntervalMs: number;
}

export const DEFAULT_CHANGE_POLICY: ChangePolicy = { maxIntervalMs: 60_000, minIntervalMs: 1000, counterIntervalMs: 10_000 };

export interface Diff {
  changed: TelemetryMetric[];
  /** Names not published before: a Sparkplug session must rebirth to declare them. */
  added: string[];
  /** A `state` metric changed: time to republish a retained whole-node state (the JSON `state` topic). */
  stateChanged: boolean;
}

interface Sent {
  value: TelemetryValue;
  atMs: number;
}

export class ChangeTracker {
  private readonly sent = new Map<string, Sent>();

  constructor(private readonly policy: ChangePolicy = DEFAULT_CHANGE_POLICY) {}

  /** Everything in `metrics` was just published in full (a birth, a retained state). */
  markAll(metrics: TelemetryMetric[], nowMs: number): void {
    this.sent.clear();
    for (const m of metrics) this.sent.set(m.name, { value: m.value, atMs: nowMs });
  }

  /** Forget what was published (after a disconnect the next birth publishes everything). */
  reset(): void {
    this.sent.clear();
  }

  /** The metrics due now; they are recorded as published. */
  diff(metrics: TelemetryMetric[], nowMs: number): Diff {
    const changed: TelemetryMetric[] = [];
    const added: string[] = [];
    for (const m of metrics) {
      const last = this.sent.get(m.name);
      if (!last) added.push(m.name);
      if (last && !this.due(m, last, nowMs)) continue;
      changed.push(m);
      this.sent.set(m.name, { value: m.value, atMs: nowMs });
    }
    return { changed, added, stateChanged: changed.some((m) => m.kind === 'state') };
  }

  private due(m: TelemetryMetric, last: Sent, nowMs: number): boolean {
    if (m.value === last.value) return false;
    const sinceMs = nowMs - last.atMs;
    switch (m.kind) {
      case 'state':
        return true;
      case 'counter':
        return sinceMs >= this.policy.counterIntervalMs;
      case 'reading': {
        if (sinceMs >= this.policy.maxIntervalMs) return true;
        if (sinceMs < this.policy.minIntervalMs) return false;
        // Appearing or vanishing (null) is always news; otherwise compare with the deadband.
        if (typeof m.value !== 'number' || typeof last.value !== 'number') return true;
        return Math.abs(m.value - last.value) >= (m.deadband ?? 0);
      }
    }
  }
}
