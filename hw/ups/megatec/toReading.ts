// Megatec answers → NUT variables, following NUT's blazer mapping (reference
// §2.4 table and the Debian 12 observations in §2.7).

import { normalizeStatus, type UpsReading, type UpsStatusToken } from '../model';
import type { MegatecInfo, MegatecRatings, Q1Status } from './decode';

export interface Q1MappingOptions {
  /** NUT's `ignoresab`: some units always set the shutdown-active bit, which would read as FSD. */
  ignoreShutdownBit?: boolean;
  /**
   * Cells in series, to turn a per-cell battery voltage (`S.SS`) into the whole
   * battery. Without it, battery.voltage.nominal / 2 V (lead-acid cells) is used
   * when known; otherwise the per-cell value is left out with a warning.
   */
  batteryCells?: number;
  batteryVoltageNominal?: number;
}

export interface MappedReading {
  reading: UpsReading;
  /** Bits or fields NUT would also refuse to map, e.g. b5 with an impossible voltage ratio. */
  warnings: string[];
}

/** NUT's text for b4. */
export const Q1_ALARM_TEXT = 'UPS selftest failed!';

export function q1ToReading(q1: Q1Status, options: Q1MappingOptions = {}): MappedReading {
  const warnings: string[] = [];
  const b = q1.bits;
  const tokens: UpsStatusToken[] = [b.utilityFail ? 'OB' : 'OL'];
  if (b.batteryLow) tokens.push('LB');
  if (b.bypassOrAvr) {
    const avr = avrToken(q1.inputVoltage, q1.outputVoltage);
    if (typeof avr === 'string') tokens.push(avr);
    else warnings.push(avr.message);
  }
  if (b.upsFailed) tokens.push('ALARM');
  if (b.testInProgress) tokens.push('CAL');
  if (b.shutdownActive && !options.ignoreShutdownBit) tokens.push('FSD');
  const reading: UpsReading = {
    'ups.status': normalizeStatus(tokens),
    'ups.type': b.standbyType ? 'offline / line interactive' : 'online',
    'ups.beeper.status': b.beeperOn ? 'enabled' : 'disabled',
  };
  if (b.upsFailed) reading['ups.alarm'] = Q1_ALARM_TEXT;
  setIf(reading, 'input.voltage', q1.inputVoltage);
  setIf(reading, 'input.voltage.fault', q1.inputFaultVoltage);
  setIf(reading, 'output.voltage', q1.outputVoltage);
  setIf(reading, 'ups.load', q1.loadPercent);
  setIf(reading, 'input.frequency', q1.inputFrequencyHz);
  setIf(reading, 'ups.temperature', q1.temperatureC);
  setIf(reading, 'battery.voltage', batteryVoltage(q1, options, warnings));
  return { reading, warnings };
}

/** b5 means bypass, boost or buck; NUT tells them apart by output/input. */
function avrToken(inV: number | undefined, outV: number | undefined): UpsStatusToken | { message: string } {
  if (inV === undefined || outV === undefined || inV <= 0) {
    return { message: 'Q1 bit b5 (bypass/boost/buck) is set but input or output voltage is unknown; no token set' };
  }
  const ratio = outV / inV;
  if (ratio < 0.5 || ratio >= 1.5) {
    return { message: `Q1 bit b5 is set but output/input voltage ratio ${ratio.toFixed(3)} is outside 0.5..1.5; no token set` };
  }
  if (ratio < 0.95) return 'TRIM';
  if (ratio < 1.05) return 'BYPASS';
  return 'BOOST';
}

function batteryVoltage(q1: Q1Status, options: Q1MappingOptions, warnings: string[]): number | undefined {
  if (q1.batteryVoltage === undefined || !q1.batteryVoltagePerCell) return q1.batteryVoltage;
  const nominal = options.batteryVoltageNominal;
  const cells = options.batteryCells ?? (nominal !== undefined && nominal > 0 ? Math.round(nominal / 2) : undefined);
  if (cells === undefined) {
    warnings.push(`battery voltage ${q1.batteryVoltage} V is per cell and the cell count is unknown; left out`);
    return undefined;
  }
  return Math.round(q1.batteryVoltage * cells * 100) / 100;
}

/** F answer → nominal values. */
export function ratingsToVars(r: MegatecRatings): Partial<UpsReading> {
  const out: Partial<UpsReading> = {};
  setIf(out, 'input.voltage.nominal', r.ratedVoltage);
  setIf(out, 'input.current.nominal', r.ratedCurrent);
  setIf(out, 'battery.voltage.nominal', r.batteryVoltage);
  setIf(out, 'input.frequency.nominal', r.ratedFrequencyHz);
  return out;
}

/** I answer → identity. */
export function infoToVars(i: MegatecInfo): Partial<UpsReading> {
  const out: Partial<UpsReading> = {};
  if (i.company !== undefined) out['ups.mfr'] = i.company;
  if (i.model !== undefined) out['ups.model'] = i.model;
  if (i.version !== undefined) out['ups.firmware'] = i.version;
  return out;
}

function setIf<K extends keyof UpsReading>(target: Partial<UpsReading>, key: K, value: UpsReading[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}
