// One full APC Smart reading in NUT variables: `Q` for the status, then one
// query per variable. A variable the UPS answers `NA` to is simply absent; a
// link failure (timeout, closed) fails the reading, as NUT marks data stale.

import type { NumericVarName, TextVarName, UpsReading } from '../model';
import { err, ok, type Result } from '../result';
import type { SessionError } from '../sessionError';
import type { ApcSmartSession } from './session';
import { APC_VARIABLES, type ApcVariable } from './variables';

export interface ApcReading {
  reading: UpsReading;
  /** Query letters the UPS answered NA to. */
  unsupported: string[];
  /** Answers that did not decode; the variable is left out. */
  warnings: string[];
}

export interface ApcReadOptions {
  variables?: readonly ApcVariable[];
  /** Command bytes from the `a` answer; letters not in it are not asked. */
  supported?: string;
}

/** NUT's apcsmart sets ups.mfr itself: the protocol is APC's own. */
export const APC_MFR = 'APC';

export async function readApcReading(session: ApcSmartSession, options: ApcReadOptions = {}): Promise<Result<ApcReading, SessionError>> {
  const status = await session.readStatus();
  if (!status.ok) return status;
  const reading: UpsReading = { 'ups.status': status.value, 'ups.mfr': APC_MFR };
  const values = reading as Partial<Record<NumericVarName | TextVarName, number | string>>;
  const unsupported: string[] = [];
  const warnings: string[] = [];
  for (const v of options.variables ?? APC_VARIABLES) {
    if (values[v.name] !== undefined) continue; // an earlier letter already gave it (b before V)
    if (options.supported !== undefined && !options.supported.includes(v.letter)) continue;
    const value = await session.readVariable(v);
    if (value.ok) values[v.name] = value.value;
    else if (value.error.kind === 'unsupported') unsupported.push(v.letter);
    else if (value.error.kind === 'garbage') warnings.push(value.error.message);
    else return err(value.error);
  }
  return ok({ reading, unsupported, warnings });
}
