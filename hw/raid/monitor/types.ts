// What a RAID status source hands the monitor, and what the monitor emits.

import type { HealthEvent } from '../../health/types';
import type { RaidState } from '../types';

export interface RaidProgress {
  /** `recovery`, `resync`, `check`, `rebuilding`, `initializing`... as the source names it. */
  action: string;
  /** 0..100, or null when the source gives no percent (Areca serial: unit undocumented). */
  percent: number | null;
  /** The device's own estimate, when it gives one (mdstat `finish=`). */
  finishMinutes: number | null;
  speedKPerSec: number | null;
}

export interface ArraySnapshot {
  /** Stable per source, e.g. `md0`, `Raid Set # 000`, `volume 0`. */
  name: string;
  state: RaidState;
  reason: string;
  progress: RaidProgress | null;
}

export type RaidReadResult = { ok: true; arrays: ArraySnapshot[]; warnings: string[] } | { ok: false; error: string };

export interface RaidSource {
  /** For messages and the health source of read failures, e.g. `mdstat`, `areca-cli`, `areca-serial`. */
  readonly name: string;
  /** Never rejects. */
  read(): Promise<RaidReadResult>;
}

export type RaidMonitorEvent =
  | { kind: 'state'; atMs: number; array: string; from: RaidState | null; to: RaidState; reason: string }
  | {
      kind: 'progress';
      atMs: number;
      array: string;
      action: string;
      percent: number | null;
      /** Time left: the device's estimate when it has one, else from the rate between two polls; null if neither. */
      etaMs: number | null;
      etaFrom: 'device' | 'rate' | null;
      speedKPerSec: number | null;
    }
  | { kind: 'read-failed'; atMs: number; source: string; error: string }
  | { kind: 'read-recovered'; atMs: number; source: string }
  | { kind: 'health'; atMs: number; event: HealthEvent };

/** failed → critical; degraded and rebuilding → degraded (redundancy is reduced until the rebuild ends); ok → ok. */
export function raidHealthLevel(state: RaidState): HealthEvent['level'] {
  return state === 'failed' ? 'critical' : state === 'ok' ? 'ok' : 'degraded';
}
