// Shapes parsed from Areca's host CLI tables (`cli64 rsf info`, `cli64 disk
// info`; reference §8.2). Capacities are in the CLI's decimal gigabytes.

/** The `GuiErrMsg<0x00>: Success.` line that ends every cli64 answer. */
export interface ArecaCliStatus {
  code: number;
  message: string;
}

export interface ArecaCliRaidSet {
  /** The `#` column (1-based). */
  index: number;
  name: string;
  disks: number;
  totalCapGB: number;
  freeCapGB: number;
  /** `DiskChannels` column (e.g. `123456789ABCDEF`) when the table has it. */
  diskChannels: string | null;
  /** `MinDiskCap` column when the table has it instead (reference §8.2, pr72 variant). */
  minDiskCapGB: number | null;
  /** As printed, e.g. `Normal`, `Rebuilding`, `Degraded`, without a `(NN%)` suffix. */
  state: string;
  /** From a `State(12.3%)` suffix, when printed. */
  progressPercent: number | null;
  /** 1-based input line. */
  line: number;
}

export interface ArecaCliRsfInfo {
  raidSets: ArecaCliRaidSet[];
  status: ArecaCliStatus | null;
  errors: string[];
}

/**
 * What a disk is used for, from the `Usage` column: `hot-spare` (`HotSpare`,
 * `HotSpare[Global]`…), `pass-through`, `free`, `failed`, `empty` (`N.A.`
 * slot), `rebuilding` (a rebuild marker), else `member`: the column then
 * names the raid set (names are free text, so any other value is one).
 */
export type ArecaCliDiskUse = 'member' | 'hot-spare' | 'pass-through' | 'free' | 'failed' | 'empty' | 'rebuilding';

export interface ArecaCliDisk {
  /** The `#` column. */
  index: number;
  /** `Ch#` column of the older layout; null in the enclosure layout. */
  channel: number | null;
  /** `Enc#` column of the enclosure layout; null in the older layout. */
  enclosure: number | null;
  /** Number in the `Slot#` column (`Slot#1`, `SLOT 01`, `Slot 01`). */
  slot: number | null;
  /** Null for an empty slot (`N.A.`). */
  model: string | null;
  capacityGB: number;
  /** The Usage column as printed. */
  usage: string;
  use: ArecaCliDiskUse;
  /** Raid-set name when `use` is `member`. */
  raidSetName: string | null;
  line: number;
}

export interface ArecaCliDiskInfo {
  layout: 'channel' | 'enclosure' | null;
  disks: ArecaCliDisk[];
  status: ArecaCliStatus | null;
  errors: string[];
}
