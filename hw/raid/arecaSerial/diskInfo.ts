// GUI_GET_INFO_P (0x22) reply: sGUI_PHY_DRV, 128 bytes (arcmsr_spec.rst).
// The device-state byte's values are not in the reference, so it stays raw.

import type { ArecaScsiAttr, Decoded } from './bytes';
import { ARECA_NO_RAID_SET } from './constants';
import { decodeStruct, encodeStruct, scsiAttr, text, u64Pair, u8, u8OrNull, type StructSpec } from './fields';

export interface ArecaDiskInfo {
  model: string;
  serialNumber: string;
  firmwareRev: string;
  /** gpdCapacity + gpdCapacityX (512-byte blocks, as OpenBSD arc(4) reads it). */
  capacityBlocks: number;
  /** gpdDeviceState, undocumented in the reference: kept as the byte. */
  deviceStateRaw: number;
  pioMode: number;
  currentUdmaMode: number;
  udmaMode: number;
  driveSelect: number;
  /** Raid set the disk belongs to; null when the byte is 0xFF (none). */
  raidSetNumber: number | null;
  scsi: ArecaScsiAttr;
}

export const DISK_INFO_BYTES = 128;

const STRUCT: StructSpec<ArecaDiskInfo> = {
  name: 'sGUI_PHY_DRV',
  bytes: DISK_INFO_BYTES,
  layout: {
    model: text(0, 40),
    serialNumber: text(40, 20),
    firmwareRev: text(60, 8),
    capacityBlocks: u64Pair(68),
    deviceStateRaw: u8(76),
    pioMode: u8(77),
    currentUdmaMode: u8(78),
    udmaMode: u8(79),
    driveSelect: u8(80),
    raidSetNumber: u8OrNull(81, ARECA_NO_RAID_SET),
    scsi: scsiAttr(82),
  },
};

export function decodeDiskInfo(data: Uint8Array): Decoded<ArecaDiskInfo> {
  return decodeStruct(data, STRUCT);
}

export function encodeDiskInfo(info: ArecaDiskInfo): Buffer {
  return encodeStruct(STRUCT, info);
}
