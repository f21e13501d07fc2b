// A UPS probe report for a person: a few aligned lines, status tokens in
// words, and only the values the device actually reported.

import type { UpsReading, UpsStatusToken } from '../../../hw/ups/model';
import { formatSeconds, labelled, num } from './text';
import type { UpsProbeReport } from './upsProbe';

/** NUT's ups.status tokens in words (NUT docs/new-drivers.txt). */
export const STATUS_WORDS: Readonly<Record<UpsStatusToken, string>> = {
  ALARM: 'alarm',
  OL: 'on line',
  OB: 'on battery',
  LB: 'low battery',
  HB: 'high battery',
  RB: 'replace battery',
  CHRG: 'charging',
  DISCHRG: 'discharging',
  BYPASS: 'on bypass',
  CAL: 'calibrating',
  OFF: 'output off',
  OVER: 'overloaded',
  TRIM: 'trimming high mains',
  BOOST: 'boosting low mains',
  FSD: 'forced shutdown',
};

/** `OB (on battery), LB (low battery)`. */
export function explainStatus(tokens: readonly UpsStatusToken[]): string {
  if (tokens.length === 0) return '(none reported)';
  return tokens.map((t) => `${t} (${STATUS_WORDS[t]})`).join(', ');
}

const DRIVER_NAMES: Readonly<Record<UpsProbeReport['driver'], string>> = {
  megatec: 'Megatec Q1',
  apcsmart: 'APC Smart',
  nut: 'NUT upsd',
};

export function formatUpsReport(r: UpsProbeReport): string {
  const lines = [labelled('UPS', `${DRIVER_NAMES[r.driver]} at ${r.target}`)];
  if (r.reading === undefined) {
    lines.push(labelled('Health', `unreachable: ${r.reason}`));
    return lines.join('\n');
  }
  const v = r.reading;
  const device = deviceLine(v);
  if (device !== null) lines.push(labelled('Device', device));
  lines.push(labelled('Status', explainStatus(r.status ?? v['ups.status'])));
  lines.push(labelled('Health', `${r.health}: ${r.reason}`));
  const rows: Array<[string, string | null]> = [
    ['Battery', batteryLine(v)],
    ['Runtime', v['battery.runtime'] === undefined ? null : formatSeconds(v['battery.runtime'])],
    ['Load', v['ups.load'] === undefined ? null : `${num(v['ups.load'])} %`],
    ['Input', electricLine(v['input.voltage'], v['input.frequency'])],
    ['Output', electricLine(v['output.voltage'], undefined)],
    ['Temperature', v['ups.temperature'] === undefined ? null : `${num(v['ups.temperature'])} °C`],
  ];
  for (const [label, value] of rows) if (value !== null) lines.push(labelled(label, value));
  if (v['ups.alarm'] !== undefined) lines.push(labelled('Alarm', v['ups.alarm']));
  return lines.join('\n');
}

function deviceLine(v: UpsReading): string | null {
  const name = [v['ups.mfr'], v['ups.model']].filter((x) => x !== undefined && x.trim() !== '').join(' ');
  const extra = [v['ups.firmware'] && `firmware ${v['ups.firmware']}`, v['ups.serial'] && `serial ${v['ups.serial']}`].filter(Boolean);
  if (name === '' && extra.length === 0) return null;
  return [name || 'unnamed', ...extra].join(', ');
}

function batteryLine(v: UpsReading): string | null {
  const parts: string[] = [];
  if (v['battery.charge'] !== undefined) parts.push(`${num(v['battery.charge'])} % charge`);
  if (v['battery.voltage'] !== undefined) {
    const nominal = v['battery.voltage.nominal'];
    parts.push(`${num(v['battery.voltage'])} V${nominal === undefined ? '' : ` (nominal ${num(nominal)} V)`}`);
  }
  return parts.length === 0 ? null : parts.join(', ');
}

function electricLine(volts: number | undefined, hz: number | undefined): string | null {
  const parts: string[] = [];
  if (volts !== undefined) parts.push(`${num(volts)} V`);
  if (hz !== undefined) parts.push(`${num(hz)} Hz`);
  return parts.length === 0 ? null : parts.join(', ');
}
