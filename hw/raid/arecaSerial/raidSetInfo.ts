// GUI_GET_INFO_R (0x20) reply: sGUI_RAIDSET, 128 bytes (arcmsr_spec.rst).
// The meaning of the raid-state byte is not documented, so it stays raw.

import { type Decoded, needBytes, readBytes, writeBytes, writeU8 } from './bytes';
import { readLayout, text, u32, u32Array, u64Pair, u8, writeLayout, type Layout } from './fields';

export interface ArecaRaidSetInfo {
  name: string;
  /** grsCapacity + grsCapacityX as one number (512-byte blocks, as OpenBSD arc(4) reads the volume's). */
  capacityBlocks: number;
  failMask: number;
  /** Device numbers of the members: the first grsMemberDevices entries of grsDevArray. */
  memberDisks: number[];
  newMemberDevices: number;
  /** grsRaidState, undocumented: kept as the byte. */
  stateRaw: number;
  /** Volume numbers on this set: the first grsVolumes entries of grsVolumeList. */
  volumes: number[];
  freeSegments: number;
  rawStripes: number[];
}

export const RAID_SET_INFO_BYTES = 128;
const DEV_ARRAY_ENTRIES = 32;
const VOLUME_LIST_ENTRIES = 16;
const RAW_STRIPES = 8;

// The member and volume lists are counted arrays (a count byte says how many
// entries of a fixed array are used), so they are read and written by hand
// below; everything else is a plain field.
const DEV_ARRAY_OFFSET = 28;
const MEMBER_COUNT_OFFSET = 60;
const VOLUME_COUNT_OFFSET = 63;
const VOLUME_LIST_OFFSET = 64;

const LAYOUT: Layout<Omit<ArecaRaidSetInfo, 'memberDisks' | 'volumes'>> = {
  name: text(0, 16),
  capacityBlocks: u64Pair(16),
  failMask: u32(24),
  newMemberDevices: u8(61),
  stateRaw: u8(62),
  freeSegments: u8(83),
  rawStripes: u32Array(84, RAW_STRIPES),
};

export function decodeRaidSetInfo(data: Uint8Array): Decoded<ArecaRaidSetInfo> {
  const short = needBytes(data, RAID_SET_INFO_BYTES, 'sGUI_RAIDSET');
  if (short !== null) return { ok: false, error: short };
  const members = data[MEMBER_COUNT_OFFSET];
  if (members > DEV_ARRAY_ENTRIES) {
    return { ok: false, error: `sGUI_RAIDSET says ${members} member devices; the device array holds ${DEV_ARRAY_ENTRIES}` };
  }
  const volumes = data[VOLUME_COUNT_OFFSET];
  if (volumes > VOLUME_LIST_ENTRIES) {
    return { ok: false, error: `sGUI_RAIDSET says ${volumes} volumes; the volume list holds ${VOLUME_LIST_ENTRIES}` };
  }
  return {
    ok: true,
    value: {
      ...readLayout(data, LAYOUT),
      memberDisks: readBytes(data, DEV_ARRAY_OFFSET, members),
      volumes: readBytes(data, VOLUME_LIST_OFFSET, volumes),
    },
  };
}

/** Members beyond 32 and volumes beyond 16 do not fit the struct and are dropped. */
export function encodeRaidSetInfo(info: ArecaRaidSetInfo): Buffer {
  const buf = Buffer.alloc(RAID_SET_INFO_BYTES);
  const members = info.memberDisks.slice(0, DEV_ARRAY_ENTRIES);
  const volumes = info.volumes.slice(0, VOLUME_LIST_ENTRIES);
  writeLayout(buf, LAYOUT, info);
  writeBytes(buf, DEV_ARRAY_OFFSET, DEV_ARRAY_ENTRIES, members);
  writeU8(buf, MEMBER_COUNT_OFFSET, members.length);
  writeU8(buf, VOLUME_COUNT_OFFSET, volumes.length);
  writeBytes(buf, VOLUME_LIST_OFFSET, VOLUME_LIST_ENTRIES, volumes);
  return buf;
}
