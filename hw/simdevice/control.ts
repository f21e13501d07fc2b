// The control language of `edge-ha sim-device`: one JSON object per stdin
// line, each with exactly one command key. Parsing never throws; a line that
// is not a valid command becomes an error naming what is wrong, which the
// runner sends back as a JSON reply.

import { err, ok, type Result } from '../ups/result';

export const CONTROL_MAX_LINE_CHARS = 4096;
export const GARBAGE_MAX_BYTES = 65_536;

export interface SimSettings {
  onBattery?: boolean;
  lowBattery?: boolean;
  /** Battery charge, % (0..100). */
  charge?: number;
  /** Mains voltage seen by the UPS, V. */
  inputVoltage?: number;
  /** Output load, %. */
  load?: number;
}

export type ControlCommand =
  | { kind: 'set'; set: SimSettings }
  /** Drain the battery this many % per minute while on battery (0 stops). */
  | { kind: 'drain'; percentPerMin: number }
  /** The cable is pulled: the UPS says nothing until plugged again. */
  | { kind: 'unplug' }
  | { kind: 'plug' }
  /** Send this many random bytes on the line, unprompted. */
  | { kind: 'garbage'; bytes: number }
  /** Report the current state. */
  | { kind: 'status' };

const SETTING_CHECKS: Record<keyof SimSettings, (v: unknown) => string | null> = {
  onBattery: (v) => (typeof v === 'boolean' ? null : 'must be true or false'),
  lowBattery: (v) => (typeof v === 'boolean' ? null : 'must be true or false'),
  charge: (v) => (typeof v === 'number' && v >= 0 && v <= 100 ? null : 'must be a number from 0 to 100'),
  inputVoltage: (v) => (typeof v === 'number' && v >= 0 && v <= 999 ? null : 'must be a number of volts from 0 to 999'),
  load: (v) => (typeof v === 'number' && v >= 0 && v <= 999 ? null : 'must be a percentage from 0 to 999'),
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseControlLine(line: string): Result<ControlCommand, string> {
  if (line.length > CONTROL_MAX_LINE_CHARS) return err(`command line of ${line.length} characters exceeds ${CONTROL_MAX_LINE_CHARS}`);
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    return err(`not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!isObject(value)) return err('a command must be a JSON object such as {"set":{"onBattery":true}}');
  const keys = Object.keys(value);
  if (keys.length !== 1) return err(`a command needs exactly one key (set, drain, unplug, plug, garbage, status), got ${keys.length}: ${keys.join(', ')}`);
  const key = keys[0]!;
  const arg = value[key];
  switch (key) {
    case 'set':
      return parseSet(arg);
    case 'drain': {
      const rate = isObject(arg) ? arg.percentPerMin : undefined;
      if (!isObject(arg) || Object.keys(arg).some((k) => k !== 'percentPerMin')) return err('drain takes {"percentPerMin": N}');
      if (typeof rate !== 'number' || !(rate >= 0 && rate <= 100)) return err('drain.percentPerMin must be a number from 0 to 100');
      return ok({ kind: 'drain', percentPerMin: rate });
    }
    case 'unplug':
    case 'plug':
    case 'status':
      return arg === true ? ok({ kind: key }) : err(`${key} takes the value true`);
    case 'garbage':
      if (typeof arg !== 'number' || !Number.isInteger(arg) || arg < 1 || arg > GARBAGE_MAX_BYTES) {
        return err(`garbage takes a whole number of bytes from 1 to ${GARBAGE_MAX_BYTES}`);
      }
      return ok({ kind: 'garbage', bytes: arg });
    default:
      return err(`unknown command "${key.slice(0, 40)}" (known: set, drain, unplug, plug, garbage, status)`);
  }
}

function parseSet(arg: unknown): Result<ControlCommand, string> {
  if (!isObject(arg)) return err('set takes an object, e.g. {"set":{"onBattery":true}}');
  const keys = Object.keys(arg);
  if (keys.length === 0) return err('set needs at least one of onBattery, lowBattery, charge, inputVoltage, load');
  const set: SimSettings = {};
  for (const k of keys) {
    if (!Object.prototype.hasOwnProperty.call(SETTING_CHECKS, k)) return err(`set: unknown setting "${k.slice(0, 40)}" (known: ${Object.keys(SETTING_CHECKS).join(', ')})`);
    const name = k as keyof SimSettings;
    const problem = SETTING_CHECKS[name](arg[k]);
    if (problem) return err(`set.${name} ${problem}`);
    (set as Record<string, unknown>)[name] = arg[k];
  }
  return ok({ kind: 'set', set });
}

/** Newline-split text with a length bound; an overlong line is reported once, not kept. */
export class BoundedLines {
  private buf = '';
  private dropping = false;

  constructor(private readonly maxChars = CONTROL_MAX_LINE_CHARS) {}

  /** Complete lines (null stands for an overlong line that was dropped). */
  push(text: string): Array<string | null> {
    const out: Array<string | null> = [];
    for (const part of text.split(/(\n)/)) {
      if (part === '\n') {
        out.push(this.dropping ? null : this.buf.replace(/\r$/, ''));
        this.buf = '';
        this.dropping = false;
      } else if (!this.dropping) {
        this.buf += part;
        if (this.buf.length > this.maxChars) {
          this.buf = '';
          this.dropping = true;
        }
      }
    }
    return out;
  }
}
