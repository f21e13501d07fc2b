// A supervisor killed with SIGKILL cannot stop its daemons. It leaves a claim
// in the run directory (its pid and the mark its processes carry), so the next
// `edge-ha pair` on that directory can find the orphans and end them.

import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { isAlive, killMarked } from './processes';

const CLAIM_FILE = 'supervisor.json';

export interface RunClaim {
  pid: number;
  token: string;
  nodeIds: string[];
}

export async function writeClaim(runDir: string, claim: RunClaim): Promise<void> {
  await fs.writeFile(join(runDir, CLAIM_FILE), `${JSON.stringify(claim)}\n`, { mode: 0o600 });
}

export async function removeClaim(runDir: string, token: string): Promise<void> {
  const claim = await readClaim(runDir);
  if (claim?.token === token) await fs.rm(join(runDir, CLAIM_FILE), { force: true });
}

async function readClaim(runDir: string): Promise<RunClaim | null> {
  try {
    const x = JSON.parse(await fs.readFile(join(runDir, CLAIM_FILE), 'utf8')) as Partial<RunClaim>;
    const ok = Number.isInteger(x.pid) && typeof x.token === 'string' && /^[0-9a-f]{1,64}$/.test(x.token) && Array.isArray(x.nodeIds);
    return ok ? (x as RunClaim) : null;
  } catch {
    return null;
  }
}

/**
 * If the supervisor that claimed runDir is dead, kill every process it left
 * (daemons, their resources) and drop the claim. Returns how many were killed,
 * or null when there was nothing to reap (no claim, or its supervisor lives).
 */
/** The mark of the pair's processes that belong to no node (the BMCs of `--fence ipmi`). */
export function hardwareMark(token: string): string {
  return `${token}:hardware`;
}

export async function reapOrphans(runDir: string): Promise<number | null> {
  const claim = await readClaim(runDir);
  if (claim === null || isAlive(claim.pid)) return null;
  let killed = 0;
  for (const id of claim.nodeIds) killed += await killMarked(`${claim.token}:${id}`);
  // The --fence ipmi BMCs (ipmi_sim), which belong to no node.
  killed += await killMarked(hardwareMark(claim.token));
  await fs.rm(join(runDir, CLAIM_FILE), { force: true });
  return killed;
}
