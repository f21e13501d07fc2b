// The normalized RAID reading every `probe raid` driver produces: arrays with
// state, members and progress, judged by the worst array.

import type { RaidProgress } from '../../../hw/raid/monitor/types';
import type { RaidState } from '../../../hw/raid/types';
import { HEALTH_EXIT, type ProbeHealth } from './exitCodes';

export const RAID_DRIVERS = ['md', 'areca-cli', 'areca'] as const;
export type RaidDriver = (typeof RAID_DRIVERS)[number];

export interface RaidMemberReport {
  /** `sdb1[0]`, `#9 enc 2 slot 1 ST31500341AS`, `disk 0 SIM DISK 1000GB`. */
  name: string;
  /** md: active, failed, spare, write-mostly, journal, replacement; Areca: member, rebuilding. */
  role: string;
}

export interface RaidArrayReport {
  name: string;
  state: RaidState;
  /** raid1, raid5...; null when the source does not say (Areca rsf info, inactive md). */
  level: string | null;
  members: RaidMemberReport[];
  progress: RaidProgress | null;
  /** The classifier's sentence. */
  reason: string;
}

export interface RaidProbeReport {
  device: 'raid';
  driver: RaidDriver;
  /** What was read: a file path or a port. */
  source: string;
  health: ProbeHealth;
  exitCode: number;
  reason: string;
  arrays: RaidArrayReport[];
  /** Input lines that were not understood, details that could not be read. */
  warnings: string[];
  durationMs: number;
}

const STATE_HEALTH: Readonly<Record<RaidState, ProbeHealth>> = { ok: 'ok', degraded: 'warning', rebuilding: 'warning', failed: 'critical' };
const RANK: Readonly<Record<ProbeHealth, number>> = { ok: 0, warning: 1, critical: 2, unreachable: 3 };

/** The worst array decides: failed → critical; degraded or rebuilding → warning; otherwise ok. */
export function judgeRaid(arrays: readonly RaidArrayReport[]): { health: ProbeHealth; reason: string } {
  if (arrays.length === 0) return { health: 'ok', reason: 'no arrays found' };
  let health: ProbeHealth = 'ok';
  for (const a of arrays) if (RANK[STATE_HEALTH[a.state]] > RANK[health]) health = STATE_HEALTH[a.state];
  const count = `${arrays.length} array${arrays.length === 1 ? '' : 's'}`;
  if (health === 'ok') return { health, reason: arrays.length === 1 ? `${arrays[0]!.name} ok` : `all ${count} ok` };
  const bad = arrays.filter((a) => a.state !== 'ok').map((a) => `${a.name} ${a.state}`);
  return { health, reason: `${bad.join(', ')} (of ${count})` };
}

/** A report for a source that could not be read. */
export function unreachableRaid(driver: RaidDriver, source: string, reason: string, durationMs: number, warnings: string[] = []): RaidProbeReport {
  return { device: 'raid', driver, source, health: 'unreachable', exitCode: HEALTH_EXIT.unreachable, reason, arrays: [], warnings, durationMs };
}

/** A report for arrays that were read. */
export function judgedRaid(driver: RaidDriver, source: string, arrays: RaidArrayReport[], warnings: string[], durationMs: number): RaidProbeReport {
  const judged = judgeRaid(arrays);
  return { device: 'raid', driver, source, ...judged, exitCode: HEALTH_EXIT[judged.health], arrays, warnings, durationMs };
}
