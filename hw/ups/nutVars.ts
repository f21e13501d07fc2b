// Conversion between NUT's flat `name -> text` variables (upsc, nut-ddl, upsd)
// and the typed UpsReading.

import {
  formatStatus,
  isNumericVar,
  isTextVar,
  parseStatus,
  type NumericVarName,
  type TextVarName,
  type UpsReading,
} from './model';

/**
 * Older NUT releases used other names for some variables; the dumps keep them.
 * A legacy name only fills the canonical one when the canonical one is absent.
 */
export const NUT_LEGACY_NAMES: Readonly<Record<string, NumericVarName | TextVarName>> = {
  'device.mfr': 'ups.mfr',
  'device.model': 'ups.model',
  'beeper.status': 'ups.beeper.status',
  // apcsmart 2.0 called the `o` answer this; later releases output.voltage.nominal.
  'output.voltage.target.battery': 'output.voltage.nominal',
};

/** A copy with legacy names mapped to current ones (current names win). */
export function canonicalNutVars(vars: ReadonlyMap<string, string>): Map<string, string> {
  const out = new Map(vars);
  for (const [legacy, current] of Object.entries(NUT_LEGACY_NAMES)) {
    const value = vars.get(legacy);
    if (value !== undefined && !out.has(current)) out.set(current, value);
  }
  return out;
}

const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)$/;

/** Strict decimal parse: "089.0" → 89; "", "1e3", "12V", "@@@" and digits past 1.8e308 (Infinity) → undefined. */
export function parseDecimal(text: string): number | undefined {
  const t = text.trim();
  if (!NUMBER_TEXT.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

export interface ReadingFromVars {
  reading: UpsReading;
  /** Values that could not be used, each naming the variable. */
  problems: string[];
}

/**
 * Typed reading from NUT variables (after legacy names are mapped). Variables
 * outside the model (driver.*, device.type, …) are not an error: they are left out.
 */
export function readingFromNutVars(vars: ReadonlyMap<string, string>): ReadingFromVars {
  const canonical = canonicalNutVars(vars);
  const problems: string[] = [];
  const statusText = canonical.get('ups.status');
  const status = parseStatus(statusText ?? '');
  if (statusText === undefined) problems.push('ups.status is missing');
  if (status.unknown.length > 0) problems.push(`ups.status has unknown tokens: ${status.unknown.join(' ')}`);
  const reading: UpsReading = { 'ups.status': status.tokens };
  const numbers = reading as Partial<Record<NumericVarName, number>>;
  const texts = reading as Partial<Record<TextVarName, string>>;
  for (const [name, value] of canonical) {
    if (isNumericVar(name)) {
      const n = parseDecimal(value);
      if (n === undefined) problems.push(`${name} is not a number: "${value}"`);
      else numbers[name] = n;
    } else if (isTextVar(name)) {
      texts[name] = value.trim();
    }
  }
  return { reading, problems };
}

/** NUT variables for a reading, numbers printed the JavaScript way ("89", "27.4"). */
export function readingToNutVars(reading: UpsReading): Map<string, string> {
  const out = new Map<string, string>();
  out.set('ups.status', formatStatus(reading['ups.status']));
  for (const [name, value] of Object.entries(reading)) {
    if (name === 'ups.status' || value === undefined) continue;
    out.set(name, String(value));
  }
  return out;
}
