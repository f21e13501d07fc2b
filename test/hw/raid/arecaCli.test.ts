// Synthetic cli64 tables (the reference §8.2 samples and variants), one case
// per raid-set state rule, garbage handling, and fast-check robustness.

import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  classifyArecaRaidSet,
  diskUse,
  parseArecaDiskInfo,
  parseArecaRsfInfo,
  parseCapacityGB,
  type ArecaCliRaidSet,
} from '../../../hw/raid/arecaCli';

const RULE = '===============================================================================';
const OK = 'GuiErrMsg<0x00>: Success.';
const RSF_HEAD = ' #  Name             Disks TotalCap  FreeCap DiskChannels       State';
const rsfTable = (...rows: string[]): string => [RSF_HEAD, RULE, ...rows, RULE, OK].join('\n');

function set(state: string, extra: Partial<ArecaCliRaidSet> = {}): ArecaCliRaidSet {
  return { index: 1, name: 'data', disks: 4, totalCapGB: 3000, freeCapGB: 0, diskChannels: '1234', minDiskCapGB: null, state, progressPercent: null, line: 3, ...extra };
}

describe('parseArecaRsfInfo', () => {
  it('reads the reference sample, with the CLI> prompt reported', () => {
    const r = parseArecaRsfInfo(`CLI> rsf info\n${rsfTable(' 1  data                15 11250.0GB    0.0GB 123456789ABCDEF    Rebuilding')}`);
    expect(r.errors).toEqual(['line 1: not part of the rsf info table: "CLI> rsf info"']);
    expect(r.raidSets[0]).toMatchObject({ name: 'data', disks: 15, totalCapGB: 11250, diskChannels: '123456789ABCDEF', state: 'Rebuilding', line: 4 });
  });

  it('reads several sets, TB capacities, a two-word state and a (NN%) suffix', () => {
    const r = parseArecaRsfInfo(
      rsfTable(' 1  Raid Set # 000      4  8.0TB    1.5TB 1234               Checking(12.5%)', ' 2  backup 2         2  500.0GB  0.0GB 56                 Need Activate'),
    );
    expect(r.errors).toEqual([]);
    expect(r.raidSets.map((s) => [s.index, s.name, s.disks, s.totalCapGB, s.freeCapGB, s.state, s.progressPercent])).toEqual([
      [1, 'Raid Set # 000', 4, 8000, 1500, 'Checking', 12.5],
      [2, 'backup 2', 2, 500, 0, 'Need Activate', null],
    ]);
  });

  it('reports a bad row, an error status and a missing closing rule', () => {
    const r = parseArecaRsfInfo([RSF_HEAD, RULE, ' 1 what is this', 'GuiErrMsg<0x04>: Password Required.'].join('\n'));
    expect(r.raidSets).toEqual([]);
    expect(r.status).toEqual({ code: 4, message: 'Password Required.' });
    expect(r.errors).toEqual([
      'line 3: not an rsf info row: " 1 what is this"',
      'line 4: cli64 reported an error: "GuiErrMsg<0x04>: Password Required."',
      'rsf info table is not closed by a ==== rule (output cut short?)',
    ]);
  });

  it('reports output without a table or status line', () => {
    expect(parseArecaRsfInfo('').errors).toEqual(['no rsf info table header found', 'no GuiErrMsg<0x..> status line (output cut short?)']);
  });

  it('rejects a MinDiskCap cell that is not a capacity', () => {
    const head = ' #  Name             Disks TotalCap  FreeCap MinDiskCap         State';
    const r = parseArecaRsfInfo([head, RULE, ' 1  a  2 1.0GB 0.0GB 12345 Normal', RULE, OK].join('\n'));
    expect(r.errors).toEqual(['line 3: MinDiskCap "12345" is not a capacity']);
  });
});

describe('parseArecaDiskInfo', () => {
  it('reads the reference enclosure sample (Slot 01, Pass Through, empty N.A.)', () => {
    const r = parseArecaDiskInfo(
      [
        '  # Enc# Slot#   ModelName                        Capacity  Usage',
        RULE,
        '  9  02  Slot 01 TOSHIBA MK2001TRKB               2000.4GB  Raid Set # 000',
        ' 21  02  Slot 13 ST3750640NS                       750.2GB  Pass Through',
        ' 22  02  Slot 14 N.A.                                0.0GB  N.A.',
        ' 23  02  Slot 15 ST3750640NS                       750.2GB  HotSpare[Global]',
        ' 24  02  Slot 16 ST3750640NS                       750.2GB  Free',
        RULE,
        OK,
      ].join('\n'),
    );
    expect(r.errors).toEqual([]);
    expect(r.layout).toBe('enclosure');
    expect(r.disks.map((d) => [d.index, d.enclosure, d.slot, d.model, d.capacityGB, d.use, d.raidSetName])).toEqual([
      [9, 2, 1, 'TOSHIBA MK2001TRKB', 2000.4, 'member', 'Raid Set # 000'],
      [21, 2, 13, 'ST3750640NS', 750.2, 'pass-through', null],
      [22, 2, 14, null, 0, 'empty', null],
      [23, 2, 15, 'ST3750640NS', 750.2, 'hot-spare', null],
      [24, 2, 16, 'ST3750640NS', 750.2, 'free', null],
    ]);
  });

  it('reports a row that does not fit the layout', () => {
    const r = parseArecaDiskInfo(['  # Ch# ModelName                       Capacity  Usage', RULE, '  1  x  WDC 750.2GB data', RULE, OK].join('\n'));
    expect(r.errors).toEqual(['line 3: not a disk info row (# Ch# ModelName Capacity Usage): "  1  x  WDC 750.2GB data"']);
  });

  it.each([
    ['N.A.', 'N.A.', 'empty'],
    ['Failed', 'X', 'failed'],
    ['HotSpare', 'X', 'hot-spare'],
    ['Hot Spare', 'X', 'hot-spare'],
    ['Pass Through', 'X', 'pass-through'],
    ['Free', 'X', 'free'],
    ['Rebuilding', 'X', 'rebuilding'],
    ['Raid Set # 001', 'X', 'member'],
  ])('usage %s → %s', (usage, model, use) => {
    expect(diskUse(usage, model)).toBe(use);
  });
});

describe('parseCapacityGB', () => {
  it.each([
    ['750.2GB', 750.2],
    ['1.5TB', 1500],
    ['512MB', 0.512],
    ['0.0GB', 0],
    ['12', null],
    ['GB', null],
    ['1.5 GB', null],
  ])('%s → %s', (text, gb) => {
    expect(parseCapacityGB(text)).toBe(gb);
  });
});

describe('classifyArecaRaidSet', () => {
  it.each([
    ['Normal', 'ok'],
    ['Checking', 'ok'],
    ['Migrating', 'ok'],
    ['Rebuilding', 'rebuilding'],
    ['Initializing', 'rebuilding'],
    ['Degraded', 'degraded'],
    ['Failed', 'failed'],
    ['Offline', 'failed'],
    ['Incomplete', 'failed'],
    ['Need Activate', 'failed'],
  ])('state %s → %s', (state, expected) => {
    expect(classifyArecaRaidSet(set(state)).state).toBe(expected);
  });

  it('explains an unknown state, initialising, and progress', () => {
    expect(classifyArecaRaidSet(set('Weird')).reason).toBe(
      'Areca raid set "data" failed: state Weird; 4 disks, 3000GB; unrecognised state treated as failed (check_raid treats unknown states as critical)',
    );
    expect(classifyArecaRaidSet(set('Initializing', { progressPercent: 40 })).reason).toBe(
      'Areca raid set "data" rebuilding: state Initializing (40%); 4 disks, 3000GB; initialising: redundancy not yet established',
    );
  });

  it('compares member counts with disk info and names failed and rebuilding disks', () => {
    const disks = parseArecaDiskInfo(
      ['  # Ch# ModelName                       Capacity  Usage', RULE, '  1  1  A 750.2GB  data', '  2  2  B 750.2GB  data', '  3  3  C 750.2GB  Failed', '  4  4  D 750.2GB  Rebuilding', RULE, OK].join('\n'),
    ).disks;
    expect(classifyArecaRaidSet(set('Degraded'), disks)).toEqual({
      state: 'degraded',
      reason:
        'Areca raid set "data" degraded: state Degraded; 4 disks, 3000GB; disk info lists 2 members, rsf info says 4; failed disks on the controller: #3 (ch 3, C); rebuilding disks: #4 (ch 4, D)',
    });
  });
});

const FIXTURE_LINES = readdirSync(join(__dirname, 'fixtures', 'areca')).flatMap((f) =>
  readFileSync(join(__dirname, 'fixtures', 'areca', f), 'utf8').split('\n'),
);

describe('the cli64 parsers never throw', () => {
  it('on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        for (const r of [parseArecaRsfInfo(text), parseArecaDiskInfo(text)]) expect(r.errors.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('on shuffled and mutated real cli64 lines, and classification of whatever parses', () => {
    const mutated = fc
      .tuple(fc.constantFrom(...FIXTURE_LINES), fc.nat(90), fc.string({ maxLength: 5 }))
      .map(([line, at, insert]) => line.slice(0, at) + insert + line.slice(at + 1));
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...FIXTURE_LINES), mutated), { maxLength: 40 }), (lines) => {
        const text = lines.join('\n');
        const disks = parseArecaDiskInfo(text);
        for (const s of parseArecaRsfInfo(text).raidSets) {
          expect(classifyArecaRaidSet(s, disks.disks).reason.startsWith(`Areca raid set "${s.name}" `)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
