// Synthetic /proc/mdstat inputs for the grammar of reference §8.3 that the
// real fixtures do not cover: flags, read-only, inactive, queued actions,
// reshape/check lines, raid10 layouts, bitmap files, garbage.

import { MDSTAT_MAX_CHARS, parseMdstat, parseMember } from '../../../hw/raid/mdstat';
import { MAX_ERRORS } from '../../../hw/raid/types';

const wrap = (body: string): string => `Personalities : [raid1] [raid5] [raid10]\n${body}\nunused devices: <none>\n`;

describe('parseMember', () => {
  it.each([
    ['sdb1[0]', { name: 'sdb1', index: 0, role: 'active', writeMostly: false, flags: [] }],
    ['sdc1[3](F)', { name: 'sdc1', index: 3, role: 'failed', writeMostly: false, flags: ['F'] }],
    ['sdd1[4](S)', { name: 'sdd1', index: 4, role: 'spare', writeMostly: false, flags: ['S'] }],
    ['sde1[1](W)', { name: 'sde1', index: 1, role: 'write-mostly', writeMostly: true, flags: ['W'] }],
    ['nvme0n1p2[5](J)', { name: 'nvme0n1p2', index: 5, role: 'journal', writeMostly: false, flags: ['J'] }],
    ['sdf1[6](R)', { name: 'sdf1', index: 6, role: 'replacement', writeMostly: false, flags: ['R'] }],
    ['sdg1[2](W)(F)', { name: 'sdg1', index: 2, role: 'failed', writeMostly: true, flags: ['W', 'F'] }],
    ['dm-15[1]', { name: 'dm-15', index: 1, role: 'active', writeMostly: false, flags: [] }],
  ])('%s', (token, expected) => {
    expect(parseMember(token)).toEqual(expected);
  });

  it.each(['raid1', 'sdb1', 'sdb1[x]', 'sdb1[1](f)', '[1]', 'sdb1[1]junk'])('rejects %s', (token) => {
    expect(parseMember(token)).toBeNull();
  });
});

describe('parseMdstat header line', () => {
  it('reads (auto-read-only), PENDING and the member order', () => {
    const r = parseMdstat(wrap('md127 : active (auto-read-only) raid1 sdb1[1] sda1[0]\n      1000 blocks super 1.2 [2/2] [UU]\n      \tresync=PENDING\n'));
    expect(r.errors).toEqual([]);
    expect(r.arrays[0]).toMatchObject({ name: 'md127', readOnly: true, autoReadOnly: true, level: 'raid1', syncQueued: { action: 'resync', state: 'PENDING' } });
    expect(r.arrays[0].members.map((m) => m.name)).toEqual(['sdb1', 'sda1']);
  });

  it('reads (read-only) as read-only but not auto', () => {
    const r = parseMdstat(wrap('md1 : active (read-only) raid1 sda2[0] sdb2[1]\n      1000 blocks [2/2] [UU]'));
    expect(r.arrays[0]).toMatchObject({ readOnly: true, autoReadOnly: false });
  });

  it('reads an inactive array with no level', () => {
    const r = parseMdstat(wrap('md5 : inactive sdm[0](S)\n      1000 blocks'));
    expect(r.errors).toEqual([]);
    expect(r.arrays[0]).toMatchObject({ name: 'md5', state: 'inactive', level: null, sizeBlocks: 1000, map: null });
    expect(r.arrays[0].members[0]).toMatchObject({ name: 'sdm', index: 0, role: 'spare' });
  });

  it('records an unknown member flag and a stray token without dropping the array', () => {
    const r = parseMdstat(wrap('md0 : active raid1 sda1[0](X) bogus sdb1[1]\n      1000 blocks [2/2] [UU]'));
    expect(r.arrays[0].members.map((m) => m.name)).toEqual(['sda1', 'sdb1']);
    expect(r.errors).toEqual(['line 2: md0: member sda1 has unknown flag(s) (X)', 'line 2: md0: unrecognised token "bogus"']);
  });
});

describe('parseMdstat detail lines', () => {
  it('reads raid10 near-copies', () => {
    const r = parseMdstat(wrap('md3 : active raid10 sdd[3] sdc[2] sdb[1] sda[0]\n      1953260544 blocks super 1.2 512K chunks 2 near-copies [4/4] [UUUU]'));
    expect(r.errors).toEqual([]);
    expect(r.arrays[0]).toMatchObject({ chunkKB: 512, raid10Layout: { near: 2, far: 1, offset: 1 }, raidDisks: 4, map: 'UUUU' });
  });

  it('reads raid10 far- and offset-copies', () => {
    const far = parseMdstat(wrap('md3 : active raid10 sdb[1] sda[0]\n      100 blocks super 1.2 512K chunks 2 far-copies [2/2] [UU]'));
    expect(far.arrays[0].raid10Layout).toEqual({ near: 1, far: 2, offset: 1 });
    const off = parseMdstat(wrap('md3 : active raid10 sdc[2] sdb[1] sda[0]\n      100 blocks super 1.2 512K chunks 3 offset-copies [3/3] [UUU]'));
    expect(off.arrays[0].raid10Layout).toEqual({ near: 1, far: 1, offset: 3 });
  });

  it('reads a reshape line with spares, and a check line', () => {
    const reshape = parseMdstat(
      wrap('md0 : active raid5 sde[4] sdd[3](S) sdc[2] sdb[1] sda[0]\n      2000 blocks super 1.2 level 5, 512k chunk, algorithm 2 [4/4] [UUUU]\n      [=>...................]  reshape =  7.5% (150/2000) finish=12.0min speed=1000K/sec'),
    );
    expect(reshape.errors).toEqual([]);
    expect(reshape.arrays[0].sync).toEqual({ action: 'reshape', percent: 7.5, doneBlocks: 150, totalBlocks: 2000, finishMinutes: 12, speedKPerSec: 1000 });
    const check = parseMdstat(wrap('md2 : active raid1 sdb3[0] sda3[2]\n      2927641919 blocks super 1.2 [2/2] [UU]\n      [===================>.]  check = 98.3% (2879283712/2927641919) finish=81.7min speed=9854K/sec'));
    expect(check.arrays[0].sync).toMatchObject({ action: 'check', percent: 98.3, finishMinutes: 81.7, speedKPerSec: 9854 });
  });

  it('reads DELAYED after a TAB and a bitmap with a file', () => {
    const r = parseMdstat(wrap('md1 : active raid1 sda2[2] sdb2[1]\n      264960 blocks [2/1] [_U]\n      \tresync=DELAYED\n      bitmap: 3/8 pages [12KB], 512B chunk, file: /var/md1.bitmap'));
    expect(r.errors).toEqual([]);
    expect(r.arrays[0].syncQueued).toEqual({ action: 'resync', state: 'DELAYED' });
    expect(r.arrays[0].bitmap).toEqual({ pagesUsed: 3, pagesTotal: 8, sizeKB: 12, chunkKB: 0.5, file: '/var/md1.bitmap' });
  });

  it('reads unused devices', () => {
    const r = parseMdstat('Personalities : [raid1]\nunused devices: sdx1 sdy1\n');
    expect(r.unusedDevices).toEqual(['sdx1', 'sdy1']);
  });

  it('flags a map that disagrees with [n/m]', () => {
    const r = parseMdstat(wrap('md0 : active raid1 sda1[0] sdb1[1]\n      1000 blocks [2/2] [U_]'));
    expect(r.errors).toEqual(['line 3: md0: map [U_] shows 1 up but [2/2] says 2']);
    const r2 = parseMdstat(wrap('md0 : active raid1 sda1[0] sdb1[1]\n      1000 blocks [3/2] [UU]'));
    expect(r2.errors).toEqual(['line 3: md0: map [UU] has 2 slots but [3/2] says 3']);
  });

  it('names leftover text in a size line', () => {
    const r = parseMdstat(wrap('md0 : active raid1 sda1[0] sdb1[1]\n      1000 blocks frobnicated [2/2] [UU]'));
    expect(r.errors).toEqual(['line 3: md0: unrecognised text "frobnicated" in size line "1000 blocks frobnicated [2/2] [UU]"']);
    expect(r.arrays[0].map).toBe('UU');
  });

  it('rejects a progress percent over 100', () => {
    const r = parseMdstat(wrap('md0 : active raid1 sda1[0] sdb1[1]\n      1000 blocks [2/2] [UU]\n      resync = 140.0% (1/2) finish=1.0min speed=1K/sec'));
    expect(r.arrays[0].sync).toBeNull();
    expect(r.errors[0]).toMatch(/^line 4: md0: progress percent out of range/);
  });
});

describe('parseMdstat garbage', () => {
  it('puts every unknown line in errors with its line number and keeps going', () => {
    const r = parseMdstat('hello\nPersonalities : [raid1] junk\n   stray indented\nmd0 : active raid1 sda1[0] sdb1[1]\n      1000 blocks [2/2] [UU]\n      what is this\n');
    expect(r.arrays.map((a) => a.name)).toEqual(['md0']);
    expect(r.personalities).toEqual(['raid1']);
    expect(r.errors).toEqual([
      'line 1: not /proc/mdstat syntax: "hello"',
      'line 2: personality "junk" is not of the form [name]',
      'line 3: indented line outside any array: "stray indented"',
      'line 6: md0: unrecognised line "what is this"',
    ]);
  });

  it('says so for empty input and for input without Personalities', () => {
    expect(parseMdstat('').errors).toEqual(['input is empty: no Personalities line']);
    expect(parseMdstat('md0 : active raid1 sda1[0]\n').errors).toEqual(['no "Personalities :" line: input may not be /proc/mdstat']);
  });

  it('copes with a non-string at run time', () => {
    expect(parseMdstat(undefined as unknown as string).errors).toEqual(['input is empty: no Personalities line']);
  });

  it('bounds the error list and the input size', () => {
    const many = parseMdstat(Array.from({ length: 500 }, (_, i) => `junk ${i}`).join('\n'));
    expect(many.errors).toHaveLength(MAX_ERRORS + 1);
    expect(many.errors[MAX_ERRORS]).toBe(`${500 + 1 - MAX_ERRORS} more errors not listed`);
    const huge = parseMdstat(`Personalities : [raid1]\n${'x'.repeat(MDSTAT_MAX_CHARS)}`);
    expect(huge.errors[0]).toBe(`input is ${MDSTAT_MAX_CHARS + 24} characters; only the first ${MDSTAT_MAX_CHARS} were parsed`);
  });

  it('quotes control characters visibly and cuts long lines', () => {
    const r = parseMdstat(`Personalities : [raid1]\n\u0001bad${'y'.repeat(200)}`);
    expect(r.errors[0]).toBe(`line 2: not /proc/mdstat syntax: "\\u0001bad${'y'.repeat(76)}…"`);
  });
});
