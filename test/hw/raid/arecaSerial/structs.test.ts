// The four info structs. Offsets are checked against bytes placed by hand
// at the positions the arcmsr_spec.rst layouts give (so a shared offset
// mistake in encoder and decoder cannot hide), then encode/decode round
// trips and robustness are checked with fast-check.

import fc from 'fast-check';
import {
  DISK_INFO_BYTES,
  RAID_SET_INFO_BYTES,
  SYSTEM_INFO_BYTES,
  VOLUME_INFO_BYTES,
  decodeDiskInfo,
  decodeRaidSetInfo,
  decodeReply,
  decodeSystemInfo,
  decodeVolumeInfo,
  encodeDiskInfo,
  encodeRaidSetInfo,
  encodeSystemInfo,
  encodeVolumeInfo,
  raidLevelName,
  volumeStatusNames,
  type Decoded,
} from '../../../../hw/raid/arecaSerial';
import { diskInfoArb, raidSetInfoArb, systemInfoArb, volumeInfoArb } from './arbitraries';

function value<T>(d: Decoded<T>): T {
  if (!d.ok) throw new Error(d.error);
  return d.value;
}

describe('struct layouts (hand-placed bytes)', () => {
  it('sGUI_RAIDSET', () => {
    const b = Buffer.alloc(RAID_SET_INFO_BYTES);
    b.write('data', 0, 'latin1'); // grsRaidSetName[16]
    b.writeUInt32LE(0x89abcdef, 16); // grsCapacity
    b.writeUInt32LE(2, 20); // grsCapacityX
    b.writeUInt32LE(0x4, 24); // grsFailMask
    b.set([3, 4, 5, 9], 28); // grsDevArray[32]
    b[60] = 3; // grsMemberDevices
    b[61] = 7; // grsNewMemberDevices
    b[62] = 0x42; // grsRaidState
    b[63] = 2; // grsVolumes
    b.set([0, 1, 5], 64); // grsVolumeList[16]
    b[83] = 6; // grsFreeSegments (after 3 reserved bytes)
    b.writeUInt32LE(11, 84); // grsRawStripes[0]
    b.writeUInt32LE(88, 112); // grsRawStripes[7]
    expect(value(decodeRaidSetInfo(b))).toEqual({
      name: 'data',
      capacityBlocks: 2 * 2 ** 32 + 0x89abcdef,
      failMask: 4,
      memberDisks: [3, 4, 5],
      newMemberDevices: 7,
      stateRaw: 0x42,
      volumes: [0, 1],
      freeSegments: 6,
      rawStripes: [11, 0, 0, 0, 0, 0, 0, 88],
    });
  });

  it('sGUI_VOLUMESET', () => {
    const b = Buffer.alloc(VOLUME_INFO_BYTES);
    b.write('vol0   ', 0, 'latin1'); // space-padded name reads trimmed
    b.writeUInt32LE(1000, 16);
    b.writeUInt32LE(0, 20);
    b.writeUInt32LE(0x10, 24); // gvsFailMask
    b.writeUInt32LE(128, 28); // gvsStripeSize
    b.writeUInt32LE(0x20, 32); // gvsNewFailMask
    b.writeUInt32LE(256, 36); // gvsNewStripeSize
    b.writeUInt32LE(0x8, 40); // gvsVolumeStatus: rebuilding
    b.writeUInt32LE(455, 44); // gvsProgress
    b.set([1, 2, 3, 1, 1, 4], 48); // sSCSI_ATTR (6 bytes)
    b.set([4, 3, 5, 4, 2], 54); // member disks, raid level, new member disks, new raid level, raid set#
    expect(value(decodeVolumeInfo(b))).toEqual({
      name: 'vol0',
      capacityBlocks: 1000,
      failMask: 0x10,
      stripeSizeBlocks: 128,
      newFailMask: 0x20,
      newStripeSizeBlocks: 256,
      status: 8,
      progressRaw: 455,
      scsi: { channel: 1, target: 2, lun: 3, tagged: 1, cache: 1, speed: 4 },
      memberDisks: 4,
      raidLevel: 3,
      newMemberDisks: 5,
      newRaidLevel: 4,
      raidSetNumber: 2,
    });
  });

  it('sGUI_PHY_DRV', () => {
    const b = Buffer.alloc(DISK_INFO_BYTES);
    b.write('ST31500341AS', 0, 'latin1'); // gpdModelName[40]
    b.write('9VS0ABCD', 40, 'latin1'); // gpdSerialNumber[20]
    b.write('CC1H', 60, 'latin1'); // gpdFirmRev[8]
    b.writeUInt32LE(2930277168, 68); // gpdCapacity
    b.writeUInt32LE(0, 72); // gpdCapacityX
    b.set([0x88, 4, 5, 6, 7, 0xff], 76); // state, pio, current udma, udma, drive select, raid# (none)
    b.set([0, 9, 0, 1, 1, 0], 82); // sSCSI_ATTR
    expect(value(decodeDiskInfo(b))).toEqual({
      model: 'ST31500341AS',
      serialNumber: '9VS0ABCD',
      firmwareRev: 'CC1H',
      capacityBlocks: 2930277168,
      deviceStateRaw: 0x88,
      pioMode: 4,
      currentUdmaMode: 5,
      udmaMode: 6,
      driveSelect: 7,
      raidSetNumber: null,
      scsi: { channel: 0, target: 9, lun: 0, tagged: 1, cache: 1, speed: 0 },
    });
    b[81] = 0;
    expect(value(decodeDiskInfo(b)).raidSetNumber).toBe(0);
  });

  it('sSYSTEM_INFO', () => {
    const b = Buffer.alloc(SYSTEM_INFO_BYTES);
    b.write('Areca Technology Corp.', 0, 'latin1');
    b.write('Y123456789012345', 40, 'latin1'); // exactly 16 bytes: no NUL
    b.write('V1.49 2010-12-02', 56, 'latin1');
    b.write('V1.49 2010-12-02', 72, 'latin1');
    b.write('B2', 88, 'latin1');
    b.write('ARC-1280', 104, 'latin1'); // exactly 8 bytes
    b.set([192, 168, 1, 10], 112);
    b.set([10, 0, 0, 5], 116);
    [1, 2, 3, 4, 5, 6, 7, 8].forEach((v, i) => b.writeUInt32LE(v * 1000, 120 + 4 * i)); // timeTick .. events
    b.set([0x00, 0x1b, 0x4d, 0xaa, 0xbb, 0xcc], 152);
    b.set([1, 0, 2, 3, 1, 2], 158); // dhcp, beeper, channelUsage, maxAtaMode, sdramEcc, rebuildPriority
    b.set([7, 1, 0, 0, 0], 164); // COM A
    b.set([3, 1, 1, 2, 0], 169); // COM B
    b.set([24, 2, 0, 128, 128, 1, 1], 174);
    expect(value(decodeSystemInfo(b))).toEqual({
      vendor: 'Areca Technology Corp.',
      serialNumber: 'Y123456789012345',
      firmwareVersion: 'V1.49 2010-12-02',
      bootVersion: 'V1.49 2010-12-02',
      mbVersion: 'B2',
      model: 'ARC-1280',
      localIp: '192.168.1.10',
      currentIp: '10.0.0.5',
      timeTick: 1000,
      cpuSpeed: 2000,
      iCache: 3000,
      dCache: 4000,
      sCache: 5000,
      memorySize: 6000,
      memorySpeed: 7000,
      events: 8000,
      macAddress: '00:1b:4d:aa:bb:cc',
      dhcp: 1,
      beeper: 0,
      channelUsage: 2,
      maxAtaMode: 3,
      sdramEcc: 1,
      rebuildPriority: 2,
      comA: { baudRate: 7, dataBits: 1, stopBits: 0, parity: 0, flowControl: 0 },
      comB: { baudRate: 3, dataBits: 1, stopBits: 1, parity: 2, flowControl: 0 },
      ideChannels: 24,
      scsiHostChannels: 2,
      ideHostChannels: 0,
      maxVolumeSets: 128,
      maxRaidSets: 128,
      etherPort: 1,
      raid6Engine: 1,
    });
  });
});

describe('struct decoding errors', () => {
  it.each([
    ['sGUI_RAIDSET', decodeRaidSetInfo, RAID_SET_INFO_BYTES],
    ['sGUI_VOLUMESET', decodeVolumeInfo, VOLUME_INFO_BYTES],
    ['sGUI_PHY_DRV', decodeDiskInfo, DISK_INFO_BYTES],
    ['sSYSTEM_INFO', decodeSystemInfo, SYSTEM_INFO_BYTES],
  ] as const)('%s shorter than its size is an error naming both sizes', (name, decode, size) => {
    expect(decode(Buffer.alloc(size - 1))).toEqual({ ok: false, error: `${name} needs ${size} bytes, reply has ${size - 1}` });
  });

  it('rejects member and volume counts beyond their arrays', () => {
    const b = Buffer.alloc(RAID_SET_INFO_BYTES);
    b[60] = 33;
    expect(decodeRaidSetInfo(b)).toEqual({ ok: false, error: 'sGUI_RAIDSET says 33 member devices; the device array holds 32' });
    b[60] = 0;
    b[63] = 17;
    expect(decodeRaidSetInfo(b)).toEqual({ ok: false, error: 'sGUI_RAIDSET says 17 volumes; the volume list holds 16' });
  });

  it('decodeReply names the command when data is short', () => {
    expect(decodeReply(0x21, Buffer.alloc(10))).toEqual({ ok: false, error: 'reply to command 0x21: sGUI_VOLUMESET needs 64 bytes, reply has 10' });
  });

  it('decodeReply reads one byte as a status, whatever the command', () => {
    expect(decodeReply(0x23, Buffer.of(0x4d))).toEqual({ ok: true, value: { kind: 'status', code: 0x4d, ok: false, text: 'password required' } });
    expect(decodeReply(0x23, Buffer.of(0x99))).toEqual({ ok: true, value: { kind: 'status', code: 0x99, ok: false, text: 'unknown status 0x99' } });
    expect(decodeReply(0x19, Buffer.of(1, 2))).toEqual({ ok: true, value: { kind: 'data', command: 0x19, data: Buffer.of(1, 2) } });
    expect(decodeReply(0x19, Buffer.alloc(0))).toEqual({ ok: false, error: 'empty reply body' });
  });
});

describe('struct round trips and robustness', () => {
  it.each([
    ['system info', systemInfoArb, encodeSystemInfo, decodeSystemInfo, SYSTEM_INFO_BYTES],
    ['raid set info', raidSetInfoArb, encodeRaidSetInfo, decodeRaidSetInfo, RAID_SET_INFO_BYTES],
    ['volume info', volumeInfoArb, encodeVolumeInfo, decodeVolumeInfo, VOLUME_INFO_BYTES],
    ['disk info', diskInfoArb, encodeDiskInfo, decodeDiskInfo, DISK_INFO_BYTES],
  ] as const)('%s: decode(encode(x)) equals x, at the documented size', (_name, arb, encode, decode, size) => {
    fc.assert(
      fc.property(arb as fc.Arbitrary<never>, (info) => {
        const bytes = (encode as (x: unknown) => Buffer)(info);
        expect(bytes.length).toBe(size);
        expect(value((decode as (b: Uint8Array) => Decoded<unknown>)(bytes))).toEqual(info);
      }),
      { numRuns: 300 },
    );
  });

  it('any bytes decode to a value or a typed error, never a throw (also with extra trailing bytes)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(0x13, 0x20, 0x21, 0x22, 0x23, 0x30), (data, command) => {
        const r = decodeReply(command, data);
        if (!r.ok) expect(r.error).toMatch(/^(empty reply body|reply to command 0x[0-9A-F]{2}: .+)$/);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('volume status and level names', () => {
  it.each([
    [0, []],
    [0x8, ['rebuilding']],
    [0x1 | 0x100, ['initializing', 'checking']],
    [0x2 | 0x80 | 0x200, ['failed', 'needs-regeneration', 'needs-check']],
    [0x1000, ['bit12']],
  ])('0x%s', (status, names) => {
    expect(volumeStatusNames(status)).toEqual(names);
  });

  it.each([
    [0, 'raid0'],
    [2, 'raid3'],
    [3, 'raid5'],
    [4, 'raid6'],
    [5, 'pass-through'],
    [9, 'level 9'],
  ])('level byte %d is %s', (byte, name) => {
    expect(raidLevelName(byte)).toBe(name);
  });
});
