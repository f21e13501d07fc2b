// Areca host CLI tables (hw/raid/arecaCli*.ts: `cli64 rsf info`, `cli64 disk
// info`), fed the real cli64 fixtures with edited cells, prototype names as
// state words, extreme capacities, repeated rows and flipped bytes.

import fc from 'fast-check';
import {
  ARECA_CLI_MAX_ROWS,
  classifyArecaRsfInfo,
  parseArecaDiskInfo,
  parseArecaRsfInfo,
  parseCapacityGB,
} from '../../../hw/raid/arecaCli';
import { classifyArecaRaidSet } from '../../../hw/raid/arecaCliClassify';
import { MAX_ERRORS, RAID_STATES } from '../../../hw/raid/types';
import { fuzzParams } from './arbitraries/params';
import { ARECA_DISK_TEXTS, ARECA_RSF_TEXTS } from './arbitraries/seeds';
import { HOSTILE_WORDS, hostileText } from './arbitraries/text';
import { check, expectBoundedErrors } from './expectTyped';

const CLI_WORDS = ['Normal', 'Rebuilding', 'Degraded', 'Failed', 'Incomplete', 'HotSpare[Global]', 'N.A.', 'Free', 'GuiErrMsg<0x00>:', 'GuiErrMsg<0x41>:', '=====', '1.5TB', '0.1KB'];
const rsfText = hostileText(ARECA_RSF_TEXTS, CLI_WORDS);
const diskText = hostileText(ARECA_DISK_TEXTS, CLI_WORDS);
const DISK_USES = ['member', 'hot-spare', 'pass-through', 'free', 'failed', 'empty', 'rebuilding'];

const finiteOrNull = (v: number | null) => v === null || Number.isFinite(v);

describe('cli64 table parsers on hostile output', () => {
  it('rsf info: typed rows, bounded errors, and every raid set classified into a known state', () => {
    fc.assert(
      fc.property(rsfText, diskText, (rsf, disk) => {
        const parsed = parseArecaRsfInfo(rsf);
        const disks = parseArecaDiskInfo(disk).disks;
        expectBoundedErrors(parsed.errors, MAX_ERRORS + 1);
        check(parsed.raidSets.length <= ARECA_CLI_MAX_ROWS, () => `${parsed.raidSets.length} rows`);
        for (const s of parsed.raidSets) {
          check([s.index, s.disks, s.totalCapGB, s.freeCapGB].every(Number.isFinite) && finiteOrNull(s.minDiskCapGB), () => `numbers of ${JSON.stringify(s)}`);
          check(finiteOrNull(s.progressPercent), () => `progress ${s.progressPercent}`);
        }
        for (const c of classifyArecaRsfInfo(parsed, disks)) {
          check(RAID_STATES.includes(c.state), () => `state ${String(c.state)} for raid set ${JSON.stringify(c.name)}`);
          check(c.reason.startsWith(`Areca raid set "${c.name}"`), () => `reason ${JSON.stringify(c.reason)}`);
        }
      }),
      fuzzParams(1500),
    );
  });

  it('disk info: typed rows, bounded errors, a known use for every disk', () => {
    fc.assert(
      fc.property(diskText, (text) => {
        const parsed = parseArecaDiskInfo(text);
        expectBoundedErrors(parsed.errors, MAX_ERRORS + 1);
        check(parsed.disks.length <= ARECA_CLI_MAX_ROWS, () => `${parsed.disks.length} rows`);
        check(parsed.layout === null || parsed.layout === 'channel' || parsed.layout === 'enclosure', () => `layout ${parsed.layout}`);
        for (const d of parsed.disks) {
          check(DISK_USES.includes(d.use), () => `use ${d.use}`);
          check(Number.isFinite(d.capacityGB) && Number.isFinite(d.index), () => `numbers of ${JSON.stringify(d)}`);
          check((d.raidSetName !== null) === (d.use === 'member'), () => `raidSetName ${d.raidSetName} with use ${d.use}`);
        }
      }),
      fuzzParams(1500),
    );
  });

  it('a well-formed row with any state word is classified into a known state', () => {
    // Structure-aware: the state column is one token of many, so random edits seldom reach it.
    const state = fc.oneof(fc.constantFrom(...HOSTILE_WORDS, ...CLI_WORDS), fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }));
    const progress = fc.option(fc.stringMatching(/^\(\d{1,3}(\.\d{1,3})?%\)$/), { nil: '' });
    fc.assert(
      fc.property(state, progress, (word, pct) => {
        const rsf = ARECA_RSF_TEXTS[0]!.replace(/Normal/, `${word}${pct}`);
        for (const set of parseArecaRsfInfo(rsf).raidSets) {
          const c = classifyArecaRaidSet(set);
          check(RAID_STATES.includes(c.state), () => `state ${String(c.state)} for state word ${JSON.stringify(set.state)}`);
        }
      }),
      fuzzParams(1000),
    );
  });

  it('parseCapacityGB gives a finite number or null for any cell', () => {
    const cell = fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.tuple(fc.stringMatching(/^\d{1,14}(\.\d{1,8})?$/), fc.constantFrom('KB', 'MB', 'GB', 'TB', 'PB', 'EB', 'gb')).map(([n, u]) => n + u));
    fc.assert(
      fc.property(cell, (text) => {
        const gb = parseCapacityGB(text);
        check(gb === null || (Number.isFinite(gb) && gb >= 0), () => `${text} → ${gb}`);
      }),
      fuzzParams(2000),
    );
  });

  it('regression: a state word that names an Object.prototype member is an unrecognised state, not undefined (hw/raid/arecaCliClassify.ts)', () => {
    for (const word of HOSTILE_WORDS.filter((w) => /^[A-Za-z_]+$/.test(w))) {
      const rsf = ARECA_RSF_TEXTS[0]!.replace(/Normal/, word);
      const [set] = parseArecaRsfInfo(rsf).raidSets;
      if (!set) throw new Error(`row with state ${word} did not parse`);
      expect(classifyArecaRaidSet(set)).toEqual({ state: 'failed', reason: expect.stringContaining('unrecognised state treated as failed') });
    }
  });
});
