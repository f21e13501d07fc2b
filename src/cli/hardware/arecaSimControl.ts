// What `sim-device raid-areca` can do to its controller model: lose a disk,
// put one back (a rebuild starts), heal everything, or set a volume's status
// bits directly. Pure functions over hw/raid/arecaSerial's simulator model;
// each returns null or an error naming what is wrong.

import {
  ARECA_VOLUME_STATUS as S,
  ARECA_VOLUME_STATUS_NAMES,
  classifyArecaVolume,
  volumeStatusNames,
  type ArecaDiskInfo,
  type ArecaSimulatorModel,
} from '../../../hw/raid/arecaSerial';

/** How many members a volume may lose, by raid level byte (raid0, raid1, raid3, raid5, raid6, pass-through). */
export function toleratedLosses(raidLevel: number, members: number): number {
  switch (raidLevel) {
    case 1:
      return Math.max(0, members - 1);
    case 2:
    case 3:
      return 1;
    case 4:
      return 2;
    default:
      return 0;
  }
}

function popcount(mask: number): number {
  let n = 0;
  for (let m = mask >>> 0; m !== 0; m &= m - 1) n++;
  return n;
}

/** Disks taken out by failDisk, kept so replaceDisk can put the same one back. */
export type RemovedDisks = Map<number, ArecaDiskInfo>;

function setsWithDisk(model: ArecaSimulatorModel, disk: number): Array<{ setNo: number; pos: number }> {
  return model.raidSets.flatMap((s, setNo) => (s.memberDisks.includes(disk) ? [{ setNo, pos: s.memberDisks.indexOf(disk) }] : []));
}

/** The disk stops answering; its raid set and volumes lose a member (failed once beyond the level's tolerance). */
export function failDisk(model: ArecaSimulatorModel, removed: RemovedDisks, disk: number): string | null {
  const info = model.disks[disk];
  if (!Number.isInteger(disk) || info === undefined) return `failDisk: no drive slot ${disk} (slots 0..${model.disks.length - 1})`;
  if (info === null) return `failDisk: drive ${disk} is already missing`;
  removed.set(disk, info);
  model.disks[disk] = null;
  for (const { setNo, pos } of setsWithDisk(model, disk)) {
    const set = model.raidSets[setNo]!;
    set.failMask = (set.failMask | (1 << pos)) >>> 0;
    for (const vol of model.volumes.filter((v) => v.raidSetNumber === setNo)) {
      vol.failMask = set.failMask;
      if (popcount(set.failMask) > toleratedLosses(vol.raidLevel, set.memberDisks.length)) vol.status = (vol.status | S.FAILED) >>> 0;
    }
  }
  return null;
}

/** A disk goes back in its slot: the volumes that survived start rebuilding from 0. */
export function replaceDisk(model: ArecaSimulatorModel, removed: RemovedDisks, disk: number): string | null {
  if (!Number.isInteger(disk) || model.disks[disk] === undefined) return `replaceDisk: no drive slot ${disk} (slots 0..${model.disks.length - 1})`;
  if (model.disks[disk] !== null) return `replaceDisk: drive ${disk} is present; fail it first`;
  const before = removed.get(disk);
  if (before === undefined) return `replaceDisk: slot ${disk} was empty from the start; only a failed drive can be replaced`;
  model.disks[disk] = before;
  removed.delete(disk);
  for (const { setNo, pos } of setsWithDisk(model, disk)) {
    const set = model.raidSets[setNo]!;
    set.failMask = (set.failMask & ~(1 << pos)) >>> 0;
    for (const vol of model.volumes.filter((v) => v.raidSetNumber === setNo)) {
      vol.failMask = set.failMask;
      if ((vol.status & S.FAILED) !== 0) continue; // data already lost; a new disk does not bring it back
      vol.status = (vol.status | S.REBUILDING) >>> 0;
      vol.progressRaw = 0;
    }
  }
  return null;
}

/** Every drive back, every mask clear, every volume normal. */
export function heal(model: ArecaSimulatorModel, removed: RemovedDisks): void {
  for (const [disk, info] of removed) model.disks[disk] = info;
  removed.clear();
  for (const set of model.raidSets) set.failMask = 0;
  for (const vol of model.volumes) Object.assign(vol, { failMask: 0, status: 0, progressRaw: 0 });
}

const STATUS_BITS: ReadonlyMap<string, number> = new Map(ARECA_VOLUME_STATUS_NAMES.map(([bit, name]) => [name, bit]));

/** `{"volume":0,"status":["rebuilding"],"progress":500,"failMask":1}`: each field optional except where noted. */
export function setVolume(model: ArecaSimulatorModel, arg: unknown): string | null {
  if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) return 'set takes an object such as {"volume":0,"status":["rebuilding"],"progress":500}';
  const a = arg as Record<string, unknown>;
  const extra = Object.keys(a).filter((k) => !['volume', 'status', 'progress', 'failMask'].includes(k));
  if (extra.length > 0) return `set: unknown field(s) ${extra.join(', ')} (known: volume, status, progress, failMask)`;
  const n = a.volume ?? 0;
  const vol = typeof n === 'number' ? model.volumes[n] : undefined;
  if (vol === undefined) return `set.volume: no volume ${JSON.stringify(n)} (volumes 0..${model.volumes.length - 1})`;
  let status = vol.status;
  if (a.status !== undefined) {
    if (!Array.isArray(a.status) || a.status.some((s) => typeof s !== 'string' || !STATUS_BITS.has(s))) {
      return `set.status must be a list of: ${[...STATUS_BITS.keys()].join(', ')} ([] is normal)`;
    }
    status = (a.status as string[]).reduce((m, s) => m | STATUS_BITS.get(s)!, 0) >>> 0;
  }
  const u32 = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
  if (a.progress !== undefined && !u32(a.progress)) return 'set.progress must be a whole number 0..4294967295 (the raw gvsProgress counter)';
  if (a.failMask !== undefined && !u32(a.failMask)) return 'set.failMask must be a whole number 0..4294967295';
  vol.status = status;
  if (a.progress !== undefined) vol.progressRaw = a.progress as number;
  if (a.failMask !== undefined) vol.failMask = a.failMask as number;
  return null;
}

/** What `{"status":true}` and every reply show. */
export function arecaSimState(model: ArecaSimulatorModel): Record<string, unknown> {
  return {
    volumes: model.volumes.map((v, n) => ({
      volume: n,
      name: v.name,
      state: classifyArecaVolume(v, n).state,
      status: volumeStatusNames(v.status),
      failMask: v.failMask,
      progress: v.progressRaw,
    })),
    missingDisks: model.disks.flatMap((d, i) => (d === null ? [i] : [])),
  };
}
