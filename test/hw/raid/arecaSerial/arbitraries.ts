// fast-check generators for the Areca structs: only values the wire format
// can carry exactly (text that fits its field and has no trailing blank,
// bytes 0..255, DWORDs, capacities below 2^53).

import fc from 'fast-check';
import type {
  ArecaDiskInfo,
  ArecaRaidSetInfo,
  ArecaScsiAttr,
  ArecaSimulatorModel,
  ArecaSystemInfo,
  ArecaVolumeInfo,
} from '../../../../hw/raid/arecaSerial';

/** Printable ASCII that reads back unchanged from a NUL-padded field of `width` bytes. */
export const text = (width: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: width }).map((s) => s.trimEnd());

export const u8 = fc.integer({ min: 0, max: 0xff });
export const u32 = fc.integer({ min: 0, max: 0xffffffff });
export const capacity = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const ip = fc.tuple(u8, u8, u8, u8).map((b) => b.join('.'));
const mac = fc.array(u8, { minLength: 6, maxLength: 6 }).map((b) => b.map((x) => x.toString(16).padStart(2, '0')).join(':'));

export const scsiArb: fc.Arbitrary<ArecaScsiAttr> = fc.record({ channel: u8, target: u8, lun: u8, tagged: u8, cache: u8, speed: u8 });
const comArb = fc.record({ baudRate: u8, dataBits: u8, stopBits: u8, parity: u8, flowControl: u8 });

export const systemInfoArb: fc.Arbitrary<ArecaSystemInfo> = fc.record({
  vendor: text(40),
  serialNumber: text(16),
  firmwareVersion: text(16),
  bootVersion: text(16),
  mbVersion: text(16),
  model: text(8),
  localIp: ip,
  currentIp: ip,
  timeTick: u32,
  cpuSpeed: u32,
  iCache: u32,
  dCache: u32,
  sCache: u32,
  memorySize: u32,
  memorySpeed: u32,
  events: u32,
  macAddress: mac,
  dhcp: u8,
  beeper: u8,
  channelUsage: u8,
  maxAtaMode: u8,
  sdramEcc: u8,
  rebuildPriority: u8,
  comA: comArb,
  comB: comArb,
  ideChannels: u8,
  scsiHostChannels: u8,
  ideHostChannels: u8,
  maxVolumeSets: u8,
  maxRaidSets: u8,
  etherPort: u8,
  raid6Engine: u8,
});

export const raidSetInfoArb: fc.Arbitrary<ArecaRaidSetInfo> = fc.record({
  name: text(16),
  capacityBlocks: capacity,
  failMask: u32,
  memberDisks: fc.array(u8, { maxLength: 32 }),
  newMemberDevices: u8,
  stateRaw: u8,
  volumes: fc.array(u8, { maxLength: 16 }),
  freeSegments: u8,
  rawStripes: fc.array(u32, { minLength: 8, maxLength: 8 }),
});

export const volumeInfoArb: fc.Arbitrary<ArecaVolumeInfo> = fc.record({
  name: text(16),
  capacityBlocks: capacity,
  failMask: u32,
  stripeSizeBlocks: u32,
  newFailMask: u32,
  newStripeSizeBlocks: u32,
  status: u32,
  progressRaw: u32,
  scsi: scsiArb,
  memberDisks: u8,
  raidLevel: u8,
  newMemberDisks: u8,
  newRaidLevel: u8,
  raidSetNumber: u8,
});

export const diskInfoArb: fc.Arbitrary<ArecaDiskInfo> = fc.record({
  model: text(40),
  serialNumber: text(20),
  firmwareRev: text(8),
  capacityBlocks: capacity,
  deviceStateRaw: u8,
  pioMode: u8,
  currentUdmaMode: u8,
  udmaMode: u8,
  driveSelect: u8,
  raidSetNumber: fc.option(fc.integer({ min: 0, max: 0xfe }), { nil: null }),
  scsi: scsiArb,
});

export const modelArb: fc.Arbitrary<ArecaSimulatorModel> = fc.record({
  password: text(15).filter((p) => p === p.trim()),
  identifyText: fc.constant('Areca RAID Subsystem '),
  system: systemInfoArb,
  raidSets: fc.array(raidSetInfoArb, { maxLength: 4 }),
  volumes: fc.array(volumeInfoArb, { maxLength: 4 }),
  disks: fc.array(fc.option(diskInfoArb, { nil: null }), { maxLength: 6 }),
});
