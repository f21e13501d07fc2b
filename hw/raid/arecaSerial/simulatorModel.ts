// The state an ArecaSimulator answers from, and a ready-made healthy
// controller to start tests from (values are invented, shaped like §8.1).

import { ARECA_IDENTIFY_TEXT } from './constants';
import type { ArecaDiskInfo } from './diskInfo';
import type { ArecaRaidSetInfo } from './raidSetInfo';
import type { ArecaSystemInfo } from './systemInfo';
import type { ArecaVolumeInfo } from './volumeInfo';

export interface ArecaSimulatorModel {
  /** What GUI_CHECK_PASSWORD accepts. */
  password: string;
  /** Reply to GUI_IDENTIFY. */
  identifyText: string;
  system: ArecaSystemInfo;
  /** Index = raid set number. */
  raidSets: ArecaRaidSetInfo[];
  /** Index = volume set number. */
  volumes: ArecaVolumeInfo[];
  /** Index = drive number (0-based); null is an empty slot (NO_PHYSICAL_DRIVE). */
  disks: Array<ArecaDiskInfo | null>;
}

const SCSI_NONE = { channel: 0, target: 0, lun: 0, tagged: 1, cache: 1, speed: 0 };
const COM_115200_8N1 = { baudRate: 7, dataBits: 1, stopBits: 0, parity: 0, flowControl: 0 };
/** 1 TB disk in 512-byte blocks. */
const DISK_BLOCKS = 1_953_525_168;

function disk(i: number, raidSet: number | null): ArecaDiskInfo {
  return {
    model: 'SIM DISK 1000GB',
    serialNumber: `SIMSER${String(i).padStart(4, '0')}`,
    firmwareRev: 'SIM1',
    capacityBlocks: DISK_BLOCKS,
    deviceStateRaw: 0,
    pioMode: 4,
    currentUdmaMode: 6,
    udmaMode: 6,
    driveSelect: i,
    raidSetNumber: raidSet,
    scsi: { ...SCSI_NONE },
  };
}

/**
 * A controller with one raid5 raid set of `memberCount` disks (drives 0..n-1),
 * one normal volume on it, a hot-spare-less empty slot after the members.
 */
export function createArecaModel(options: { memberCount?: number; password?: string } = {}): ArecaSimulatorModel {
  const members = Math.max(1, Math.min(options.memberCount ?? 3, 32));
  const dataBlocks = DISK_BLOCKS * Math.max(1, members - 1);
  return {
    password: options.password ?? '0000',
    identifyText: ARECA_IDENTIFY_TEXT,
    system: {
      vendor: 'Areca Technology Corp.',
      serialNumber: 'SIM0000000000001',
      firmwareVersion: 'V1.56 2020-08-10',
      bootVersion: 'V1.56 2020-08-10',
      mbVersion: 'R001',
      model: 'ARC-SIM',
      localIp: '192.168.0.100',
      currentIp: '192.168.0.100',
      timeTick: 0,
      cpuSpeed: 800,
      iCache: 32,
      dCache: 32,
      sCache: 0,
      memorySize: 1024,
      memorySpeed: 800,
      events: 0,
      macAddress: '00:1b:4d:00:00:01',
      dhcp: 0,
      beeper: 1,
      channelUsage: 0,
      maxAtaMode: 0,
      sdramEcc: 1,
      rebuildPriority: 2,
      comA: { ...COM_115200_8N1 },
      comB: { ...COM_115200_8N1 },
      ideChannels: members + 1,
      scsiHostChannels: 0,
      ideHostChannels: 0,
      maxVolumeSets: 16,
      maxRaidSets: 16,
      etherPort: 1,
      raid6Engine: 1,
    },
    raidSets: [
      {
        name: 'Raid Set # 000',
        capacityBlocks: DISK_BLOCKS * members,
        failMask: 0,
        memberDisks: Array.from({ length: members }, (_, i) => i),
        newMemberDevices: 0,
        stateRaw: 0,
        volumes: [0],
        freeSegments: 0,
        rawStripes: [0, 0, 0, 0, 0, 0, 0, 0],
      },
    ],
    volumes: [
      {
        name: 'ARC-SIM-VOL#000',
        capacityBlocks: dataBlocks,
        failMask: 0,
        stripeSizeBlocks: 128,
        newFailMask: 0,
        newStripeSizeBlocks: 0,
        status: 0,
        progressRaw: 0,
        scsi: { ...SCSI_NONE },
        memberDisks: members,
        raidLevel: members >= 3 ? 3 : members === 2 ? 1 : 0,
        newMemberDisks: 0,
        newRaidLevel: 0,
        raidSetNumber: 0,
      },
    ],
    disks: [...Array.from({ length: members }, (_, i) => disk(i, 0)), null],
  };
}
