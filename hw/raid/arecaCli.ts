// Pure parsers for the fixed tables Areca's host CLI prints (`cli64 rsf info`,
// `cli64 disk info`; reference §8.2). A table is: header line, a `====` rule,
// one row per line, a closing rule, then `GuiErrMsg<0xNN>: text.` Anything
// else becomes an error entry with its line number; nothing throws.

import type {
  ArecaCliDisk,
  ArecaCliDiskInfo,
  ArecaCliDiskUse,
  ArecaCliRaidSet,
  ArecaCliRsfInfo,
  ArecaCliStatus,
} from './arecaCliTypes';
import { finishErrors, pushError, quoteLine } from './types';

export type * from './arecaCliTypes';
export { classifyArecaRaidSet, classifyArecaRsfInfo } from './arecaCliClassify';

/** cli64 tables are a few KiB; past this the input is not parsed. */
export const ARECA_CLI_MAX_CHARS = 1024 * 1024;
/** Rows kept per table (a controller has at most a few hundred disks). */
export const ARECA_CLI_MAX_ROWS = 4096;
/** cli64 rows are under 100 characters; longer lines are reported and skipped. */
export const ARECA_CLI_MAX_LINE_CHARS = 1024;

const RULE_RE = /^\s*={5,}\s*$/;
// Lines are matched with trailing blanks removed; a lazy group is only ever followed by `\s+` when it must
// end on a non-blank (`\S(?:.*?\S)?`), which keeps matching linear on long runs of blanks.
const STATUS_RE = /^\s*GuiErrMsg<0x([0-9A-Fa-f]{1,8})>\s*:\s*(.*)$/;
const CAP = '(\\d{1,12}(?:\\.\\d{1,6})?(?:KB|MB|GB|TB|PB))';
/** Free text that starts and ends on a non-blank. */
const TEXT = '\\S(?:.*?\\S)?';

const UNIT_TO_GB: Record<string, number> = { KB: 1e-6, MB: 1e-3, GB: 1, TB: 1e3, PB: 1e6 };

/** `11250.0GB` → 11250; `1.5TB` → 1500; null if not a capacity. */
export function parseCapacityGB(text: string): number | null {
  const m = /^(\d{1,12}(?:\.\d{1,6})?)(KB|MB|GB|TB|PB)$/.exec(text);
  if (!m) return null;
  return Number(m[1]) * UNIT_TO_GB[m[2]];
}

interface TableScan<Row> {
  rows: Row[];
  status: ArecaCliStatus | null;
  errors: string[];
  header: RegExpExecArray | null;
}

type RowParser<Row> = (line: string, lineNo: number, header: RegExpExecArray) => Row | string;

/** Walk the lines of one cli64 table; rows go to parseRow, everything else is checked against the frame. */
function scanTable<Row>(text: string, what: string, headerRe: RegExp, parseRow: RowParser<Row>): TableScan<Row> {
  const errors: string[] = [];
  const dropped = { count: 0 };
  const scan: TableScan<Row> = { rows: [], status: null, errors, header: null };
  let input = typeof text === 'string' ? text : '';
  if (input.length > ARECA_CLI_MAX_CHARS) {
    pushError(errors, `input is ${input.length} characters; only the first ${ARECA_CLI_MAX_CHARS} were parsed`, dropped);
    input = input.slice(0, ARECA_CLI_MAX_CHARS);
  }
  // before: until the header; open: header seen, waiting for the rule; rows: between the rules; after: past the closing rule.
  let phase: 'before' | 'open' | 'rows' | 'after' = 'before';
  const lines = input.split(/\r?\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trimEnd();
    const where = `line ${i + 1}`;
    if (line.trim() === '') continue;
    if (line.length > ARECA_CLI_MAX_LINE_CHARS) {
      pushError(errors, `${where}: ${line.length} characters, longer than any cli64 line (${ARECA_CLI_MAX_LINE_CHARS}); skipped`, dropped);
      continue;
    }
    const status = STATUS_RE.exec(line);
    if (status) {
      scan.status = { code: parseInt(status[1], 16), message: status[2] };
      if (scan.status.code !== 0) pushError(errors, `${where}: cli64 reported an error: ${quoteLine(line.trim())}`, dropped);
      continue;
    }
    const header = phase === 'before' ? headerRe.exec(line) : null;
    if (header) {
      scan.header = header;
      phase = 'open';
    } else if (RULE_RE.test(line) && (phase === 'open' || phase === 'rows')) {
      phase = phase === 'open' ? 'rows' : 'after';
    } else if (phase === 'rows' && scan.header !== null) {
      const row = parseRow(line, i + 1, scan.header);
      if (typeof row === 'string') pushError(errors, `${where}: ${row}`, dropped);
      else if (scan.rows.length < ARECA_CLI_MAX_ROWS) scan.rows.push(row);
      else pushError(errors, `${where}: more than ${ARECA_CLI_MAX_ROWS} rows; row ignored`, dropped);
    } else {
      pushError(errors, `${where}: not part of the ${what} table: ${quoteLine(line)}`, dropped);
    }
  }
  if (scan.header === null) pushError(errors, `no ${what} table header found`, dropped);
  else if (phase !== 'after') pushError(errors, `${what} table is not closed by a ==== rule (output cut short?)`, dropped);
  if (scan.status === null) pushError(errors, 'no GuiErrMsg<0x..> status line (output cut short?)', dropped);
  finishErrors(errors, dropped);
  return scan;
}

// ------------------------------------------------------------------ rsf info

const RSF_HEADER_RE = /^\s*#\s+Name\s+Disks\s+TotalCap\s+FreeCap\s+(DiskChannels|MinDiskCap)\s+State\s*$/;
const RSF_ROW_RE = new RegExp(`^\\s*(\\d{1,6})\\s+(${TEXT})\\s+(\\d{1,6})\\s+${CAP}\\s+${CAP}\\s+(\\S+)\\s+(\\S.*)$`);
const PROGRESS_SUFFIX_RE = /\((\d{1,3}(?:\.\d{1,3})?)%\)$/;

/** Parse `cli64 rsf info` output. */
export function parseArecaRsfInfo(text: string): ArecaCliRsfInfo {
  const scan = scanTable(text, 'rsf info', RSF_HEADER_RE, parseRsfRow);
  return { raidSets: scan.rows, status: scan.status, errors: scan.errors };
}

function parseRsfRow(line: string, lineNo: number, header: RegExpExecArray): ArecaCliRaidSet | string {
  const m = RSF_ROW_RE.exec(line);
  if (!m) return `not an rsf info row: ${quoteLine(line)}`;
  const minCapColumn = header[1] === 'MinDiskCap';
  const minDiskCapGB = minCapColumn ? parseCapacityGB(m[6]) : null;
  if (minCapColumn && minDiskCapGB === null) return `MinDiskCap ${quoteLine(m[6])} is not a capacity`;
  const progress = PROGRESS_SUFFIX_RE.exec(m[7]);
  return {
    index: Number(m[1]),
    name: m[2],
    disks: Number(m[3]),
    totalCapGB: parseCapacityGB(m[4]) ?? 0,
    freeCapGB: parseCapacityGB(m[5]) ?? 0,
    diskChannels: minCapColumn ? null : m[6],
    minDiskCapGB,
    state: progress ? m[7].slice(0, progress.index).trimEnd() : m[7],
    progressPercent: progress ? Number(progress[1]) : null,
    line: lineNo,
  };
}

// ------------------------------------------------------------------ disk info

// Older controllers: `# Ch# ModelName Capacity Usage`; enclosure-based: `# Enc# Slot# ModelName Capacity Usage`.
const DISK_HEADER_RE = /^\s*#\s+(?:(Ch#)|(Enc#)\s+Slot#)\s+ModelName\s+Capacity\s+Usage\s*$/;
const CHANNEL_ROW_RE = new RegExp(`^\\s*(\\d{1,6})\\s+(\\d{1,6})\\s+(${TEXT})\\s+${CAP}\\s+(\\S.*)$`);
const ENCLOSURE_ROW_RE = new RegExp(
  `^\\s*(\\d{1,6})\\s+(\\d{1,6})\\s+(slot\\s?#?\\s?(\\d{1,4}))\\s+(${TEXT})\\s+${CAP}\\s+(\\S.*)$`,
  'i',
);
const NOT_AVAILABLE_RE = /^N\.?A\.?$/i;

/** Parse `cli64 disk info` output (either column layout). */
export function parseArecaDiskInfo(text: string): ArecaCliDiskInfo {
  const scan = scanTable(text, 'disk info', DISK_HEADER_RE, parseDiskRow);
  const layout = scan.header === null ? null : scan.header[1] !== undefined ? 'channel' : 'enclosure';
  return { layout, disks: scan.rows, status: scan.status, errors: scan.errors };
}

function parseDiskRow(line: string, lineNo: number, header: RegExpExecArray): ArecaCliDisk | string {
  if (header[1] !== undefined) {
    const m = CHANNEL_ROW_RE.exec(line);
    if (!m) return `not a disk info row (# Ch# ModelName Capacity Usage): ${quoteLine(line)}`;
    return makeDisk({ index: m[1], channel: m[2], enclosure: null, slot: null, model: m[3], cap: m[4], usage: m[5] }, lineNo);
  }
  const m = ENCLOSURE_ROW_RE.exec(line);
  if (!m) return `not a disk info row (# Enc# Slot# ModelName Capacity Usage): ${quoteLine(line)}`;
  return makeDisk({ index: m[1], channel: null, enclosure: m[2], slot: m[4], model: m[5], cap: m[6], usage: m[7] }, lineNo);
}

interface DiskCells {
  index: string;
  channel: string | null;
  enclosure: string | null;
  slot: string | null;
  model: string;
  cap: string;
  usage: string;
}

function makeDisk(c: DiskCells, lineNo: number): ArecaCliDisk {
  const use = diskUse(c.usage, c.model);
  return {
    index: Number(c.index),
    channel: c.channel === null ? null : Number(c.channel),
    enclosure: c.enclosure === null ? null : Number(c.enclosure),
    slot: c.slot === null ? null : Number(c.slot),
    model: NOT_AVAILABLE_RE.test(c.model) ? null : c.model,
    capacityGB: parseCapacityGB(c.cap) ?? 0,
    usage: c.usage,
    use,
    raidSetName: use === 'member' ? c.usage : null,
    line: lineNo,
  };
}

/** Usage column → use; a value that is none of the keywords is a raid-set name. */
export function diskUse(usage: string, model = ''): ArecaCliDiskUse {
  if (NOT_AVAILABLE_RE.test(usage) || (NOT_AVAILABLE_RE.test(model) && usage === '')) return 'empty';
  if (/^failed$/i.test(usage)) return 'failed';
  if (/^hot\s?spare/i.test(usage)) return 'hot-spare';
  if (/^pass\s?through$/i.test(usage)) return 'pass-through';
  if (/^free$/i.test(usage)) return 'free';
  if (/^rebuild(ing)?\b/i.test(usage)) return 'rebuilding';
  return 'member';
}
