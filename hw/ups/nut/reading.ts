// A UPS served by upsd, read as the normalized UpsReading: one LIST VAR, then
// the shared NUT-variable mapping (nutVars.ts), so a reading from upsd and one
// from our own serial drivers look the same to the monitor.

import type { UpsReading } from '../model';
import { readingFromNutVars } from '../nutVars';
import { ok, type Result } from '../result';
import type { NutClient } from './client';
import type { NutClientError } from './clientError';

export interface NutReading {
  reading: UpsReading;
  /** Everything upsd listed, including driver.* and device.* outside the model. */
  vars: Map<string, string>;
  /** Values that could not be used, each naming the variable. */
  problems: string[];
}

export async function readNutReading(client: NutClient, ups: string): Promise<Result<NutReading, NutClientError>> {
  const vars = await client.listVars(ups);
  if (!vars.ok) return vars;
  const { reading, problems } = readingFromNutVars(vars.value);
  return ok({ reading, vars: vars.value, problems });
}
