// Run parameters shared by every fuzz property. The seed is fixed so CI tests
// the same inputs on every run and a failure reproduces anywhere; fast-check
// prints the seed and the counterexample's path when a property fails, and
// both can be fed back through the environment to replay exactly that case:
//   FUZZ_SEED=<seed> FUZZ_PATH=<path> npx jest test/hw/fuzz/<file> -t '<property>'
// FUZZ_RUNS_SCALE multiplies every numRuns (e.g. 20 for a long local soak).

import type fc from 'fast-check';

/** The default seed; any integer works, this one is just fixed. */
export const DEFAULT_FUZZ_SEED = 0x5eedf022;

function envInt(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new Error(`${name} must be an integer, got ${JSON.stringify(raw)}`);
  return n;
}

function envScale(): number {
  const raw = process.env.FUZZ_RUNS_SCALE;
  if (raw === undefined || raw.trim() === '') return 1;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`FUZZ_RUNS_SCALE must be a positive number, got ${JSON.stringify(raw)}`);
  return n;
}

export const FUZZ_SEED = envInt('FUZZ_SEED') ?? DEFAULT_FUZZ_SEED;

/** fast-check parameters: the fixed (or replayed) seed and `numRuns` scaled by FUZZ_RUNS_SCALE. */
export function fuzzParams<T>(numRuns: number): fc.Parameters<T> {
  const path = process.env.FUZZ_PATH;
  const runs = Math.max(1, Math.round(numRuns * envScale()));
  return path ? { seed: FUZZ_SEED, path, numRuns: runs, endOnFailure: true } : { seed: FUZZ_SEED, numRuns: runs };
}
