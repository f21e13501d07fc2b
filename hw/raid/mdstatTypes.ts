// Shape of a parsed /proc/mdstat (grammar: reference §8.3, kernel md.c
// md_seq_show/status_resync). Numbers are as the kernel prints them; `null`
// means the line did not carry the field.

export type MdArrayState = 'active' | 'inactive';

/**
 * A member's role. `failed` (F), `spare` (S), `journal` (J) and `replacement`
 * (R) win over write-mostly; `write-mostly` is an active member flagged (W).
 * The (W) flag itself is always in `writeMostly`.
 */
export type MdMemberRole = 'active' | 'failed' | 'spare' | 'write-mostly' | 'journal' | 'replacement';

export interface MdMember {
  /** Device name as printed, e.g. `sdb1`, `dm-15`, `nvme0n1p2`. */
  name: string;
  /** The descriptor number in `[n]`; not the slot order of the `[UU_]` map. */
  index: number;
  role: MdMemberRole;
  writeMostly: boolean;
  /** Flag letters in printed order, e.g. `['W', 'F']`. */
  flags: string[];
}

export type MdSyncAction = 'recovery' | 'resync' | 'check' | 'repair' | 'reshape';
export const MD_SYNC_ACTIONS: readonly MdSyncAction[] = ['recovery', 'resync', 'check', 'repair', 'reshape'];

/** A running resync-type action (the progress-bar line). */
export interface MdSyncProgress {
  action: MdSyncAction;
  percent: number;
  doneBlocks: number | null;
  totalBlocks: number | null;
  finishMinutes: number | null;
  speedKPerSec: number | null;
}

/** An action waiting to run: `resync=DELAYED` (another array on the same disks is busy) or `=PENDING` (read-only). */
export interface MdSyncQueued {
  action: MdSyncAction;
  state: 'DELAYED' | 'PENDING';
}

/** `bitmap: a/b pages [nKB], nKB chunk[, file: path]`. */
export interface MdBitmap {
  pagesUsed: number;
  pagesTotal: number;
  sizeKB: number;
  chunkKB: number;
  file: string | null;
}

/** raid10 layout from `N near-copies` / `N far-copies` / `N offset-copies`. */
export interface MdRaid10Layout {
  near: number;
  far: number;
  offset: number;
}

export interface MdArray {
  name: string;
  state: MdArrayState;
  /** True for `(read-only)` and `(auto-read-only)`. */
  readOnly: boolean;
  autoReadOnly: boolean;
  /** Personality, e.g. `raid1`, `raid5`, `linear`; null on an inactive array. */
  level: string | null;
  members: MdMember[];
  /** Size in 1 KiB blocks from the second line. */
  sizeBlocks: number | null;
  /** Metadata version after `super`, e.g. `1.2`, `external:imsm`; null for 0.90 (not printed). */
  superVersion: string | null;
  chunkKB: number | null;
  /** Parity algorithm from `algorithm N` (raid4/5/6). */
  algorithm: number | null;
  raid10Layout: MdRaid10Layout | null;
  /** `n` of `[n/m]`: slots in the array. */
  raidDisks: number | null;
  /** `m` of `[n/m]`: working members. */
  activeDisks: number | null;
  /** The `[UU_]` map without brackets: one `U` (up) or `_` (missing/failed) per slot. */
  map: string | null;
  sync: MdSyncProgress | null;
  syncQueued: MdSyncQueued | null;
  bitmap: MdBitmap | null;
  /** 1-based line of the `mdN :` line in the input. */
  line: number;
}

export interface MdstatResult {
  personalities: string[];
  arrays: MdArray[];
  unusedDevices: string[];
  /** Lines that were not understood, each with its line number; never thrown. */
  errors: string[];
}
