// Shared by the pair tests: polling, process lookup by environment, ports.
import { readdirSync, readFileSync } from 'node:fs';
import { isAlive } from '../../src/pair/processes';

export async function waitFor<T>(what: string, probe: () => T | undefined | null | false, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Live processes (not us) whose environment contains `needle` anywhere. */
export function processesWithEnv(needle: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`).includes(needle) && isAlive(Number(name))) found.push(Number(name));
    } catch {
      // gone, or not ours
    }
  }
  return found;
}

/** A port base of its own for each test file run (several may run at once). */
export function portBaseFor(slot: number): number {
  return 20000 + ((process.pid * 7 + slot * 101) % 4000) * 10;
}
