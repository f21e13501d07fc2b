// Turn one parsed md array into ok / degraded / rebuilding / failed with a
// sentence a person can act on. Pure; rules are listed on classifyArray.

import type { MdArray, MdRaid10Layout, MdstatResult, MdSyncProgress } from './mdstatTypes';
import type { RaidClassification } from './types';

/** Personalities that keep no redundant copy: losing any member loses the array. */
const NO_REDUNDANCY = new Set(['raid0', 'linear', 'faulty']);

/** How many missing slots a level survives, whatever their position; raid10 is positional and handled apart. */
function toleratedMissing(level: string | null, total: number): number {
  switch (level) {
    case 'raid4':
    case 'raid5':
      return 1;
    case 'raid6':
      return 2;
    default:
      // raid1, multipath and unknown personalities: alive while one member is up.
      return Math.max(0, total - 1);
  }
}

/**
 * Rules, in order:
 * 1. an inactive array is failed (it is not running);
 * 2. raid0/linear/faulty: failed if any member is failed or missing, else ok;
 * 3. an array that lost more members than its level tolerates is failed
 *    (raid4/5: 1, raid6: 2, raid1/multipath: all but one, raid10: no copy set
 *    may be wholly missing, computed from the map and the near/far layout);
 * 4. with members missing: rebuilding while recovery/resync runs (percent
 *    and estimate in the reason), otherwise degraded (a queued action, a
 *    running reshape/check and available spares are named in the reason);
 * 5. complete array: a running resync is rebuilding (the copies are not yet
 *    known to agree); a queued resync/recovery is degraded; check, repair,
 *    reshape and recovery onto a replacement are ok.
 */
export function classifyArray(a: MdArray): RaidClassification {
  const label = a.level === null ? a.name : `${a.name} ${a.level}`;
  if (a.state === 'inactive') {
    const members = a.members.map((m) => `${m.name} (${m.role})`).join(', ');
    return failed(label, `array is inactive (not running)${members === '' ? '' : `; members: ${members}`}`);
  }
  if (a.level !== null && NO_REDUNDANCY.has(a.level)) return classifyNonRedundant(a, label);
  return classifyRedundant(a, label);
}

/** Classify every array of a parse, in order. */
export function classifyMdstat(result: MdstatResult): Array<RaidClassification & { name: string }> {
  return result.arrays.map((a) => ({ name: a.name, ...classifyArray(a) }));
}

function failed(label: string, why: string): RaidClassification {
  return { state: 'failed', reason: `${label} failed: ${why}` };
}

function failedNames(a: MdArray): string[] {
  return a.members.filter((m) => m.role === 'failed').map((m) => m.name);
}

function classifyNonRedundant(a: MdArray, label: string): RaidClassification {
  const gone = failedNames(a);
  const missing = a.map === null ? 0 : countMissing(a.map);
  if (gone.length > 0 || missing > 0) {
    const who = gone.length > 0 ? `${gone.join(', ')} failed` : `${missing} member(s) missing ([${a.map}])`;
    return failed(label, `${a.level} has no redundancy and ${who}`);
  }
  const count = a.members.filter((m) => m.role !== 'spare').length;
  return { state: 'ok', reason: `${label} ok: ${count} members, no redundancy${readOnlyNote(a)}` };
}

interface SlotCounts {
  total: number;
  missing: number;
}

function countMissing(map: string): number {
  return map.split('').filter((c) => c !== 'U').length;
}

/** Slots and missing slots from the map, else from [n/m], else from the member list. */
function slotCounts(a: MdArray): SlotCounts {
  if (a.map !== null) return { total: a.map.length, missing: countMissing(a.map) };
  if (a.raidDisks !== null && a.activeDisks !== null) {
    return { total: a.raidDisks, missing: Math.max(0, a.raidDisks - a.activeDisks) };
  }
  const slots = a.members.filter((m) => m.role !== 'spare' && m.role !== 'journal' && m.role !== 'replacement');
  return { total: slots.length, missing: slots.filter((m) => m.role === 'failed').length };
}

function classifyRedundant(a: MdArray, label: string): RaidClassification {
  const { total, missing } = slotCounts(a);
  const mapText = a.map === null ? '' : ` ([${a.map}])`;
  const lostText = `${missing} of ${total} members missing${mapText}`;
  if (total === 0 || missing >= total) return failed(label, `${lostText}; no member is up`);
  if (a.level === 'raid10' && a.map !== null) {
    const hole = raid10LostCopySet(a.map, a.raid10Layout);
    if (hole !== null) {
      return failed(label, `${lostText}; every copy of some data is gone (slots ${hole.join(', ')} all missing)`);
    }
  } else if (missing > toleratedMissing(a.level, total)) {
    return failed(label, `${lostText}; ${a.level ?? 'this level'} survives at most ${toleratedMissing(a.level, total)}`);
  }
  const notes = memberNotes(a);
  if (missing > 0) return classifyIncomplete(a, label, lostText, notes);
  return classifyComplete(a, label, total, notes);
}

function classifyIncomplete(a: MdArray, label: string, lostText: string, notes: string[]): RaidClassification {
  const s = a.sync;
  if (s !== null && (s.action === 'recovery' || s.action === 'resync')) {
    return { state: 'rebuilding', reason: join(`${label} rebuilding: ${lostText}`, [describeSync(s), ...notes]) };
  }
  const extra = [...notes];
  if (s !== null) extra.unshift(`${describeSync(s)} (does not restore the missing member)`);
  if (a.syncQueued !== null) extra.unshift(`${a.syncQueued.action} queued (${a.syncQueued.state})`);
  return { state: 'degraded', reason: join(`${label} degraded: ${lostText}`, extra) };
}

function classifyComplete(a: MdArray, label: string, total: number, notes: string[]): RaidClassification {
  const upText = `${total} of ${total} members up${a.map === null ? '' : ` ([${a.map}])`}`;
  const s = a.sync;
  if (s !== null && s.action === 'resync') {
    return { state: 'rebuilding', reason: join(`${label} rebuilding: ${upText}`, [describeSync(s), ...notes]) };
  }
  const q = a.syncQueued;
  if (q !== null && (q.action === 'resync' || q.action === 'recovery')) {
    const why = `${q.action} queued (${q.state}); copies are not known to agree until it runs`;
    return { state: 'degraded', reason: join(`${label} degraded: ${upText}`, [why, ...notes]) };
  }
  const extra = [...notes];
  if (s !== null) extra.unshift(describeSync(s));
  if (q !== null) extra.unshift(`${q.action} queued (${q.state})`);
  return { state: 'ok', reason: join(`${label} ok: ${upText}`, extra) };
}

function memberNotes(a: MdArray): string[] {
  const notes: string[] = [];
  const gone = failedNames(a);
  if (gone.length > 0) notes.push(`${gone.join(', ')} failed`);
  const spares = a.members.filter((m) => m.role === 'spare').map((m) => m.name);
  if (spares.length > 0) notes.push(`spare${spares.length > 1 ? 's' : ''} ${spares.join(', ')} available`);
  const ro = readOnlyNote(a);
  if (ro !== '') notes.push(ro.trim());
  return notes;
}

function readOnlyNote(a: MdArray): string {
  if (!a.readOnly) return '';
  return a.autoReadOnly ? ' (auto-read-only)' : ' (read-only)';
}

function join(head: string, parts: string[]): string {
  return parts.length === 0 ? head : `${head}; ${parts.join('; ')}`;
}

/** `recovery 0.4% done (1024/208704 blocks), about 276.9 min left at 12K/sec`. */
export function describeSync(s: MdSyncProgress): string {
  let text = `${s.action} ${s.percent}% done`;
  if (s.doneBlocks !== null && s.totalBlocks !== null) text += ` (${s.doneBlocks}/${s.totalBlocks} blocks)`;
  if (s.finishMinutes !== null) text += `, about ${s.finishMinutes} min left`;
  if (s.speedKPerSec !== null) text += ` at ${s.speedKPerSec}K/sec`;
  return text;
}

/**
 * md raid10 keeps near×far copies of each chunk. With the default far-set
 * size (all disks), the copies of a chunk whose first copy is on slot k·near
 * sit on slots (k·near + n + f·near) mod d for n < near, f < far (raid10.c
 * __raid10_find_phys). The array is lost when one such set is all missing.
 * Returns the slots of the first wholly missing set, or null if none is.
 *
 * The set of chunk k is the union of the `near`-slot runs starting at
 * (m·near) mod d for m = k … k+far-1, so each run is checked once with a
 * prefix count of up slots and each chunk is a sliding window over the runs:
 * O(d) whatever near and far say (garbage can claim 2^53 copies).
 */
export function raid10LostCopySet(map: string, layout: MdRaid10Layout | null): number[] | null {
  const d = map.length;
  if (d === 0) return null;
  // md's default raid10 layout is 2 near-copies; mdstat prints it, so the default only covers odd input.
  // A run of d slots covers the ring, and run starts repeat every d chunks, so neither count matters past d.
  const near = Math.min(layout?.near ?? 2, d);
  const far = Math.min(Math.max(layout?.far ?? 1, layout?.offset ?? 1), d);
  if (near <= 0 || far <= 0) return [];
  const upBefore = new Int32Array(2 * d + 1); // up slots in the map written twice, so a run that wraps is one range
  for (let i = 0; i < 2 * d; i++) upBefore[i + 1] = upBefore[i]! + (map[i % d] === 'U' ? 1 : 0);
  const runStart = (m: number) => ((m % d) * near) % d;
  const liveRunsBefore = new Int32Array(2 * d + 1); // runs holding an up slot, runs m = 0 … 2d-1
  for (let m = 0; m < 2 * d; m++) {
    const s = runStart(m);
    liveRunsBefore[m + 1] = liveRunsBefore[m]! + (upBefore[s + near]! - upBefore[s]! > 0 ? 1 : 0);
  }
  for (let k = 0; k < d; k++) {
    if (liveRunsBefore[k + far]! - liveRunsBefore[k]! === 0) return slotsOfChunk(k, near, far, d);
  }
  return null;
}

/** Sorted slots of chunk k's copy set (a difference array over the runs, so O(d)). */
function slotsOfChunk(k: number, near: number, far: number, d: number): number[] {
  const cover = new Int32Array(d + 1);
  for (let m = k; m < k + far; m++) {
    const s = ((m % d) * near) % d;
    cover[s]! += 1;
    if (s + near <= d) cover[s + near]! -= 1;
    else {
      cover[d]! -= 1;
      cover[0]! += 1;
      cover[s + near - d]! -= 1;
    }
  }
  const slots: number[] = [];
  for (let i = 0, depth = 0; i < d; i++) {
    depth += cover[i]!;
    if (depth > 0) slots.push(i);
  }
  return slots;
}
