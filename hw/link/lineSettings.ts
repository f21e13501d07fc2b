// Checking line settings before they reach a port: a typo in a config ("baud
// 96000", parity "n") must be a clear message, not a native EINVAL later.

import { err, ok, type Result } from '../ups/result';
import { DEFAULT_LINE_SETTINGS, linkError, type DataBits, type LineControl, type LineSettings, type LinkResult, type Parity, type StopBits } from './types';

export const PARITIES: readonly Parity[] = ['none', 'even', 'odd', 'mark', 'space'];
export const DATA_BITS: readonly DataBits[] = [5, 6, 7, 8];
export const STOP_BITS: readonly StopBits[] = [1, 1.5, 2];
/** Linux accepts custom rates on most UARTs; beyond 4 Mbit/s a value is a typo. */
export const MAX_BAUD_RATE = 4_000_000;

/** Merge `changes` over `base` and check every field; the error names the first bad one. */
export function checkLineSettings(changes: Partial<Record<keyof LineSettings, unknown>>, base: LineSettings = DEFAULT_LINE_SETTINGS): Result<LineSettings, string> {
  const merged = { ...base, ...definedOnly(changes) } as Record<keyof LineSettings, unknown>;
  const { baudRate, dataBits, parity, stopBits } = merged;
  if (typeof baudRate !== 'number' || !Number.isInteger(baudRate) || baudRate < 50 || baudRate > MAX_BAUD_RATE) {
    return err(`baud rate must be a whole number 50..${MAX_BAUD_RATE}, got ${show(baudRate)}`);
  }
  if (!DATA_BITS.includes(dataBits as DataBits)) return err(`data bits must be one of ${DATA_BITS.join(', ')}, got ${show(dataBits)}`);
  if (!PARITIES.includes(parity as Parity)) return err(`parity must be one of ${PARITIES.join(', ')}, got ${show(parity)}`);
  if (!STOP_BITS.includes(stopBits as StopBits)) return err(`stop bits must be one of ${STOP_BITS.join(', ')}, got ${show(stopBits)}`);
  return ok({ baudRate, dataBits: dataBits as DataBits, parity: parity as Parity, stopBits: stopBits as StopBits });
}

/** `2400 8N1` style, for descriptions. */
export function formatLineSettings(s: LineSettings): string {
  const p = s.parity === 'none' ? 'N' : s.parity[0]!.toUpperCase();
  return `${s.baudRate} ${s.dataBits}${p}${s.stopBits}`;
}

/** Line settings that cannot change from here: an apply that changes nothing succeeds, anything else says why not. */
export function fixedLineControl(where: string, settings: LineSettings = DEFAULT_LINE_SETTINGS): LineControl {
  const current = { ...settings };
  return {
    get settings() {
      return { ...current };
    },
    async apply(changes): Promise<LinkResult<LineSettings>> {
      const next = checkLineSettings(changes, current);
      if (!next.ok) return linkError('invalid-argument', `${where}: ${next.error}`);
      const same = (Object.keys(current) as (keyof LineSettings)[]).every((k) => next.value[k] === current[k]);
      if (same) return { ok: true, value: { ...current } };
      return linkError('unsupported', `${where}: line settings are configured on the far end (ser2net), not over this link`);
    },
  };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

function show(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}
