// Validation of the core's state file. A file that does not validate stops
// the daemon with a clear error rather than guessing an epoch: a wrong epoch
// could let an old owner win a two-active resolution.

import type { FenceRecord, PersistedState } from '../core/types';

const isUint = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 0xffffffff;

export function validatePersisted(x: unknown): PersistedState | string {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return 'expected an object';
  const o = x as Record<string, unknown>;
  if (!isUint(o.epoch)) return `epoch: expected an integer 0..4294967295, got ${JSON.stringify(o.epoch)}`;
  if (!isUint(o.incarnation)) return `incarnation: expected an integer 0..4294967295, got ${JSON.stringify(o.incarnation)}`;
  const out: PersistedState = { epoch: o.epoch, incarnation: o.incarnation };
  if (o.lastFence !== undefined) {
    const f = o.lastFence as Partial<FenceRecord> | null;
    if (typeof f !== 'object' || f === null || !isUint(f.fenceId) || typeof f.target !== 'string') {
      return 'lastFence: expected { fenceId, target, ... }';
    }
    out.lastFence = f as FenceRecord;
  }
  return out;
}
