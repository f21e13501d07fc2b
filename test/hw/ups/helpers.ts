// Shared test helpers for the UPS layer: fixture loading and small utilities.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNutDump, type NutDump } from '../../../hw/ups/nutDump';

export const FIXTURE_DIR = join(__dirname, 'fixtures', 'nut-ddl');

/** Fixture file names whose driver (third `__` field) is one of `drivers`. */
export function fixturesForDrivers(drivers: readonly string[]): string[] {
  return readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.dev'))
    .filter((f) => drivers.includes(f.split('__')[2] ?? ''))
    .sort();
}

export function loadFixture(file: string): NutDump {
  const parsed = parseNutDump(readFileSync(join(FIXTURE_DIR, file), 'utf8'));
  if (!parsed.ok) throw new Error(`fixture ${file}: ${parsed.error}`);
  return parsed.value;
}

export function text(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('latin1');
}

export function bytes(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s, 'latin1'));
}

/** Concatenated host writes as one Latin-1 string. */
export function joinedWrites(chunks: readonly Uint8Array[]): string {
  return chunks.map(text).join('');
}
