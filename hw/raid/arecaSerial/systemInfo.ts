// GUI_GET_INFO_S (0x23) reply: sSYSTEM_INFO, 256 bytes (arcmsr_spec.rst).
// Units of the cache/memory/speed fields are not documented; they are kept
// as the raw numbers.

import {
  type Decoded,
  needBytes,
  readBytes,
  readIp,
  readMac,
  readText,
  readU32,
  writeBytes,
  writeIp,
  writeMac,
  writeText,
  writeU32,
  writeU8,
} from './bytes';

/** sCOM_ATTR, 5 bytes. baudRate is the index 0..7 = 1200..115200. */
export interface ArecaComAttr {
  baudRate: number;
  dataBits: number;
  stopBits: number;
  parity: number;
  flowControl: number;
}

export interface ArecaSystemInfo {
  vendor: string;
  serialNumber: string;
  firmwareVersion: string;
  bootVersion: string;
  mbVersion: string;
  model: string;
  localIp: string;
  currentIp: string;
  timeTick: number;
  cpuSpeed: number;
  iCache: number;
  dCache: number;
  sCache: number;
  memorySize: number;
  memorySpeed: number;
  /** Event counter. */
  events: number;
  macAddress: string;
  dhcp: number;
  beeper: number;
  channelUsage: number;
  maxAtaMode: number;
  /** 1 if ECC is enabled. */
  sdramEcc: number;
  rebuildPriority: number;
  comA: ArecaComAttr;
  comB: ArecaComAttr;
  ideChannels: number;
  scsiHostChannels: number;
  ideHostChannels: number;
  maxVolumeSets: number;
  maxRaidSets: number;
  /** 1 if an Ethernet port is present. */
  etherPort: number;
  /** 1 if the RAID6 engine is present. */
  raid6Engine: number;
}

export const SYSTEM_INFO_BYTES = 256;

const OFF = {
  vendor: 0,
  serial: 40,
  firmware: 56,
  boot: 72,
  mb: 88,
  model: 104,
  localIp: 112,
  currentIp: 116,
  dwords: 120, // timeTick, cpuSpeed, iCache, dCache, sCache, memorySize, memorySpeed, events
  mac: 152,
  bytesA: 158, // dhcp, beeper, channelUsage, maxAtaMode, sdramEcc, rebuildPriority
  comA: 164,
  comB: 169,
  bytesB: 174, // ideChannels, scsiHostChannels, ideHostChannels, maxVolumeSets, maxRaidSets, etherPort, raid6Engine
} as const;

const DWORD_FIELDS = ['timeTick', 'cpuSpeed', 'iCache', 'dCache', 'sCache', 'memorySize', 'memorySpeed', 'events'] as const;
const BYTE_FIELDS_A = ['dhcp', 'beeper', 'channelUsage', 'maxAtaMode', 'sdramEcc', 'rebuildPriority'] as const;
const BYTE_FIELDS_B = ['ideChannels', 'scsiHostChannels', 'ideHostChannels', 'maxVolumeSets', 'maxRaidSets', 'etherPort', 'raid6Engine'] as const;

function readCom(data: Uint8Array, offset: number): ArecaComAttr {
  const [baudRate, dataBits, stopBits, parity, flowControl] = readBytes(data, offset, 5);
  return { baudRate, dataBits, stopBits, parity, flowControl };
}

export function decodeSystemInfo(data: Uint8Array): Decoded<ArecaSystemInfo> {
  const short = needBytes(data, SYSTEM_INFO_BYTES, 'sSYSTEM_INFO');
  if (short !== null) return { ok: false, error: short };
  const info = {
    vendor: readText(data, OFF.vendor, 40),
    serialNumber: readText(data, OFF.serial, 16),
    firmwareVersion: readText(data, OFF.firmware, 16),
    bootVersion: readText(data, OFF.boot, 16),
    mbVersion: readText(data, OFF.mb, 16),
    model: readText(data, OFF.model, 8),
    localIp: readIp(data, OFF.localIp),
    currentIp: readIp(data, OFF.currentIp),
    macAddress: readMac(data, OFF.mac),
    comA: readCom(data, OFF.comA),
    comB: readCom(data, OFF.comB),
  } as ArecaSystemInfo;
  DWORD_FIELDS.forEach((name, i) => (info[name] = readU32(data, OFF.dwords + 4 * i)));
  BYTE_FIELDS_A.forEach((name, i) => (info[name] = data[OFF.bytesA + i]));
  BYTE_FIELDS_B.forEach((name, i) => (info[name] = data[OFF.bytesB + i]));
  return { ok: true, value: info };
}

export function encodeSystemInfo(info: ArecaSystemInfo): Buffer {
  const buf = Buffer.alloc(SYSTEM_INFO_BYTES);
  writeText(buf, OFF.vendor, 40, info.vendor);
  writeText(buf, OFF.serial, 16, info.serialNumber);
  writeText(buf, OFF.firmware, 16, info.firmwareVersion);
  writeText(buf, OFF.boot, 16, info.bootVersion);
  writeText(buf, OFF.mb, 16, info.mbVersion);
  writeText(buf, OFF.model, 8, info.model);
  writeIp(buf, OFF.localIp, info.localIp);
  writeIp(buf, OFF.currentIp, info.currentIp);
  writeMac(buf, OFF.mac, info.macAddress);
  for (const [offset, c] of [[OFF.comA, info.comA], [OFF.comB, info.comB]] as const) {
    writeBytes(buf, offset, 5, [c.baudRate, c.dataBits, c.stopBits, c.parity, c.flowControl]);
  }
  DWORD_FIELDS.forEach((name, i) => writeU32(buf, OFF.dwords + 4 * i, info[name]));
  BYTE_FIELDS_A.forEach((name, i) => writeU8(buf, OFF.bytesA + i, info[name]));
  BYTE_FIELDS_B.forEach((name, i) => writeU8(buf, OFF.bytesB + i, info[name]));
  return buf;
}
