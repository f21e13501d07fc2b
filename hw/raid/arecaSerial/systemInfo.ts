// GUI_GET_INFO_S (0x23) reply: sSYSTEM_INFO, 256 bytes (arcmsr_spec.rst).
// Units of the cache/memory/speed fields are not documented; they are kept
// as the raw numbers.

import { readBytes, writeBytes, type Decoded } from './bytes';
import { decodeStruct, encodeStruct, ip, mac, text, u32, u8, type Field, type StructSpec } from './fields';

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

/** sCOM_ATTR: five bytes in the order of ArecaComAttr. */
function comAttr(offset: number): Field<ArecaComAttr> {
  return {
    read: (d) => {
      const [baudRate, dataBits, stopBits, parity, flowControl] = readBytes(d, offset, 5);
      return { baudRate, dataBits, stopBits, parity, flowControl };
    },
    write: (b, c) => writeBytes(b, offset, 5, [c.baudRate, c.dataBits, c.stopBits, c.parity, c.flowControl]),
  };
}

const STRUCT: StructSpec<ArecaSystemInfo> = {
  name: 'sSYSTEM_INFO',
  bytes: SYSTEM_INFO_BYTES,
  layout: {
    vendor: text(0, 40),
    serialNumber: text(40, 16),
    firmwareVersion: text(56, 16),
    bootVersion: text(72, 16),
    mbVersion: text(88, 16),
    model: text(104, 8),
    localIp: ip(112),
    currentIp: ip(116),
    timeTick: u32(120),
    cpuSpeed: u32(124),
    iCache: u32(128),
    dCache: u32(132),
    sCache: u32(136),
    memorySize: u32(140),
    memorySpeed: u32(144),
    events: u32(148),
    macAddress: mac(152),
    dhcp: u8(158),
    beeper: u8(159),
    channelUsage: u8(160),
    maxAtaMode: u8(161),
    sdramEcc: u8(162),
    rebuildPriority: u8(163),
    comA: comAttr(164),
    comB: comAttr(169),
    ideChannels: u8(174),
    scsiHostChannels: u8(175),
    ideHostChannels: u8(176),
    maxVolumeSets: u8(177),
    maxRaidSets: u8(178),
    etherPort: u8(179),
    raid6Engine: u8(180),
  },
};

export function decodeSystemInfo(data: Uint8Array): Decoded<ArecaSystemInfo> {
  return decodeStruct(data, STRUCT);
}

export function encodeSystemInfo(info: ArecaSystemInfo): Buffer {
  return encodeStruct(STRUCT, info);
}
