// GUI_GET_INFO_V (0x21) reply: sGUI_VOLUMESET, 64 bytes (arcmsr_spec.rst;
// sSCSI_ATTR is 6 bytes, which the spec's 64-byte total confirms). Status
// bits and raid level byte as in reference §8.1.

import type { ArecaScsiAttr, Decoded } from './bytes';
import { ARECA_RAID_LEVEL_NAMES, ARECA_VOLUME_STATUS_NAMES } from './constants';
import { decodeStruct, encodeStruct, scsiAttr, text, u32, u64Pair, u8, type StructSpec } from './fields';

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

const STRUCT: StructSpec<ArecaVolumeInfo> = {
  name: 'sGUI_VOLUMESET',
  bytes: VOLUME_INFO_BYTES,
  layout: {
    name: text(0, 16),
    capacityBlocks: u64Pair(16),
    failMask: u32(24),
    stripeSizeBlocks: u32(28),
    newFailMask: u32(32),
    newStripeSizeBlocks: u32(36),
    status: u32(40),
    progressRaw: u32(44),
    scsi: scsiAttr(48),
    memberDisks: u8(54),
    raidLevel: u8(55),
    newMemberDisks: u8(56),
    newRaidLevel: u8(57),
    raidSetNumber: u8(58),
  },
};

export function decodeVolumeInfo(data: Uint8Array): Decoded<ArecaVolumeInfo> {
  return decodeStruct(data, STRUCT);
}

export function encodeVolumeInfo(info: ArecaVolumeInfo): Buffer {
  return encodeStruct(STRUCT, info);
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
