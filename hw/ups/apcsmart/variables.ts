// APC Smart query letters and the NUT variables they feed (NUT's apc_vartab,
// reference §4.2), with the unit conversions NUT applies: `j` and `q` answer
// minutes (`j` with a trailing colon), `E` answers hours; NUT reports seconds.
// The same table turns NUT values back into answers for the simulator.

import { parseDecimal } from '../nutVars';
import type { NumericVarName, TextVarName } from '../model';
import { err, ok, type Result } from '../result';
import { describeBytes } from '../transport';

export type ApcFormat = 'decimal' | 'minutes' | 'hours' | 'text';

export interface ApcVariable {
  /** The one-byte query. */
  letter: string;
  name: NumericVarName | TextVarName;
  format: ApcFormat;
  /** Wire width the simulator pads numbers to (runtime `0062:`, low-battery warning `02`, test interval `336`). */
  width?: number;
}

/** Listed in NUT's preference order: `b` is the firmware of newer units, `V` of old ones. */
export const APC_VARIABLES: readonly ApcVariable[] = [
  { letter: '\x01', name: 'ups.model', format: 'text' },
  { letter: 'b', name: 'ups.firmware', format: 'text' },
  { letter: 'V', name: 'ups.firmware', format: 'text' },
  { letter: 'n', name: 'ups.serial', format: 'text' },
  { letter: 'm', name: 'ups.mfr.date', format: 'text' },
  { letter: 'c', name: 'ups.id', format: 'text' },
  { letter: 'f', name: 'battery.charge', format: 'decimal' },
  { letter: 'j', name: 'battery.runtime', format: 'minutes', width: 4 },
  { letter: 'q', name: 'battery.runtime.low', format: 'minutes', width: 2 },
  { letter: 'B', name: 'battery.voltage', format: 'decimal' },
  { letter: 'g', name: 'battery.voltage.nominal', format: 'decimal' },
  { letter: 'e', name: 'battery.charge.restart', format: 'decimal' },
  { letter: 'k', name: 'battery.alarm.threshold', format: 'text' },
  { letter: '>', name: 'battery.packs', format: 'decimal' },
  { letter: 'x', name: 'battery.date', format: 'text' },
  { letter: 'L', name: 'input.voltage', format: 'decimal' },
  { letter: 'M', name: 'input.voltage.maximum', format: 'decimal' },
  { letter: 'N', name: 'input.voltage.minimum', format: 'decimal' },
  { letter: 'F', name: 'input.frequency', format: 'decimal' },
  { letter: 'l', name: 'input.transfer.low', format: 'decimal' },
  { letter: 'u', name: 'input.transfer.high', format: 'decimal' },
  { letter: 'G', name: 'input.transfer.reason', format: 'text' },
  { letter: '9', name: 'input.quality', format: 'text' },
  { letter: 's', name: 'input.sensitivity', format: 'text' },
  { letter: 'O', name: 'output.voltage', format: 'decimal' },
  { letter: 'o', name: 'output.voltage.nominal', format: 'decimal' },
  { letter: 'P', name: 'ups.load', format: 'decimal' },
  { letter: 'C', name: 'ups.temperature', format: 'decimal' },
  { letter: 'X', name: 'ups.test.result', format: 'text' },
  { letter: 'p', name: 'ups.delay.shutdown', format: 'decimal' },
  { letter: 'r', name: 'ups.delay.start', format: 'decimal' },
  { letter: 'E', name: 'ups.test.interval', format: 'hours', width: 3 },
];

export function apcVariableForLetter(letter: string): ApcVariable | undefined {
  return APC_VARIABLES.find((v) => v.letter === letter);
}

/** The answer to a query letter as a NUT value (seconds for minutes/hours answers). */
export function decodeApcValue(v: ApcVariable, answer: string): Result<number | string, string> {
  const shown = describeBytes(answer);
  switch (v.format) {
    case 'decimal': {
      const n = parseDecimal(answer);
      return n === undefined ? err(`${v.name}: "${shown}" is not a number`) : ok(n);
    }
    case 'minutes': {
      const m = /^(\d{1,6}):?$/.exec(answer.trim());
      return m ? ok(Number(m[1]) * 60) : err(`${v.name}: "${shown}" is not whole minutes`);
    }
    case 'hours': {
      const t = answer.trim();
      if (t === 'OFF') return ok(0); // no periodic self test; NUT's strtol also yields 0
      return /^\d{1,6}$/.test(t) ? ok(Number(t) * 3600) : err(`${v.name}: "${shown}" is not whole hours`);
    }
    case 'text':
      if (!/^[\x20-\x7e]*$/.test(answer)) return err(`${v.name}: answer has non-printable bytes: "${shown}"`);
      return ok(answer.trim());
  }
}

/** The wire answer a UPS would give for a NUT value (NUT's text is mostly the wire text already). */
export function encodeApcValue(v: ApcVariable, nutValue: string): Result<string, string> {
  const text = nutValue.trim();
  if (v.format === 'decimal' || v.format === 'text') return ok(text);
  const n = parseDecimal(text);
  if (n === undefined || n < 0) return err(`${v.name}: "${text}" is not a non-negative number of seconds`);
  const units = Math.round(n / (v.format === 'minutes' ? 60 : 3600));
  const digits = String(units).padStart(v.width ?? 1, '0');
  return ok(v.letter === 'j' ? `${digits}:` : digits);
}
