// GUI_GET_INFO_V (0x21) reply: sGUI_VOLUMESET, 64 bytes (arcmsr_spec.rst;
// sSCSI_ATTR is 6 bytes, which the spec's 64-byte total confirms). Status
// bits and raid level byte as in reference §8.1.

import {
  type ArecaScsiAttr,
  type Decoded,
  needBytes,
  readScsiAttr,
  readText,
  readU32,
  readU64Pair,
  writeScsiAttr,
  writeText,
  writeU32,
  writeU64Pair,
  writeU8,
} from './bytes';
import { ARECA_RAID_LEVEL_NAMES, ARECA_VOLUME_STATUS_NAMES } from './constants';

export interface ArecaVolumeInfo {
  name: string;
  /** gvsCapacity + gvsCapacityX: 512-byte blocks (OpenBSD arc(4) multiplies by 512). */
  capacityBlocks: number;
  failMask: number;
  stripeSizeBlocks: number;
  newFailMask: number;
  newStripeSizeBlocks: number;
  /** gvsVolumeStatus bits (ARECA_VOLUME_STATUS); 0 is normal. */
  status: number;
  /**
   * gvsProgress as sent. Its unit is not documented: OpenBSD arc(4) divides
   * it by 10 to get a percent, NetBSD uses it as a percent.
   */
  progressRaw: number;
  scsi: ArecaScsiAttr;
  memberDisks: number;
  /** Raid level byte: 0 raid0, 1 raid1, 2 raid3, 3 raid5, 4 raid6, 5 pass-through. */
  raidLevel: number;
  newMemberDisks: number;
  newRaidLevel: number;
  raidSetNumber: number;
}

export const VOLUME_INFO_BYTES = 64;

const OFF = {
  name: 0,
  capacity: 16,
  failMask: 24,
  stripeSize: 28,
  newFailMask: 32,
  newStripeSize: 36,
  status: 40,
  progress: 44,
  scsi: 48,
  memberDisks: 54,
  raidLevel: 55,
  newMemberDisks: 56,
  newRaidLevel: 57,
  raidSetNumber: 58,
} as const;

export function decodeVolumeInfo(data: Uint8Array): Decoded<ArecaVolumeInfo> {
  const short = needBytes(data, VOLUME_INFO_BYTES, 'sGUI_VOLUMESET');
  if (short !== null) return { ok: false, error: short };
  return {
    ok: true,
    value: {
      name: readText(data, OFF.name, 16),
      capacityBlocks: readU64Pair(data, OFF.capacity),
      failMask: readU32(data, OFF.failMask),
      stripeSizeBlocks: readU32(data, OFF.stripeSize),
      newFailMask: readU32(data, OFF.newFailMask),
      newStripeSizeBlocks: readU32(data, OFF.newStripeSize),
      status: readU32(data, OFF.status),
      progressRaw: readU32(data, OFF.progress),
      scsi: readScsiAttr(data, OFF.scsi),
      memberDisks: data[OFF.memberDisks],
      raidLevel: data[OFF.raidLevel],
      newMemberDisks: data[OFF.newMemberDisks],
      newRaidLevel: data[OFF.newRaidLevel],
      raidSetNumber: data[OFF.raidSetNumber],
    },
  };
}

export function encodeVolumeInfo(info: ArecaVolumeInfo): Buffer {
  const buf = Buffer.alloc(VOLUME_INFO_BYTES);
  writeText(buf, OFF.name, 16, info.name);
  writeU64Pair(buf, OFF.capacity, info.capacityBlocks);
  writeU32(buf, OFF.failMask, info.failMask);
  writeU32(buf, OFF.stripeSize, info.stripeSizeBlocks);
  writeU32(buf, OFF.newFailMask, info.newFailMask);
  writeU32(buf, OFF.newStripeSize, info.newStripeSizeBlocks);
  writeU32(buf, OFF.status, info.status);
  writeU32(buf, OFF.progress, info.progressRaw);
  writeScsiAttr(buf, OFF.scsi, info.scsi);
  writeU8(buf, OFF.memberDisks, info.memberDisks);
  writeU8(buf, OFF.raidLevel, info.raidLevel);
  writeU8(buf, OFF.newMemberDisks, info.newMemberDisks);
  writeU8(buf, OFF.newRaidLevel, info.newRaidLevel);
  writeU8(buf, OFF.raidSetNumber, info.raidSetNumber);
  return buf;
}

/** Names of the set status bits, e.g. `['rebuilding']`; unknown bits as `bit12`. */
export function volumeStatusNames(status: number): string[] {
  const names = ARECA_VOLUME_STATUS_NAMES.filter(([bit]) => (status & bit) !== 0).map(([, name]) => name);
  const known = ARECA_VOLUME_STATUS_NAMES.reduce((mask, [bit]) => mask | bit, 0);
  for (let bit = 0; bit < 32; bit++) {
    if (((status >>> bit) & 1) === 1 && ((known >>> bit) & 1) === 0) names.push(`bit${bit}`);
  }
  return names;
}

/** `raid5`, or `level 9` for an undocumented byte. */
export function raidLevelName(level: number): string {
  return ARECA_RAID_LEVEL_NAMES[level] ?? `level ${level}`;
}
