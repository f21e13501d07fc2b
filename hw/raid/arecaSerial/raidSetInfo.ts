// GUI_GET_INFO_R (0x20) reply: sGUI_RAIDSET, 128 bytes (arcmsr_spec.rst).
// The meaning of the raid-state byte is not documented, so it stays raw.

import { type Decoded, needBytes, readBytes, readText, readU32, readU64Pair, writeBytes, writeText, writeU32, writeU64Pair, writeU8 } from './bytes';

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

const OFF = {
  name: 0,
  capacity: 16,
  failMask: 24,
  devArray: 28,
  memberDevices: 60,
  newMemberDevices: 61,
  state: 62,
  volumes: 63,
  volumeList: 64,
  freeSegments: 83,
  rawStripes: 84,
} as const;

export function decodeRaidSetInfo(data: Uint8Array): Decoded<ArecaRaidSetInfo> {
  const short = needBytes(data, RAID_SET_INFO_BYTES, 'sGUI_RAIDSET');
  if (short !== null) return { ok: false, error: short };
  const members = data[OFF.memberDevices];
  if (members > DEV_ARRAY_ENTRIES) {
    return { ok: false, error: `sGUI_RAIDSET says ${members} member devices; the device array holds ${DEV_ARRAY_ENTRIES}` };
  }
  const volumes = data[OFF.volumes];
  if (volumes > VOLUME_LIST_ENTRIES) {
    return { ok: false, error: `sGUI_RAIDSET says ${volumes} volumes; the volume list holds ${VOLUME_LIST_ENTRIES}` };
  }
  return {
    ok: true,
    value: {
      name: readText(data, OFF.name, 16),
      capacityBlocks: readU64Pair(data, OFF.capacity),
      failMask: readU32(data, OFF.failMask),
      memberDisks: readBytes(data, OFF.devArray, members),
      newMemberDevices: data[OFF.newMemberDevices],
      stateRaw: data[OFF.state],
      volumes: readBytes(data, OFF.volumeList, volumes),
      freeSegments: data[OFF.freeSegments],
      rawStripes: Array.from({ length: RAW_STRIPES }, (_, i) => readU32(data, OFF.rawStripes + 4 * i)),
    },
  };
}

/** Members beyond 32 and volumes beyond 16 do not fit the struct and are dropped. */
export function encodeRaidSetInfo(info: ArecaRaidSetInfo): Buffer {
  const buf = Buffer.alloc(RAID_SET_INFO_BYTES);
  const members = info.memberDisks.slice(0, DEV_ARRAY_ENTRIES);
  const volumes = info.volumes.slice(0, VOLUME_LIST_ENTRIES);
  writeText(buf, OFF.name, 16, info.name);
  writeU64Pair(buf, OFF.capacity, info.capacityBlocks);
  writeU32(buf, OFF.failMask, info.failMask);
  writeBytes(buf, OFF.devArray, DEV_ARRAY_ENTRIES, members);
  writeU8(buf, OFF.memberDevices, members.length);
  writeU8(buf, OFF.newMemberDevices, info.newMemberDevices);
  writeU8(buf, OFF.state, info.stateRaw);
  writeU8(buf, OFF.volumes, volumes.length);
  writeBytes(buf, OFF.volumeList, VOLUME_LIST_ENTRIES, volumes);
  writeU8(buf, OFF.freeSegments, info.freeSegments);
  info.rawStripes.slice(0, RAW_STRIPES).forEach((v, i) => writeU32(buf, OFF.rawStripes + 4 * i, v));
  return buf;
}
