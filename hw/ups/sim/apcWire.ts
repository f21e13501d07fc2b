// APC Smart simulator state seeded from NUT variables: one answer string per
// query letter (via the driver's own letter table, in reverse) and the `Q`
// bitmap from ups.status.

import { APC_VARIABLES } from '../apcsmart/variables';
import { encodeApcValue } from '../apcsmart/variables';
import { apcStatusBits } from '../apcsmart/status';
import { canonicalNutVars, readingFromNutVars } from '../nutVars';

export interface ApcSimState {
  /** The `Q` bitmap. */
  statusBits: number;
  /** Answer text per query letter; a letter not here is answered NA. */
  answers: Map<string, string>;
}

export function apcSimStateFromNut(vars: ReadonlyMap<string, string>): { state: ApcSimState; problems: string[] } {
  const canonical = canonicalNutVars(vars);
  const { reading, problems } = readingFromNutVars(canonical);
  const unmapped = reading['ups.status'].filter((t) => apcStatusBits([t]) === 0);
  if (unmapped.length > 0) problems.push(`ups.status tokens with no Q bit: ${unmapped.join(' ')}`);
  const answers = new Map<string, string>();
  const seeded = new Set<string>();
  for (const v of APC_VARIABLES) {
    const value = canonical.get(v.name);
    if (value === undefined || seeded.has(v.name)) continue; // one letter per variable: b, not V
    const answer = encodeApcValue(v, value);
    if (!answer.ok) {
      problems.push(answer.error);
      continue;
    }
    answers.set(v.letter, answer.value);
    seeded.add(v.name);
  }
  return { state: { statusBits: apcStatusBits(reading['ups.status']), answers }, problems };
}
