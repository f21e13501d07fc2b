// Every real-world fixture (test/hw/raid/fixtures, copied from
// /work/shared/fixtures) parsed and classified, with the truth read off the
// file by hand. A fixture file without an entry here fails the suite.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  classifyArecaRaidSet,
  classifyArecaRsfInfo,
  parseArecaDiskInfo,
  parseArecaRsfInfo,
  type ArecaCliDiskInfo,
  type ArecaCliRsfInfo,
} from '../../../hw/raid/arecaCli';
import { classifyArray, parseMdstat, type MdArray, type MdstatResult } from '../../../hw/raid/mdstat';

const FIXTURES = join(__dirname, 'fixtures');
const SHARED = '/work/shared/fixtures';

function fixture(dir: string, name: string): string {
  return readFileSync(join(FIXTURES, dir, name), 'utf8');
}

function arrayNamed(r: MdstatResult, name: string): MdArray {
  const a = r.arrays.find((x) => x.name === name);
  if (!a) throw new Error(`no array ${name}; have ${r.arrays.map((x) => x.name).join(', ')}`);
  return a;
}

const memberSummary = (a: MdArray): string[] => a.members.map((m) => `${m.name}[${m.index}]:${m.role}`);

type MdstatCheck = (r: MdstatResult) => void;

const MDSTAT_EXPECTED: Record<string, MdstatCheck> = {
  'mdstat-centos6.2': (r) => {
    expect(r.errors).toEqual([]);
    expect(r.personalities).toEqual(['raid1', 'raid0']);
    expect(r.arrays.map((a) => a.name)).toEqual(['md4', 'md3', 'md0', 'md1', 'md2']);
    expect(r.unusedDevices).toEqual([]);
    const md4 = arrayNamed(r, 'md4');
    expect(memberSummary(md4)).toEqual(['sda6[0]:active', 'sdb6[1]:active']);
    expect(md4).toMatchObject({ level: 'raid1', sizeBlocks: 238456700, superVersion: '1.1', raidDisks: 2, activeDisks: 2, map: 'UU' });
    expect(md4.bitmap).toEqual({ pagesUsed: 0, pagesTotal: 2, sizeKB: 0, chunkKB: 65536, file: null });
    expect(arrayNamed(r, 'md3').bitmap).toMatchObject({ pagesUsed: 2, pagesTotal: 4, sizeKB: 8 });
    expect(arrayNamed(r, 'md0')).toMatchObject({ superVersion: '1.0', sizeBlocks: 102388, bitmap: null });
    const md1 = arrayNamed(r, 'md1');
    expect(md1).toMatchObject({ level: 'raid0', sizeBlocks: 8386560, chunkKB: 512, map: null, raidDisks: null });
    expect(memberSummary(md1)).toEqual(['sdb2[1]:active', 'sda2[0]:active']);
    expect(arrayNamed(r, 'md2').bitmap).toMatchObject({ pagesUsed: 1, pagesTotal: 2, sizeKB: 4 });
    for (const a of r.arrays) expect(classifyArray(a).state).toBe('ok');
    expect(classifyArray(md1).reason).toBe('md1 raid0 ok: 2 members, no redundancy');
    expect(classifyArray(md4).reason).toBe('md4 raid1 ok: 2 of 2 members up ([UU])');
  },
  'mdstat-failed': (r) => {
    expect(r.errors).toEqual([]);
    expect(r.personalities).toEqual(['raid6', 'raid5', 'raid4']);
    expect(r.arrays).toHaveLength(1);
    const md0 = r.arrays[0];
    expect(memberSummary(md0)).toEqual(['sdc1[3]:failed', 'sdb1[0]:active', 'sdd1[2]:active']);
    expect(md0).toMatchObject({
      name: 'md0',
      level: 'raid5',
      sizeBlocks: 8385664,
      superVersion: null,
      chunkKB: 64,
      algorithm: 2,
      raidDisks: 3,
      activeDisks: 2,
      map: 'U_U',
      sync: null,
    });
    expect(r.unusedDevices).toEqual([]);
    expect(classifyArray(md0)).toEqual({ state: 'degraded', reason: 'md0 raid5 degraded: 1 of 3 members missing ([U_U]); sdc1 failed' });
  },
  'mdstat-none': (r) => {
    expect(r).toEqual({ personalities: [], arrays: [], unusedDevices: [], errors: [] });
  },
  'mdstat-raid0': (r) => {
    expect(r.errors).toEqual([]);
    expect(r.personalities).toEqual(['linear', 'multipath', 'raid0', 'raid1', 'raid6', 'raid5', 'raid4', 'raid10']);
    expect(r.arrays).toHaveLength(1);
    const md2 = r.arrays[0];
    expect(memberSummary(md2)).toEqual(['dm-15[1]:active', 'dm-14[0]:active']);
    expect(md2).toMatchObject({ name: 'md2', level: 'raid0', sizeBlocks: 20969472, superVersion: '1.2', chunkKB: 512, map: null });
    expect(classifyArray(md2).state).toBe('ok');
  },
  'mdstat-resync': (r) => {
    expect(r.errors).toEqual([]);
    expect(r.arrays.map((a) => a.name)).toEqual(['md0', 'md2', 'md1']);
    expect(arrayNamed(r, 'md0').sync).toBeNull();
    expect(classifyArray(arrayNamed(r, 'md0')).state).toBe('ok');
    const md2 = arrayNamed(r, 'md2');
    expect(md2.sync).toEqual({ action: 'resync', percent: 11.2, doneBlocks: 82505280, totalBlocks: 732571904, finishMinutes: 197.2, speedKPerSec: 54928 });
    expect(md2.map).toBe('UU');
    const c2 = classifyArray(md2);
    expect(c2.state).toBe('rebuilding');
    expect(c2.reason).toContain('resync 11.2% done');
    expect(c2.reason).toContain('about 197.2 min left');
    const md1 = arrayNamed(r, 'md1');
    expect(md1.sync).toEqual({ action: 'resync', percent: 9.9, doneBlocks: 73239936, totalBlocks: 732515712, finishMinutes: 211.5, speedKPerSec: 51946 });
    expect(classifyArray(md1).state).toBe('rebuilding');
  },
  pr28_0: (r) => {
    expect(r.errors).toEqual(['line 1: not /proc/mdstat syntax: "# cat /proc/mdstat"']);
    expect(r.arrays.map((a) => a.name)).toEqual(['md1', 'md0']);
    expect(classifyArray(arrayNamed(r, 'md1')).state).toBe('ok');
    const md0 = arrayNamed(r, 'md0');
    expect(memberSummary(md0)).toEqual(['sda1[2]:active', 'sdb1[1]:active']);
    expect(md0).toMatchObject({ sizeBlocks: 208704, raidDisks: 2, activeDisks: 1, map: '_U' });
    expect(md0.sync).toEqual({ action: 'recovery', percent: 0.4, doneBlocks: 1024, totalBlocks: 208704, finishMinutes: 276.9, speedKPerSec: 12 });
    expect(classifyArray(md0)).toEqual({
      state: 'rebuilding',
      reason: 'md0 raid1 rebuilding: 1 of 2 members missing ([_U]); recovery 0.4% done (1024/208704 blocks), about 276.9 min left at 12K/sec',
    });
  },
};

const rsf = (name: string): ArecaCliRsfInfo => parseArecaRsfInfo(fixture('areca', name));
const disks = (name: string): ArecaCliDiskInfo => parseArecaDiskInfo(fixture('areca', name));

const ARECA_EXPECTED: Record<string, () => void> = {
  'cli64.rsf.info-1': () => {
    const r = rsf('cli64.rsf.info-1');
    expect(r.errors).toEqual([]);
    expect(r.status).toEqual({ code: 0, message: 'Success.' });
    expect(r.raidSets).toEqual([
      { index: 1, name: 'Raid Set # 000', disks: 23, totalCapGB: 34500, freeCapGB: 0, diskChannels: null, minDiskCapGB: 1500, state: 'Normal', progressPercent: null, line: 3 },
    ]);
    const c = classifyArecaRaidSet(r.raidSets[0], disks('cli64.disk.info-1').disks);
    expect(c.state).toBe('ok');
    expect(c.reason).toBe('Areca raid set "Raid Set # 000" ok: state Normal; 23 disks, 34500GB');
  },
  'cli64.rsf.info-16': () => {
    const r = rsf('cli64.rsf.info-16');
    expect(r.errors).toEqual(['line 1: not part of the rsf info table: "# /opt/areca/cli64 rsf info"']);
    expect(r.raidSets).toHaveLength(1);
    expect(r.raidSets[0]).toMatchObject({ index: 1, name: 'data', disks: 15, totalCapGB: 11250, freeCapGB: 0, diskChannels: '123456789ABCDEF', minDiskCapGB: null, state: 'Rebuilding' });
    const [c] = classifyArecaRsfInfo(r, disks('cli64.disk.info-16').disks);
    expect(c.state).toBe('rebuilding');
    expect(c.reason).toBe(
      'Areca raid set "data" rebuilding: state Rebuilding; 15 disks, 11250GB; failed disks on the controller: #16 (ch 16, WDC WD7502ABYS-05A6B0)',
    );
  },
  'cli64.disk.info-1': () => {
    const r = disks('cli64.disk.info-1');
    expect(r.errors).toEqual([]);
    expect(r.layout).toBe('enclosure');
    expect(r.status).toEqual({ code: 0, message: 'Success.' });
    expect(r.disks).toHaveLength(36);
    expect(r.disks.map((d) => d.index)).toEqual(Array.from({ length: 36 }, (_, i) => i + 1));
    const empty = r.disks.filter((d) => d.use === 'empty').map((d) => d.index);
    expect(empty).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 33, 34, 35, 36]);
    expect(r.disks[0]).toMatchObject({ enclosure: 1, slot: 1, model: null, capacityGB: 0, channel: null });
    const members = r.disks.filter((d) => d.use === 'member');
    expect(members).toHaveLength(23);
    expect(new Set(members.map((d) => d.raidSetName))).toEqual(new Set(['Raid Set # 000']));
    const spare = r.disks.filter((d) => d.use === 'hot-spare');
    expect(spare.map((d) => [d.index, d.enclosure, d.slot, d.model, d.capacityGB])).toEqual([[30, 2, 22, 'ST31500341AS', 1500.3]]);
    expect(r.disks[8]).toMatchObject({ index: 9, enclosure: 2, slot: 1, model: 'ST31500341AS', usage: 'Raid Set # 000' });
  },
  'cli64.disk.info-16': () => {
    const r = disks('cli64.disk.info-16');
    expect(r.errors).toEqual(['line 1: not part of the disk info table: "# /opt/areca/cli64 disk info"']);
    expect(r.layout).toBe('channel');
    expect(r.disks).toHaveLength(16);
    expect(r.disks.slice(0, 15).every((d) => d.use === 'member' && d.raidSetName === 'data')).toBe(true);
    expect(r.disks.map((d) => d.channel)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(r.disks[3]).toMatchObject({ model: 'WDC WD7502ABYS-02A6B0', capacityGB: 750.2 });
    expect(r.disks[15]).toMatchObject({ index: 16, channel: 16, model: 'WDC WD7502ABYS-05A6B0', capacityGB: 750.2, usage: 'Failed', use: 'failed', raidSetName: null });
  },
};

describe('every mdstat fixture', () => {
  it('has an expectation for each file, and no expectation without a file', () => {
    expect(readdirSync(join(FIXTURES, 'mdstat')).sort()).toEqual(Object.keys(MDSTAT_EXPECTED).sort());
  });
  for (const [name, check] of Object.entries(MDSTAT_EXPECTED)) {
    it(`parses and classifies ${name}`, () => check(parseMdstat(fixture('mdstat', name))));
  }
});

describe('every areca fixture', () => {
  it('has an expectation for each file, and no expectation without a file', () => {
    expect(readdirSync(join(FIXTURES, 'areca')).sort()).toEqual(Object.keys(ARECA_EXPECTED).sort());
  });
  for (const [name, check] of Object.entries(ARECA_EXPECTED)) {
    it(`parses and classifies ${name}`, check);
  }
});

// The copies must stay identical to the shared fixtures, so "every shared fixture" holds too.
const describeShared = existsSync(SHARED) ? describe : describe.skip;
describeShared('copies of /work/shared/fixtures', () => {
  for (const dir of ['mdstat', 'areca']) {
    it(`${dir}/ holds the same files, byte for byte`, () => {
      const shared = readdirSync(join(SHARED, dir)).sort();
      expect(readdirSync(join(FIXTURES, dir)).sort()).toEqual(shared);
      for (const f of shared) expect(readFileSync(join(FIXTURES, dir, f)).equals(readFileSync(join(SHARED, dir, f)))).toBe(true);
    });
  }
});
