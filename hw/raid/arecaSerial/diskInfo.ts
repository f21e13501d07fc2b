// GUI_GET_INFO_P (0x22) reply: sGUI_PHY_DRV, 128 bytes (arcmsr_spec.rst).
// The device-state byte's values are not in the reference, so it stays raw.

import {
  type ArecaScsiAttr,
  type Decoded,
  needBytes,
  readScsiAttr,
  readText,
  readU64Pair,
  writeScsiAttr,
  writeText,
  writeU64Pair,
  writeU8,
} from './bytes';
import { ARECA_NO_RAID_SET } from './constants';

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

const OFF = {
  model: 0,
  serial: 40,
  firmware: 60,
  capacity: 68,
  deviceState: 76,
  pioMode: 77,
  currentUdmaMode: 78,
  udmaMode: 79,
  driveSelect: 80,
  raidNumber: 81,
  scsi: 82,
} as const;

export function decodeDiskInfo(data: Uint8Array): Decoded<ArecaDiskInfo> {
  const short = needBytes(data, DISK_INFO_BYTES, 'sGUI_PHY_DRV');
  if (short !== null) return { ok: false, error: short };
  const raid = data[OFF.raidNumber];
  return {
    ok: true,
    value: {
      model: readText(data, OFF.model, 40),
      serialNumber: readText(data, OFF.serial, 20),
      firmwareRev: readText(data, OFF.firmware, 8),
      capacityBlocks: readU64Pair(data, OFF.capacity),
      deviceStateRaw: data[OFF.deviceState],
      pioMode: data[OFF.pioMode],
      currentUdmaMode: data[OFF.currentUdmaMode],
      udmaMode: data[OFF.udmaMode],
      driveSelect: data[OFF.driveSelect],
      raidSetNumber: raid === ARECA_NO_RAID_SET ? null : raid,
      scsi: readScsiAttr(data, OFF.scsi),
    },
  };
}

export function encodeDiskInfo(info: ArecaDiskInfo): Buffer {
  const buf = Buffer.alloc(DISK_INFO_BYTES);
  writeText(buf, OFF.model, 40, info.model);
  writeText(buf, OFF.serial, 20, info.serialNumber);
  writeText(buf, OFF.firmware, 8, info.firmwareRev);
  writeU64Pair(buf, OFF.capacity, info.capacityBlocks);
  writeU8(buf, OFF.deviceState, info.deviceStateRaw);
  writeU8(buf, OFF.pioMode, info.pioMode);
  writeU8(buf, OFF.currentUdmaMode, info.currentUdmaMode);
  writeU8(buf, OFF.udmaMode, info.udmaMode);
  writeU8(buf, OFF.driveSelect, info.driveSelect);
  writeU8(buf, OFF.raidNumber, info.raidSetNumber ?? ARECA_NO_RAID_SET);
  writeScsiAttr(buf, OFF.scsi, info.scsi);
  return buf;
}
