// The indented lines under an `mdN :` line of /proc/mdstat: size/geometry,
// progress or queued action, bitmap (reference §8.3). Each function takes one
// line and either fills the array or returns an error message; none throws.

import type { MdArray, MdBitmap, MdSyncAction, MdSyncProgress } from './mdstatTypes';
import { quoteLine } from './types';

/** Parse a decimal integer; null unless it is a safe integer. */
export function toInt(text: string): number | null {
  if (!/^\d{1,16}$/.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}

/** Parse a non-negative decimal like `11.2`; null if not finite. */
function toDecimal(text: string): number | null {
  if (!/^\d{1,16}(\.\d{1,6})?$/.test(text)) return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

const SIZE_RE = /^\s*(\d+) blocks\b(.*)$/;
// Each piece of the size line the kernel may print after "N blocks", in order.
const SUPER_RE = /\bsuper ([^\s\[\]]+)/;
const LEVEL_RE = /\blevel \d+,/;
const CHUNK_RE = /\b(\d+)[kK] chunks?\b,?/;
const ALGORITHM_RE = /\balgorithm (\d+)\b/;
const ROUNDING_RE = /\b\d+[kK] rounding\b/;
const COPIES_RE = /\b(\d+) (near|far|offset)-copies\b/g;
const COUNTS_RE = /\[(\d+)\/(\d+)\]/;
const MAP_RE = /\[([U_]+)\]/;

/** Second line: `<blocks> blocks [super V] [level N, Ck chunk, algorithm A] [n/m] [UU_]`. */
export function parseSizeLine(a: MdArray, line: string): string | null {
  const m = SIZE_RE.exec(line);
  if (!m) return null;
  a.sizeBlocks = toInt(m[1]);
  let rest = m[2];
  const take = (re: RegExp): RegExpExecArray | null => {
    const hit = re.exec(rest);
    if (hit) rest = rest.slice(0, hit.index) + ' ' + rest.slice(hit.index + hit[0].length);
    return hit;
  };
  const sup = take(SUPER_RE);
  a.superVersion = sup ? sup[1] : null;
  take(LEVEL_RE);
  const chunk = take(CHUNK_RE);
  a.chunkKB = chunk ? toInt(chunk[1]) : null;
  const alg = take(ALGORITHM_RE);
  a.algorithm = alg ? toInt(alg[1]) : null;
  take(ROUNDING_RE);
  const layout = takeRaid10Layout(rest);
  a.raid10Layout = layout.layout;
  rest = layout.rest;
  const counts = take(COUNTS_RE);
  a.raidDisks = counts ? toInt(counts[1]) : null;
  a.activeDisks = counts ? toInt(counts[2]) : null;
  const map = take(MAP_RE);
  a.map = map ? map[1] : null;
  const leftover = rest.replace(/[\s,]+/g, '');
  if (a.sizeBlocks === null) return `${a.name}: block count out of range in ${quoteLine(line.trim())}`;
  if (leftover !== '') return `${a.name}: unrecognised text ${quoteLine(leftover)} in size line ${quoteLine(line.trim())}`;
  return checkMapAgainstCounts(a) ?? '';
}

/** raid10 prints `N near-copies`, `N far-copies` or `N offset-copies` (near and far may both appear). */
function takeRaid10Layout(text: string): { layout: MdArray['raid10Layout']; rest: string } {
  let found = false;
  const layout = { near: 1, far: 1, offset: 1 };
  const rest = text.replace(COPIES_RE, (_all, n: string, kind: 'near' | 'far' | 'offset') => {
    found = true;
    layout[kind] = toInt(n) ?? 1;
    return ' ';
  });
  return { layout: found ? layout : null, rest };
}

/** The map must have one character per slot and one `U` per working member. */
function checkMapAgainstCounts(a: MdArray): string | null {
  if (a.map === null || a.raidDisks === null || a.activeDisks === null) return null;
  const up = a.map.split('').filter((c) => c === 'U').length;
  if (a.map.length !== a.raidDisks) {
    return `${a.name}: map [${a.map}] has ${a.map.length} slots but [${a.raidDisks}/${a.activeDisks}] says ${a.raidDisks}`;
  }
  if (up !== a.activeDisks) {
    return `${a.name}: map [${a.map}] shows ${up} up but [${a.raidDisks}/${a.activeDisks}] says ${a.activeDisks}`;
  }
  return null;
}

const ACTION = '(recovery|resync|check|repair|reshape)';
const PROGRESS_RE = new RegExp(
  `^\\s*(?:\\[[=>.]*\\]\\s*)?${ACTION}\\s*=\\s*(\\d+(?:\\.\\d+)?)%` +
    `(?:\\s*\\((\\d+)/(\\d+)\\))?(?:\\s*finish=(\\d+(?:\\.\\d+)?)min)?(?:\\s*speed=(\\d+)K/sec)?\\s*$`,
);
const QUEUED_RE = new RegExp(`^\\s*${ACTION}\\s*=\\s*(DELAYED|PENDING)\\s*$`);

/** Progress line: `[==>....]  resync = 11.2% (82505280/732571904) finish=197.2min speed=54928K/sec`. */
export function parseProgressLine(a: MdArray, line: string): string | null {
  const m = PROGRESS_RE.exec(line);
  if (!m) return null;
  const percent = toDecimal(m[2]);
  if (percent === null || percent > 100) return `${a.name}: progress percent out of range in ${quoteLine(line.trim())}`;
  const sync: MdSyncProgress = {
    action: m[1] as MdSyncAction,
    percent,
    doneBlocks: m[3] === undefined ? null : toInt(m[3]),
    totalBlocks: m[4] === undefined ? null : toInt(m[4]),
    finishMinutes: m[5] === undefined ? null : toDecimal(m[5]),
    speedKPerSec: m[6] === undefined ? null : toInt(m[6]),
  };
  a.sync = sync;
  return '';
}

/** Queued action: `resync=DELAYED`, `resync=PENDING`, `check=DELAYED`. */
export function parseQueuedLine(a: MdArray, line: string): string | null {
  const m = QUEUED_RE.exec(line);
  if (!m) return null;
  a.syncQueued = { action: m[1] as MdSyncAction, state: m[2] as 'DELAYED' | 'PENDING' };
  return '';
}

// md-bitmap.c prints the chunk in KB, or in B when it is under 1 KiB.
// Matched against a line with trailing blanks already removed.
const BITMAP_RE = /^\s*bitmap:\s*(\d+)\/(\d+) pages \[(\d+)KB\],\s*(\d+)(KB|B) chunk(?:,\s*file:\s*(\S.*))?$/;

/** Bitmap line: `bitmap: 0/2 pages [0KB], 65536KB chunk[, file: /path]`. */
export function parseBitmapLine(a: MdArray, line: string): string | null {
  const m = BITMAP_RE.exec(line);
  if (!m) return null;
  const chunk = toInt(m[4]);
  const bitmap: MdBitmap = {
    pagesUsed: toInt(m[1]) ?? 0,
    pagesTotal: toInt(m[2]) ?? 0,
    sizeKB: toInt(m[3]) ?? 0,
    chunkKB: chunk === null ? 0 : m[5] === 'KB' ? chunk : chunk / 1024,
    file: m[6] ?? null,
  };
  a.bitmap = bitmap;
  return '';
}

/**
 * Apply one indented line to the array. Returns null when it was understood,
 * or an error message. (The per-kind parsers return null for "not my kind",
 * '' for "understood" and a message for "my kind, but wrong".)
 */
export function parseDetailLine(a: MdArray, line: string): string | null {
  for (const parse of [parseSizeLine, parseProgressLine, parseQueuedLine, parseBitmapLine]) {
    const result = parse(a, line);
    if (result === '') return null;
    if (result !== null) return result;
  }
  return `${a.name}: unrecognised line ${quoteLine(line.trim())}`;
}
