// What a Megatec UPS puts on the wire, built from simulator state: the Q1, F
// and I answers in their fixed layouts, and the state itself seeded from NUT
// variables (a nut-ddl dump). A value that does not fit its field is sent as
// `@` fill ("not available"), as the spec prescribes for missing fields.

import type { UpsReading } from '../model';
import { readingFromNutVars } from '../nutVars';
import { Q1_BIT_ORDER, type MegatecInfo, type MegatecRatings, type Q1Bits, type Q1Measurements } from '../megatec/decode';

export interface MegatecSimState extends Q1Measurements {
  /** Whole battery, volts. */
  batteryVoltage?: number;
  /** Send the battery voltage per cell (`S.SS`) over this many cells, as online units do. */
  batteryCellsPerCellFormat?: number;
  bits: Q1Bits;
  /** Absent: the UPS echoes F (not supported). */
  ratings?: MegatecRatings;
  /** Absent: the UPS echoes I. */
  info?: MegatecInfo;
}

/** `width` chars with `decimals` places, zero padded; `@` fill when it does not fit. */
export function fixedField(value: number | undefined, width: number, decimals: number): string {
  const fill = decimals > 0 ? `${'@'.repeat(width - decimals - 1)}.${'@'.repeat(decimals)}` : '@'.repeat(width);
  if (value === undefined || !Number.isFinite(value)) return fill;
  const digits = Math.abs(value).toFixed(decimals);
  const sign = value < 0 && Number(digits) !== 0 ? '-' : '';
  const text = sign + digits.padStart(width - sign.length, '0');
  return text.length === width ? text : fill;
}

export function encodeQ1Line(s: MegatecSimState): string {
  const bits = Q1_BIT_ORDER.map((name) => (s.bits[name] ? '1' : '0')).join('');
  const cells = s.batteryCellsPerCellFormat;
  const battery =
    cells !== undefined && s.batteryVoltage !== undefined ? fixedField(s.batteryVoltage / cells, 4, 2) : fixedField(s.batteryVoltage, 4, 1);
  return [
    `(${fixedField(s.inputVoltage, 5, 1)}`,
    fixedField(s.inputFaultVoltage, 5, 1),
    fixedField(s.outputVoltage, 5, 1),
    fixedField(s.loadPercent === undefined ? undefined : Math.round(s.loadPercent), 3, 0),
    fixedField(s.inputFrequencyHz, 4, 1),
    battery,
    fixedField(s.temperatureC, 4, 1),
    bits,
  ].join(' ');
}

export function encodeRatingsLine(r: MegatecRatings): string {
  const current = r.ratedCurrent;
  const currentField = current !== undefined && !Number.isInteger(current) ? fixedField(current, 3, 1) : fixedField(current, 3, 0);
  return `#${fixedField(r.ratedVoltage, 5, 1)} ${currentField} ${fixedField(r.batteryVoltage, 5, 1)} ${fixedField(r.ratedFrequencyHz, 4, 1)}`;
}

export function encodeInfoLine(i: MegatecInfo): string {
  const field = (text: string | undefined, width: number) => (text ?? '').slice(0, width).padEnd(width, ' ');
  return `#${field(i.company, 15)} ${field(i.model, 10)} ${field(i.version, 10)}`;
}

/** Simulator state from NUT variables (legacy names such as device.model and beeper.status are understood). */
export function megatecSimStateFromNut(vars: ReadonlyMap<string, string>): { state: MegatecSimState; problems: string[] } {
  const { reading: r, problems } = readingFromNutVars(vars);
  const status = new Set(r['ups.status']);
  const state: MegatecSimState = {
    inputVoltage: r['input.voltage'],
    inputFaultVoltage: r['input.voltage.fault'] ?? r['input.voltage'],
    outputVoltage: r['output.voltage'],
    loadPercent: r['ups.load'],
    inputFrequencyHz: r['input.frequency'],
    batteryVoltage: r['battery.voltage'],
    temperatureC: r['ups.temperature'],
    bits: {
      utilityFail: status.has('OB'),
      batteryLow: status.has('LB'),
      bypassOrAvr: status.has('BYPASS') || status.has('TRIM') || status.has('BOOST'),
      upsFailed: status.has('ALARM'),
      standbyType: r['ups.type'] !== 'online',
      testInProgress: status.has('CAL'),
      shutdownActive: status.has('FSD'),
      beeperOn: r['ups.beeper.status'] === 'enabled',
    },
  };
  const nominal = r['battery.voltage.nominal'];
  if (state.batteryVoltage !== undefined && state.batteryVoltage >= 100 && nominal !== undefined) {
    state.batteryCellsPerCellFormat = Math.round(nominal / 2); // SS.S cannot hold it: send per cell
  }
  const ratings = ratingsFrom(r);
  if (ratings) state.ratings = ratings;
  const info = infoFrom(r);
  if (info) state.info = info;
  return { state, problems };
}

function ratingsFrom(r: UpsReading): MegatecRatings | undefined {
  const ratings: MegatecRatings = {
    ratedVoltage: r['input.voltage.nominal'],
    ratedCurrent: r['input.current.nominal'],
    batteryVoltage: r['battery.voltage.nominal'],
    ratedFrequencyHz: r['input.frequency.nominal'],
  };
  return Object.values(ratings).some((v) => v !== undefined) ? ratings : undefined;
}

function infoFrom(r: UpsReading): MegatecInfo | undefined {
  const info: MegatecInfo = { company: r['ups.mfr'], model: r['ups.model'], version: r['ups.firmware'] };
  return Object.values(info).some((v) => v !== undefined) ? info : undefined;
}
