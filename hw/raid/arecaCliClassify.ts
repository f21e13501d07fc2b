// Classify an Areca raid set from `cli64 rsf info` (optionally with `cli64
// disk info` for the member and failed disks), like md arrays are. State
// words follow reference §8.2 and check_raid's areca plugin: Normal, Checking,
// Initializing and Rebuilding are the expected ones; anything unknown is
// treated as failed, as check_raid treats it as critical.

import type { ArecaCliDisk, ArecaCliRaidSet, ArecaCliRsfInfo } from './arecaCliTypes';
import type { RaidClassification, RaidState } from './types';

interface StateRule {
  state: RaidState;
  /** Why, appended to the reason when the word alone would not say it. */
  note?: string;
}

const STATE_RULES: Record<string, StateRule> = {
  normal: { state: 'ok' },
  checking: { state: 'ok', note: 'consistency check running' },
  migrating: { state: 'ok', note: 'migration (level or size change) running' },
  rebuilding: { state: 'rebuilding' },
  // Background initialisation: parity/mirror is still being written, so a disk loss now would lose data.
  initializing: { state: 'rebuilding', note: 'initialising: redundancy not yet established' },
  initialising: { state: 'rebuilding', note: 'initialising: redundancy not yet established' },
  degraded: { state: 'degraded' },
  failed: { state: 'failed' },
  offline: { state: 'failed' },
  // A raid set missing disks that the controller has not activated: not serving data.
  incomplete: { state: 'failed', note: 'raid set is incomplete (disks missing, set not activated)' },
};

function ruleFor(stateText: string): StateRule {
  const key = stateText.trim().toLowerCase().replace(/\s+/g, ' ');
  // Own keys only: a state printed as "constructor" or "__proto__" must not find Object.prototype's members.
  const known = Object.prototype.hasOwnProperty.call(STATE_RULES, key) ? STATE_RULES[key] : undefined;
  return known ?? { state: 'failed', note: `unrecognised state treated as failed (check_raid treats unknown states as critical)` };
}

function describeDisk(d: ArecaCliDisk): string {
  const where = d.enclosure !== null ? `enc ${d.enclosure} slot ${d.slot}` : `ch ${d.channel}`;
  return `#${d.index} (${where}${d.model === null ? '' : `, ${d.model}`})`;
}

/**
 * Classify one raid set. `disks` (from disk info) adds the member count seen
 * there and lists failed disks; disk info does not say which set a failed
 * disk belonged to, so they are named as "failed disks on the controller".
 */
export function classifyArecaRaidSet(set: ArecaCliRaidSet, disks: readonly ArecaCliDisk[] = []): RaidClassification {
  const rule = ruleFor(set.state);
  const progress = set.progressPercent === null ? '' : ` (${set.progressPercent}%)`;
  const parts: string[] = [`state ${set.state}${progress}`, `${set.disks} disks, ${set.totalCapGB}GB`];
  if (rule.note) parts.push(rule.note);
  if (disks.length > 0) {
    const members = disks.filter((d) => d.raidSetName === set.name).length;
    if (members !== set.disks) parts.push(`disk info lists ${members} members, rsf info says ${set.disks}`);
    const failedDisks = disks.filter((d) => d.use === 'failed');
    if (failedDisks.length > 0) parts.push(`failed disks on the controller: ${failedDisks.map(describeDisk).join(', ')}`);
    const rebuilding = disks.filter((d) => d.use === 'rebuilding');
    if (rebuilding.length > 0) parts.push(`rebuilding disks: ${rebuilding.map(describeDisk).join(', ')}`);
  }
  return { state: rule.state, reason: `Areca raid set "${set.name}" ${rule.state}: ${parts.join('; ')}` };
}

/** Classify every raid set of an rsf info parse. */
export function classifyArecaRsfInfo(
  rsf: ArecaCliRsfInfo,
  disks: readonly ArecaCliDisk[] = [],
): Array<RaidClassification & { name: string }> {
  return rsf.raidSets.map((set) => ({ name: set.name, ...classifyArecaRaidSet(set, disks) }));
}
