// Pure parser for /proc/mdstat (reference §8.3; kernel md.c md_seq_show).
// Never throws: every line it does not understand becomes an entry in
// `errors` with its line number, and parsing goes on with the next line.

import { parseDetailLine, toInt } from './mdstatDetail';
import type { MdArray, MdMember, MdMemberRole, MdstatResult } from './mdstatTypes';
import { finishErrors, pushError, quoteLine } from './types';

export type * from './mdstatTypes';
export { MD_SYNC_ACTIONS } from './mdstatTypes';
export { classifyArray, classifyMdstat } from './mdstatClassify';

/** /proc/mdstat of a big box is a few KiB; anything past this is not mdstat and is not parsed. */
export const MDSTAT_MAX_CHARS = 1024 * 1024;
/** Arrays kept per parse; a kernel allows far fewer in practice (md minor numbers). */
export const MDSTAT_MAX_ARRAYS = 4096;
/** Longest line parsed: a member list of a few hundred devices fits; longer lines are reported and skipped. */
export const MDSTAT_MAX_LINE_CHARS = 16 * 1024;

const PERSONALITIES_RE = /^Personalities\s*:(.*)$/;
const UNUSED_RE = /^unused devices\s*:(.*)$/;
// Lines are matched with trailing whitespace removed, so no pattern needs a lazy group before `\s*$` (quadratic on long blanks).
const HEADER_RE = /^(md[\w.-]*)\s*:\s*(active|inactive)(?:\s+(.*))?$/;
const MEMBER_RE = /^([^\s[\]()]+)\[(\d+)\]((?:\([A-Z]\))*)$/;
const LEVEL_RE = /^[a-z][a-z0-9]*$/;

interface ParseContext {
  errors: string[];
  dropped: { count: number };
}

export function parseMdstat(text: string): MdstatResult {
  const ctx: ParseContext = { errors: [], dropped: { count: 0 } };
  const result: MdstatResult = { personalities: [], arrays: [], unusedDevices: [], errors: ctx.errors };
  let input = typeof text === 'string' ? text : '';
  if (input.length > MDSTAT_MAX_CHARS) {
    pushError(ctx.errors, `input is ${input.length} characters; only the first ${MDSTAT_MAX_CHARS} were parsed`, ctx.dropped);
    input = input.slice(0, MDSTAT_MAX_CHARS);
  }
  if (input.trim() === '') {
    pushError(ctx.errors, 'input is empty: no Personalities line', ctx.dropped);
    return result;
  }
  let sawPersonalities = false;
  let current: MdArray | null = null;
  const lines = input.split(/\r?\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trimEnd();
    const where = `line ${i + 1}`;
    if (line.trim() === '') continue;
    if (line.length > MDSTAT_MAX_LINE_CHARS) {
      pushError(ctx.errors, `${where}: ${line.length} characters, longer than any mdstat line (${MDSTAT_MAX_LINE_CHARS}); skipped`, ctx.dropped);
      continue;
    }
    if (/^\s/.test(line)) {
      if (current === null) {
        pushError(ctx.errors, `${where}: indented line outside any array: ${quoteLine(line.trim())}`, ctx.dropped);
      } else {
        const error = parseDetailLine(current, line);
        if (error !== null) pushError(ctx.errors, `${where}: ${error}`, ctx.dropped);
      }
      continue;
    }
    current = null;
    const pers = PERSONALITIES_RE.exec(line);
    if (pers) {
      sawPersonalities = true;
      result.personalities.push(...parsePersonalities(pers[1], where, ctx));
      continue;
    }
    const unused = UNUSED_RE.exec(line);
    if (unused) {
      result.unusedDevices.push(...unused[1].split(/\s+/).filter((d) => d !== '' && d !== '<none>'));
      continue;
    }
    const header = HEADER_RE.exec(line);
    if (header && result.arrays.length >= MDSTAT_MAX_ARRAYS) {
      pushError(ctx.errors, `${where}: more than ${MDSTAT_MAX_ARRAYS} arrays; ${header[1]} ignored`, ctx.dropped);
      continue;
    }
    if (header) {
      current = parseHeader(header, i + 1, ctx);
      result.arrays.push(current);
      continue;
    }
    pushError(ctx.errors, `${where}: not /proc/mdstat syntax: ${quoteLine(line)}`, ctx.dropped);
  }
  if (!sawPersonalities) pushError(ctx.errors, 'no "Personalities :" line: input may not be /proc/mdstat', ctx.dropped);
  finishErrors(ctx.errors, ctx.dropped);
  return result;
}

function parsePersonalities(text: string, where: string, ctx: ParseContext): string[] {
  const names: string[] = [];
  for (const token of text.split(/\s+/)) {
    if (token === '') continue;
    const m = /^\[([\w-]+)\]$/.exec(token);
    if (m) names.push(m[1]);
    else pushError(ctx.errors, `${where}: personality ${quoteLine(token)} is not of the form [name]`, ctx.dropped);
  }
  return names;
}

function emptyArray(name: string, state: MdArray['state'], line: number): MdArray {
  return {
    name,
    state,
    readOnly: false,
    autoReadOnly: false,
    level: null,
    members: [],
    sizeBlocks: null,
    superVersion: null,
    chunkKB: null,
    algorithm: null,
    raid10Layout: null,
    raidDisks: null,
    activeDisks: null,
    map: null,
    sync: null,
    syncQueued: null,
    bitmap: null,
    line,
  };
}

/** `mdN : active|inactive [(read-only)|(auto-read-only)] [level] dev[n](F)...` */
function parseHeader(m: RegExpExecArray, lineNo: number, ctx: ParseContext): MdArray {
  const a = emptyArray(m[1], m[2] as MdArray['state'], lineNo);
  const tokens = (m[3] ?? '').split(/\s+/).filter((t) => t !== '');
  for (const token of tokens) {
    if (token === '(read-only)' || token === '(auto-read-only)') {
      a.readOnly = true;
      a.autoReadOnly = token === '(auto-read-only)';
      continue;
    }
    const member = parseMember(token);
    if (member !== null) {
      a.members.push(member);
      const unknown = member.flags.filter((f) => !KNOWN_FLAGS.includes(f));
      if (unknown.length > 0) {
        pushError(ctx.errors, `line ${lineNo}: ${a.name}: member ${member.name} has unknown flag(s) ${unknown.map((f) => `(${f})`).join('')}`, ctx.dropped);
      }
      continue;
    }
    if (a.level === null && a.members.length === 0 && LEVEL_RE.test(token)) {
      a.level = token;
      continue;
    }
    pushError(ctx.errors, `line ${lineNo}: ${a.name}: unrecognised token ${quoteLine(token)}`, ctx.dropped);
  }
  return a;
}

const KNOWN_FLAGS = ['W', 'J', 'F', 'S', 'R'];
const ROLE_BY_FLAG: Record<string, MdMemberRole> = { F: 'failed', S: 'spare', J: 'journal', R: 'replacement' };

/** `sdc1[3](F)`, `sdb1[2](W)(F)`, `dm-15[1]`; null if the token is not a member. */
export function parseMember(token: string): MdMember | null {
  const m = MEMBER_RE.exec(token);
  if (!m) return null;
  const index = toInt(m[2]);
  if (index === null) return null;
  const flags = (m[3].match(/[A-Z]/g) ?? []) as string[];
  const writeMostly = flags.includes('W');
  // md prints (F) and skips the rest, so failure wins; then spare, journal, replacement.
  const strongest = ['F', 'S', 'J', 'R'].find((f) => flags.includes(f));
  const role: MdMemberRole = strongest ? ROLE_BY_FLAG[strongest] : writeMostly ? 'write-mostly' : 'active';
  return { name: m[1], index, role, writeMostly, flags };
}
