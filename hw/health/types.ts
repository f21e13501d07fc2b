// Node health in the core's vocabulary: one event per source with a level
// and a reason (src/core/types.ts `health` event). Sources are stable names
// such as `temperature`, `memory`, `fs:/var`, `nic:eth1`, `raid:md0`,
// because the core keeps the last level per source.

import type { CoreEvent, HealthLevel } from '../../src/core/types';

export type { HealthLevel };

export interface HealthEvent {
  source: string;
  level: HealthLevel;
  reason: string;
}

export type CoreHealthEvent = Extract<CoreEvent, { type: 'health' }>;

export function toCoreHealthEvent(e: HealthEvent, nowMs: number): CoreHealthEvent {
  return { type: 'health', nowMs, source: e.source, level: e.level, reason: e.reason };
}

/** Passes an event on only when its source's level or reason changed, so the core is not flooded. */
export class HealthChangeFilter {
  private readonly last = new Map<string, string>();

  changed(e: HealthEvent): boolean {
    const key = `${e.level}\u0000${e.reason}`;
    if (this.last.get(e.source) === key) return false;
    this.last.set(e.source, key);
    return true;
  }

  /** Forget a source (e.g. a mount that went away) so its next event passes. */
  forget(source: string): void {
    this.last.delete(source);
  }
}
