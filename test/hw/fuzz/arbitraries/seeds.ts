// Valid inputs the mutators start from, all derived from real device data in
// the repository (test/hw/ups/fixtures: nut-ddl dumps of real UPSes;
// test/hw/raid/fixtures: /proc/mdstat and cli64 output of real machines; both
// copied from /work/shared/fixtures with their provenance). Wire lines are
// built from the dumps by the project's own simulators, so they are exactly
// what our drivers expect to read from those UPSes.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APC_VARIABLES } from '../../../../hw/ups/apcsmart/variables';
import { encodeApcStatus } from '../../../../hw/ups/apcsmart/status';
import { parseNutDump } from '../../../../hw/ups/nutDump';
import { apcSimStateFromNut } from '../../../../hw/ups/sim/apcWire';
import { encodeInfoLine, encodeQ1Line, encodeRatingsLine, megatecSimStateFromNut } from '../../../../hw/ups/sim/megatecWire';

const UPS_FIXTURES = join(__dirname, '..', '..', 'ups', 'fixtures', 'nut-ddl');
const RAID_FIXTURES = join(__dirname, '..', '..', 'raid', 'fixtures');

function readDir(dir: string): { name: string; text: string }[] {
  return readdirSync(dir)
    .filter((f) => !f.startsWith('.') && f !== 'README.md')
    .sort()
    .map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
}

export interface DumpSeed {
  name: string;
  driver: string;
  text: string;
  vars: Map<string, string>;
}

/** Every nut-ddl dump, raw text and parsed variables. */
export const NUT_DUMPS: readonly DumpSeed[] = readDir(UPS_FIXTURES).map(({ name, text }) => {
  const parsed = parseNutDump(text);
  if (!parsed.ok) throw new Error(`fixture ${name} does not parse: ${parsed.error}`);
  return { name, driver: name.split('__')[2] ?? '', text, vars: parsed.value.vars };
});

const MEGATEC_DRIVERS = ['blazer_ser', 'nutdrv_qx'];

/** Q1, F and I answers (without CR) of the Megatec-family UPSes in the fixtures. */
export const MEGATEC_LINES: readonly string[] = NUT_DUMPS.filter((d) => MEGATEC_DRIVERS.includes(d.driver)).flatMap((d) => {
  const { state } = megatecSimStateFromNut(d.vars);
  const lines = [encodeQ1Line(state)];
  if (state.ratings) lines.push(encodeRatingsLine(state.ratings));
  if (state.info) lines.push(encodeInfoLine(state.info));
  return lines;
});

/** Query letter and answer text of the APC Smart UPSes in the fixtures, plus the `Q` bitmap. */
export const APC_ANSWERS: readonly { letter: string; answer: string }[] = NUT_DUMPS.filter((d) => d.driver === 'apcsmart').flatMap((d) => {
  const { state } = apcSimStateFromNut(d.vars);
  const answers = [...state.answers].map(([letter, answer]) => ({ letter, answer }));
  return [...answers, { letter: 'Q', answer: encodeApcStatus(state.statusBits) }];
});

/** Letters that have a decoder (the answer seeds cover a subset). */
export const APC_LETTERS: readonly string[] = [...new Set(APC_VARIABLES.map((v) => v.letter))];

/**
 * A raid10 array as md prints it (md.c status format, 2 near-copies): the
 * fixtures have none, and raid10 is the one level whose classification walks
 * the layout, so it is added by hand.
 */
export const MDSTAT_RAID10 = [
  'Personalities : [raid10]',
  'md2 : active raid10 sdd1[3] sdc1[2] sdb1[1] sda1[0]',
  '      1953259520 blocks super 1.2 512K chunks 2 near-copies [4/3] [UU_U]',
  '      bitmap: 0/15 pages [0KB], 65536KB chunk',
  '',
  'unused devices: <none>',
  '',
].join('\n');

export const MDSTAT_TEXTS: readonly string[] = [...readDir(join(RAID_FIXTURES, 'mdstat')).map((f) => f.text), MDSTAT_RAID10];

const ARECA_FILES = readDir(join(RAID_FIXTURES, 'areca'));
export const ARECA_RSF_TEXTS: readonly string[] = ARECA_FILES.filter((f) => f.name.includes('rsf')).map((f) => f.text);
export const ARECA_DISK_TEXTS: readonly string[] = ARECA_FILES.filter((f) => f.name.includes('disk')).map((f) => f.text);
