// Numbers of Areca's binary "low level command interface" on the RS-232 port
// (reference §8.1; Linux Documentation/scsi/arcmsr_spec.rst, section
// "RS-232 Interface for Areca Raid Controller"; OpenBSD arc(4) for the
// volume status bits and raid level byte).

/** Every request and reply starts with these three bytes. */
export const ARECA_HEADER = Buffer.from([0x5e, 0x01, 0x61]);
/** LEN counts CMD/STATUS + DATA; the spec caps it at 2040. */
export const ARECA_MAX_LENGTH = 2040;
/** Header (3) + LEN (2) + body (LEN) + checksum (1). */
export const ARECA_FRAME_OVERHEAD = 6;
export const ARECA_MAX_FRAME_BYTES = ARECA_MAX_LENGTH + ARECA_FRAME_OVERHEAD;

/** Command codes that the reference names (spec enum values). */
export const ARECA_COMMAND = {
  IDENTIFY: 0x13,
  CHECK_PASSWORD: 0x14,
  LOGOUT: 0x15,
  POLL_EVENT: 0x19,
  GET_EVENT: 0x1a,
  GET_HW_MONITOR: 0x1b,
  GET_INFO_R: 0x20,
  GET_INFO_V: 0x21,
  GET_INFO_P: 0x22,
  GET_INFO_S: 0x23,
  CLEAR_EVENT: 0x24,
  MUTE_BEEPER: 0x30,
} as const;

/** Codes 0x20 and up answer PASSWORD_REQUIRED until CHECK_PASSWORD succeeded. */
export const ARECA_FIRST_PASSWORD_COMMAND = 0x20;

/** Reply text of IDENTIFY (spec: return "Areca RAID Subsystem "). */
export const ARECA_IDENTIFY_TEXT = 'Areca RAID Subsystem ';

/** Longest password GUI_SET_PASSWORD accepts (spec: "must <= 15"). */
export const ARECA_PASSWORD_MAX_CHARS = 15;

/** One-byte status replies (LEN == 1). */
export const ARECA_STATUS = {
  OK: 0x41,
  RAIDSET_NOT_NORMAL: 0x42,
  VOLUMESET_NOT_NORMAL: 0x43,
  NO_RAIDSET: 0x44,
  NO_VOLUMESET: 0x45,
  NO_PHYSICAL_DRIVE: 0x46,
  PARAMETER_ERROR: 0x47,
  UNSUPPORTED_COMMAND: 0x48,
  DISK_CONFIG_CHANGED: 0x49,
  INVALID_PASSWORD: 0x4a,
  NO_DISK_SPACE: 0x4b,
  CHECKSUM_ERROR: 0x4c,
  PASSWORD_REQUIRED: 0x4d,
} as const;

export const ARECA_STATUS_TEXT: Readonly<Record<number, string>> = {
  0x41: 'OK',
  0x42: 'raid set not normal',
  0x43: 'volume set not normal',
  0x44: 'no raid set',
  0x45: 'no volume set',
  0x46: 'no physical drive',
  0x47: 'parameter error',
  0x48: 'unsupported command',
  0x49: 'disk config changed',
  0x4a: 'invalid password',
  0x4b: 'no disk space',
  0x4c: 'checksum error',
  0x4d: 'password required',
};

/** Bits of the volume status u32; 0 means normal. */
export const ARECA_VOLUME_STATUS = {
  INITIALIZING: 1 << 0,
  FAILED: 1 << 1,
  MIGRATING: 1 << 2,
  REBUILDING: 1 << 3,
  NEEDS_INIT: 1 << 4,
  NEEDS_MIGRATE: 1 << 5,
  INIT_FLAG: 1 << 6,
  NEEDS_REGENERATION: 1 << 7,
  CHECKING: 1 << 8,
  NEEDS_CHECK: 1 << 9,
} as const;

export const ARECA_VOLUME_STATUS_NAMES: ReadonlyArray<readonly [number, string]> = [
  [ARECA_VOLUME_STATUS.INITIALIZING, 'initializing'],
  [ARECA_VOLUME_STATUS.FAILED, 'failed'],
  [ARECA_VOLUME_STATUS.MIGRATING, 'migrating'],
  [ARECA_VOLUME_STATUS.REBUILDING, 'rebuilding'],
  [ARECA_VOLUME_STATUS.NEEDS_INIT, 'needs-init'],
  [ARECA_VOLUME_STATUS.NEEDS_MIGRATE, 'needs-migrate'],
  [ARECA_VOLUME_STATUS.INIT_FLAG, 'init-flag'],
  [ARECA_VOLUME_STATUS.NEEDS_REGENERATION, 'needs-regeneration'],
  [ARECA_VOLUME_STATUS.CHECKING, 'checking'],
  [ARECA_VOLUME_STATUS.NEEDS_CHECK, 'needs-check'],
];

/** Raid level byte of the volume info. */
export const ARECA_RAID_LEVEL_NAMES: Readonly<Record<number, string>> = {
  0: 'raid0',
  1: 'raid1',
  2: 'raid3',
  3: 'raid5',
  4: 'raid6',
  5: 'pass-through',
};

/** Disk info `raid#` when the disk belongs to no raid set. */
export const ARECA_NO_RAID_SET = 0xff;
