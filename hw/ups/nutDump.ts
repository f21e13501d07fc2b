// Parser for nut-ddl device dumps (`upsc` output saved as .dev, or .seq with
// TIMER steps): `name: value` per line, `#` comments, and the DDL markup
// `#CMD:<cmd>` plus end-of-line `#BAD:` / `#COMMENT:` flags. These are NUT
// variables, not wire bytes: they seed simulators and serve as expected values.
// The parser never throws; a line it cannot use becomes a numbered problem.

import { err, ok, type Result } from './result';

export const NUT_DUMP_MAX_CHARS = 256 * 1024;
export const NUT_DUMP_MAX_LINE_CHARS = 1024;
export const NUT_DUMP_MAX_VARS = 2048;
export const NUT_DUMP_MAX_STEPS = 1024;

/** Same shape NUT accepts for variable names (dots between lowercase words, digits, `_`, `-`). */
const VAR_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const EOL_FLAG = /\s#(BAD|COMMENT):?\s*(.*)$/;
const TIMER_LINE = /^TIMER\s+(\S+)\s*$/;

export interface NutVarFlags {
  /** Text of an end-of-line `#BAD:` flag: the reporter says this value is wrong. */
  bad?: string;
  comment?: string;
}

/** One `TIMER <s>` step of a .seq file: after `afterSec`, these variables change. */
export interface NutDumpStep {
  afterSec: number;
  changes: Map<string, string>;
}

export interface NutDump {
  /** The snapshot (for a .seq: the state before the first TIMER). */
  vars: Map<string, string>;
  flags: Map<string, NutVarFlags>;
  /** Instant commands listed with `#CMD:`. */
  commands: string[];
  timeline: NutDumpStep[];
  /** Lines that were skipped or overridden, 1-based. */
  problems: { line: number; message: string }[];
}

export function parseNutDump(text: string): Result<NutDump, string> {
  if (typeof text !== 'string') return err('nut dump: input is not text');
  if (text.length > NUT_DUMP_MAX_CHARS) {
    return err(`nut dump: ${text.length} characters, more than the ${NUT_DUMP_MAX_CHARS} accepted`);
  }
  const dump: NutDump = { vars: new Map(), flags: new Map(), commands: [], timeline: [], problems: [] };
  let target = dump.vars;
  let varCount = 0;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i]!.trim();
    if (line === '') continue;
    if (line.length > NUT_DUMP_MAX_LINE_CHARS) {
      dump.problems.push({ line: lineNo, message: `line of ${line.length} characters skipped (limit ${NUT_DUMP_MAX_LINE_CHARS})` });
      continue;
    }
    if (line.startsWith('#')) {
      parseCommentLine(line, dump);
      continue;
    }
    const timer = TIMER_LINE.exec(line);
    if (timer) {
      const step = parseTimer(timer[1]!, lineNo, dump);
      if (step) target = step.changes;
      continue;
    }
    if (varCount >= NUT_DUMP_MAX_VARS) {
      dump.problems.push({ line: lineNo, message: `more than ${NUT_DUMP_MAX_VARS} variables; the rest is ignored` });
      break;
    }
    if (parseVarLine(line, lineNo, target, dump)) varCount++;
  }
  return ok(dump);
}

function parseCommentLine(line: string, dump: NutDump): void {
  const cmd = /^#CMD:\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(line);
  if (cmd && !dump.commands.includes(cmd[1]!)) dump.commands.push(cmd[1]!);
}

function parseTimer(arg: string, lineNo: number, dump: NutDump): NutDumpStep | null {
  if (!/^\d{1,9}$/.test(arg)) {
    dump.problems.push({ line: lineNo, message: `TIMER needs whole seconds, got "${arg}"` });
    return null;
  }
  if (dump.timeline.length >= NUT_DUMP_MAX_STEPS) {
    dump.problems.push({ line: lineNo, message: `more than ${NUT_DUMP_MAX_STEPS} TIMER steps; step ignored` });
    return null;
  }
  const step: NutDumpStep = { afterSec: Number(arg), changes: new Map() };
  dump.timeline.push(step);
  return step;
}

function parseVarLine(line: string, lineNo: number, target: Map<string, string>, dump: NutDump): boolean {
  const colon = line.indexOf(':');
  if (colon < 0) {
    dump.problems.push({ line: lineNo, message: `no "name: value" here: "${line.slice(0, 60)}"` });
    return false;
  }
  const name = line.slice(0, colon).trim();
  if (!VAR_NAME.test(name)) {
    dump.problems.push({ line: lineNo, message: `"${name.slice(0, 60)}" is not a NUT variable name` });
    return false;
  }
  let value = line.slice(colon + 1).trim();
  const flag = EOL_FLAG.exec(value);
  if (flag) {
    value = value.slice(0, flag.index).trim();
    const flags = dump.flags.get(name) ?? {};
    if (flag[1] === 'BAD') flags.bad = flag[2]!.trim();
    else flags.comment = flag[2]!.trim();
    dump.flags.set(name, flags);
  }
  if (target.has(name)) dump.problems.push({ line: lineNo, message: `${name} given again; the later value wins` });
  target.set(name, value);
  return true;
}
