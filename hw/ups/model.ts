// One normalized UPS model for every driver, in NUT's own vocabulary (variable
// names from docs/nut-names.txt, ups.status tokens from docs/new-drivers.txt).
// Using NUT's names means nut-ddl dumps, dummy-ups and upsd can serve as test
// oracles, and a later NUT server can publish a reading without translation.

/**
 * ups.status tokens in the order we print them. The order reproduces what NUT
 * 2.8.0 printed in the Debian 12 checks ("ALARM OL BOOST", "OB LB", "OL CAL").
 * HB (high battery) is a standard NUT token too; no driver here sets it, but a
 * dump may carry it.
 */
export const UPS_STATUS_TOKENS = [
  'ALARM',
  'OL',
  'OB',
  'LB',
  'HB',
  'RB',
  'CHRG',
  'DISCHRG',
  'BYPASS',
  'CAL',
  'OFF',
  'OVER',
  'TRIM',
  'BOOST',
  'FSD',
] as const;
export type UpsStatusToken = (typeof UPS_STATUS_TOKENS)[number];

const TOKEN_RANK: ReadonlyMap<string, number> = new Map(UPS_STATUS_TOKENS.map((t, i) => [t, i]));

export function isStatusToken(word: string): word is UpsStatusToken {
  return TOKEN_RANK.has(word);
}

/** Deduplicated tokens in canonical order. */
export function normalizeStatus(tokens: Iterable<UpsStatusToken>): UpsStatusToken[] {
  return [...new Set(tokens)].sort((a, b) => TOKEN_RANK.get(a)! - TOKEN_RANK.get(b)!);
}

/** "OB LB" style text, as upsd shows ups.status. */
export function formatStatus(tokens: Iterable<UpsStatusToken>): string {
  return normalizeStatus(tokens).join(' ');
}

/** Splits an ups.status value; words that are not NUT tokens are returned apart, not dropped silently. */
export function parseStatus(text: string): { tokens: UpsStatusToken[]; unknown: string[] } {
  const tokens: UpsStatusToken[] = [];
  const unknown: string[] = [];
  for (const word of text.trim().split(/\s+/)) {
    if (word === '') continue;
    if (isStatusToken(word)) tokens.push(word);
    else unknown.push(word);
  }
  return { tokens: normalizeStatus(tokens), unknown };
}

/** Numeric NUT variables and their unit (NUT's own units: V, Hz, %, s, °C, A). */
export const NUMERIC_VARS = {
  'battery.charge': '%',
  'battery.charge.restart': '%',
  'battery.runtime': 's',
  'battery.runtime.low': 's',
  'battery.voltage': 'V',
  'battery.voltage.nominal': 'V',
  'battery.packs': 'count',
  'input.voltage': 'V',
  'input.voltage.fault': 'V',
  'input.voltage.maximum': 'V',
  'input.voltage.minimum': 'V',
  'input.voltage.nominal': 'V',
  'input.frequency': 'Hz',
  'input.frequency.nominal': 'Hz',
  'input.current.nominal': 'A',
  'input.transfer.high': 'V',
  'input.transfer.low': 'V',
  'output.voltage': 'V',
  'output.voltage.nominal': 'V',
  'ups.load': '%',
  'ups.temperature': '°C',
  'ups.delay.shutdown': 's',
  'ups.delay.start': 's',
  'ups.test.interval': 's',
} as const;
export type NumericVarName = keyof typeof NUMERIC_VARS;

/** Text NUT variables. */
export const TEXT_VARS = [
  'ups.mfr',
  'ups.model',
  'ups.firmware',
  'ups.serial',
  'ups.id',
  'ups.mfr.date',
  'ups.type',
  'ups.alarm',
  'ups.beeper.status',
  'ups.test.result',
  'battery.date',
  'battery.alarm.threshold',
  'input.transfer.reason',
  'input.quality',
  'input.sensitivity',
] as const;
export type TextVarName = (typeof TEXT_VARS)[number];

export type UpsVarName = 'ups.status' | NumericVarName | TextVarName;

/**
 * What a driver read from a UPS at one moment. Only `ups.status` is always
 * present; a variable the device did not report is absent (never 0 or "").
 */
export type UpsReading = { 'ups.status': readonly UpsStatusToken[] } & {
  [K in NumericVarName]?: number;
} & { [K in TextVarName]?: string };

export function isNumericVar(name: string): name is NumericVarName {
  return Object.prototype.hasOwnProperty.call(NUMERIC_VARS, name);
}

const TEXT_VAR_SET: ReadonlySet<string> = new Set(TEXT_VARS);
export function isTextVar(name: string): name is TextVarName {
  return TEXT_VAR_SET.has(name);
}

// ---------------------------------------------------------------- critical power

export interface CriticalPowerContext {
  /** The driver has not heard the UPS for longer than the dead time (upsmon DEADTIME, 15 s by default). */
  commLost: boolean;
  /** ups.status last seen while the UPS was still talking. */
  lastStatus: readonly UpsStatusToken[];
}

export interface CriticalPowerVerdict {
  critical: boolean;
  /** Why, in words an operator can act on. */
  reason: string;
}

/**
 * upsmon's is_ups_critical, reduced to the three rules of the reference (§5.4):
 * FSD → critical; OB and LB together → critical unless CAL (a runtime
 * calibration drains the battery on purpose); no communication while last seen
 * OB → critical. With communication lost, the last seen status is judged, since
 * `reading` may be stale or missing. OBLBDURATION and the other "not
 * communicating" rules (CAL/BYPASS/OFF/OVER/ALARM) are upsmon options we do not
 * model.
 */
export function criticalPower(reading: UpsReading | null, ctx: CriticalPowerContext): CriticalPowerVerdict {
  const status = new Set<UpsStatusToken>(ctx.commLost ? ctx.lastStatus : (reading?.['ups.status'] ?? []));
  const shown = formatStatus(status) || '(empty)';
  if (status.has('FSD')) {
    return { critical: true, reason: `forced shutdown (FSD) set by the UPS or the primary; status ${shown}` };
  }
  if (ctx.commLost) {
    if (status.has('OB')) {
      return { critical: true, reason: `communication with the UPS lost while it was last seen on battery (${shown})` };
    }
    return { critical: false, reason: `communication with the UPS lost; last seen ${shown}, not on battery` };
  }
  if (reading === null) return { critical: false, reason: 'no reading from the UPS yet' };
  if (status.has('OB') && status.has('LB')) {
    if (status.has('CAL')) {
      return { critical: false, reason: `on battery with low battery during a runtime calibration (${shown})` };
    }
    return { critical: true, reason: `on battery and battery low (${shown})` };
  }
  return { critical: false, reason: `status ${shown}` };
}
