// Leaf schemas shared by the sections of schema.ts. Each one sets its issue
// message to the phrase that follows "expected" in an error line (see
// issues.ts, which adds the key path and what was found), so the operator
// reads `node.priority: expected an integer 0..65535, got "high"` rather
// than zod's generic wording.

import { z } from 'zod';
import { parseHostPort } from './hostPort';

/** Upper bound of every duration: a Node timer longer than 2^31-1 ms fires at once, so stay far below. */
export const MAX_DURATION_MS = 86_400_000;
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const MAX_TEXT_CHARS = 4096;
const MAX_ARGV_ITEMS = 64;
const MAX_OPTIONS = 64;
/** Fence-agent option names: they become `name=value` lines on the agent's stdin. A leading
 * letter also keeps out `__proto__`, which a plain object would swallow. */
const OPTION_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** Extra detail an issue may carry: `note` follows the found value in parentheses. */
export interface IssueParams {
  note?: string;
}

export function idString() {
  const expected = { error: 'an id (1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit)' };
  return z.string(expected).regex(ID_PATTERN, expected);
}

export function intIn(min: number, max: number) {
  const expected = { error: `an integer ${min}..${max}` };
  return z.number(expected).int(expected).min(min, expected).max(max, expected);
}

export function durationMs(min: number) {
  return intIn(min, MAX_DURATION_MS);
}

export function bool() {
  return z.boolean({ error: 'true or false' });
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `one of: ${values.join(', ')}` });
}

/** Non-empty single-line text without NUL: such a value cannot be a path, a plug or an argument. */
export function text(what: string) {
  const expected = { error: what };
  return z
    .string(expected)
    .min(1, expected)
    .max(MAX_TEXT_CHARS, expected)
    .refine((s) => !/[\0\r\n]/.test(s), expected);
}

/** A file-system path; relative ones are resolved against the config file's directory by load.ts. */
export function filePath() {
  return text('a file path (absolute, or relative to the configuration file)').refine(
    (s) => !s.startsWith('~'),
    { error: 'a file path (absolute, or relative to the configuration file)', params: { note: '"~" is not expanded' } },
  );
}

/**
 * `host:port` → HostPort. Parsed by hand rather than with a regex chain so
 * the message can say what part is wrong.
 */
export function hostPort() {
  return z.string({ error: 'host:port' }).transform((s, ctx) => {
    const parsed = parseHostPort(s);
    if (parsed.ok) return parsed.value;
    const params: IssueParams = parsed.note === undefined ? {} : { note: parsed.note };
    ctx.addIssue({ code: 'custom', message: 'host:port', params });
    return z.NEVER;
  });
}

const COMMAND_EXPECTED = 'a command: a string (split on whitespace) or a list of strings';

/** A program and its arguments, as a string split on whitespace or as a list. */
export function commandArgv() {
  return z.unknown().transform((value, ctx): string[] => {
    const argv = typeof value === 'string' ? value.split(/\s+/).filter((s) => s !== '') : value;
    if (!Array.isArray(argv) || argv.length === 0 || argv.length > MAX_ARGV_ITEMS) {
      ctx.addIssue({ code: 'custom', message: COMMAND_EXPECTED });
      return z.NEVER;
    }
    const bad = argv.findIndex((arg, i) => !isArgument(arg, i === 0));
    if (bad >= 0) {
      // A string command was split, so only a list can have a bad element.
      const message = bad === 0 ? 'a program name or path' : 'a string argument';
      ctx.addIssue({ code: 'custom', message, path: [bad] });
      return z.NEVER;
    }
    return argv as string[];
  });
}

function isArgument(arg: unknown, isProgram: boolean): boolean {
  if (typeof arg !== 'string' || arg.length > MAX_TEXT_CHARS || arg.includes('\0')) return false;
  return !isProgram || arg.trim() !== '';
}

/**
 * Fence-agent options (`ipaddr: 10.0.0.5`, `lanplus: 1`). Numbers and
 * booleans are turned into strings, since YAML makes `ipport: 623` a number.
 * `action` is refused: fencing.action decides it, and a fence agent takes the
 * last `action=` line it reads, so an option could silently turn a power-off
 * into a power-on.
 */
export function fenceOptions() {
  const nameExpected = { error: 'an option name of letters, digits, "_" and "-", starting with a letter' };
  const name = z.string(nameExpected).regex(OPTION_NAME, nameExpected);
  const valueExpected = { error: 'a string, number or boolean option value' };
  const value = z.union([z.string(valueExpected), z.number(valueExpected), z.boolean(valueExpected)], valueExpected);
  const mappingExpected = 'a mapping of fence-agent option names to values';
  const options = z.record(name, value, {
    // zod reports a bad key at the record level; keep the key's own expectation for it.
    error: (issue) => (issue.code === 'invalid_key' ? nameExpected.error : mappingExpected),
  });
  // zod's record silently skips a `__proto__` key (so it cannot replace the prototype); refuse it instead.
  const withoutProto = z.preprocess((input, ctx) => {
    if (input !== null && typeof input === 'object' && Object.prototype.hasOwnProperty.call(input, '__proto__')) {
      ctx.addIssue({ code: 'custom', message: 'no "__proto__" option (a reserved name)', path: ['__proto__'] });
    }
    return input;
  }, options);
  return withoutProto
    .superRefine((options, ctx) => {
      const names = Object.keys(options);
      if (names.length > MAX_OPTIONS) {
        ctx.addIssue({ code: 'custom', message: `at most ${MAX_OPTIONS} options` });
      }
      for (const n of names) {
        const problem = optionProblem(n, String(options[n]));
        if (problem !== null) ctx.addIssue({ code: 'custom', message: problem, path: [n] });
      }
    })
    .transform((options) => {
      const out: Record<string, string> = {};
      for (const [n, v] of Object.entries(options)) out[n] = String(v);
      return out;
    });
}

function optionProblem(name: string, value: string): string | null {
  if (name === 'action') return 'no "action" option (fencing.action sets it)';
  if (/[\0\r\n]/.test(value) || value.length > MAX_TEXT_CHARS) return 'a single-line option value';
  return null;
}

/**
 * A mapping with exactly these keys. Unknown keys are errors: a typo such as
 * `missMultipler` must not silently fall back to the default.
 */
export function section<T extends z.ZodRawShape>(shape: T, what?: string) {
  const keys = Object.keys(shape).join(', ');
  const expected = what ?? `a mapping (keys: ${keys})`;
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `expected one of: ${keys}` : expected),
  });
}
