// Decoders for the Megatec answers, on one line without its CR (the framer
// strips it). Layouts are fixed-offset (reference §2.4, §2.5); like NUT we
// insist on the exact length, since a short line means a byte was lost and
// the offsets no longer mean anything. A field filled with `@` (Megatec) or
// `-` (Voltronic) is "not available" and decodes as absent, not as an error.

import { err, ok, type Result } from '../result';
import { describeBytes } from '../transport';

export interface Q1Bits {
  /** b7: utility failed, UPS on battery. */
  utilityFail: boolean;
  /** b6 */
  batteryLow: boolean;
  /** b5: bypass, boost or buck active (which one NUT decides from the voltages). */
  bypassOrAvr: boolean;
  /** b4 */
  upsFailed: boolean;
  /** b3: 1 = standby (offline / line-interactive) unit, 0 = online unit. */
  standbyType: boolean;
  /** b2 */
  testInProgress: boolean;
  /** b1: shutdown active. Some units always set it (NUT's `ignoresab`). */
  shutdownActive: boolean;
  /** b0 */
  beeperOn: boolean;
}

/** Bit names from b7 (offset 38) to b0 (offset 45). */
export const Q1_BIT_ORDER: readonly (keyof Q1Bits)[] = [
  'utilityFail',
  'batteryLow',
  'bypassOrAvr',
  'upsFailed',
  'standbyType',
  'testInProgress',
  'shutdownActive',
  'beeperOn',
];

/**
 * The Q1 quantities that mean the same on the wire and in the simulator's
 * state; each is absent when the UPS fills its field with `@` or `-`. The
 * battery voltage is not here: on the wire it may be per cell.
 */
export interface Q1Measurements {
  inputVoltage?: number;
  /** Voltage of the last short utility failure; equals inputVoltage once read. */
  inputFaultVoltage?: number;
  outputVoltage?: number;
  /** Output load, % of maximum. */
  loadPercent?: number;
  inputFrequencyHz?: number;
  temperatureC?: number;
}

export interface Q1Status extends Q1Measurements {
  /** As written: per cell when batteryVoltagePerCell, else the whole battery. */
  batteryVoltage?: number;
  /** The field was written `S.SS`: volts per cell (online units), not the whole battery (`SS.S`). */
  batteryVoltagePerCell: boolean;
  bits: Q1Bits;
}

export const Q1_LINE_CHARS = 46;
export const RATINGS_LINE_CHARS = 21;
export const INFO_LINE_CHARS = 38;

interface FieldSpec<K extends string> {
  key: K;
  start: number;
  width: number;
}

const Q1_FIELDS: readonly FieldSpec<keyof Q1Measurements | 'batteryVoltage'>[] = [
  { key: 'inputVoltage', start: 1, width: 5 },
  { key: 'inputFaultVoltage', start: 7, width: 5 },
  { key: 'outputVoltage', start: 13, width: 5 },
  { key: 'loadPercent', start: 19, width: 3 },
  { key: 'inputFrequencyHz', start: 23, width: 4 },
  { key: 'batteryVoltage', start: 28, width: 4 },
  { key: 'temperatureC', start: 33, width: 4 },
];
const Q1_BITS_START = 38;

/** `(MMM.M NNN.N PPP.P QQQ RR.R S.SS TT.T b7..b0` */
export function decodeQ1Status(line: string): Result<Q1Status, string> {
  if (line.length !== Q1_LINE_CHARS || line[0] !== '(') {
    return err(`Q1 answer must be "(" and ${Q1_LINE_CHARS - 1} more bytes, got ${line.length} bytes: "${describeBytes(line)}"`);
  }
  const values = decodeFields(line, Q1_FIELDS, 'Q1');
  if (!values.ok) return values;
  const bitsText = line.slice(Q1_BITS_START);
  if (!/^[01]{8}$/.test(bitsText)) {
    return err(`Q1 status bits (offset ${Q1_BITS_START}) must be 8 of "0"/"1", got "${describeBytes(bitsText)}"`);
  }
  const bits = {} as Q1Bits;
  Q1_BIT_ORDER.forEach((name, i) => (bits[name] = bitsText[i] === '1'));
  const perCell = /^\d\.\d\d$/.test(line.slice(28, 32));
  return ok({ ...values.value, batteryVoltagePerCell: perCell, bits });
}

export interface MegatecRatings {
  ratedVoltage?: number;
  ratedCurrent?: number;
  batteryVoltage?: number;
  ratedFrequencyHz?: number;
}

const RATING_FIELDS: readonly FieldSpec<keyof MegatecRatings>[] = [
  { key: 'ratedVoltage', start: 1, width: 5 },
  { key: 'ratedCurrent', start: 7, width: 3 },
  { key: 'batteryVoltage', start: 11, width: 5 },
  { key: 'ratedFrequencyHz', start: 17, width: 4 },
];

/** `#MMM.M QQQ SS.SS RR.R` */
export function decodeRatings(line: string): Result<MegatecRatings, string> {
  if (line.length !== RATINGS_LINE_CHARS || line[0] !== '#') {
    return err(`F answer must be "#" and ${RATINGS_LINE_CHARS - 1} more bytes, got ${line.length} bytes: "${describeBytes(line)}"`);
  }
  return decodeFields(line, RATING_FIELDS, 'F');
}

export interface MegatecInfo {
  company?: string;
  model?: string;
  version?: string;
}

/** `#` + company (15) + space + model (10) + space + version (10), each space padded. */
export function decodeInfo(line: string): Result<MegatecInfo, string> {
  if (line.length !== INFO_LINE_CHARS || line[0] !== '#') {
    return err(`I answer must be "#" and ${INFO_LINE_CHARS - 1} more bytes, got ${line.length} bytes: "${describeBytes(line)}"`);
  }
  if (line[16] !== ' ' || line[27] !== ' ') {
    return err(`I answer needs spaces at offsets 16 and 27: "${describeBytes(line)}"`);
  }
  if (!/^[\x20-\x7e]*$/.test(line)) return err(`I answer has non-printable bytes: "${describeBytes(line)}"`);
  const info: MegatecInfo = {};
  const company = line.slice(1, 16).trim();
  const model = line.slice(17, 27).trim();
  const version = line.slice(28).trim();
  if (company !== '') info.company = company;
  if (model !== '') info.model = model;
  if (version !== '') info.version = version;
  return ok(info);
}

function decodeFields<K extends string>(line: string, fields: readonly FieldSpec<K>[], answer: string): Result<{ [P in K]?: number }, string> {
  const out: { [P in K]?: number } = {};
  for (const f of fields) {
    const end = f.start + f.width;
    if (line[end] !== undefined && line[end] !== ' ') {
      return err(`${answer} answer: expected a space at offset ${end} after ${f.key}, got "${describeBytes(line[end]!)}"`);
    }
    const text = line.slice(f.start, end);
    const value = decodeNumberField(text);
    if (value === 'invalid') {
      return err(`${answer} answer: ${f.key} at offsets ${f.start}-${end - 1} is not a number: "${describeBytes(text)}"`);
    }
    if (value !== undefined) out[f.key] = value;
  }
  return ok(out);
}

/** A fixed-width number; `@@@.@` / `---.-` mean "not available". */
export function decodeNumberField(text: string): number | undefined | 'invalid' {
  if (/^[@.]+$/.test(text) || /^[-.]+$/.test(text)) return undefined;
  const t = text.trim();
  if (!/^-?(\d+\.?\d*|\.\d+)$/.test(t)) return 'invalid';
  return Number(t);
}
