// One synthetic case (at least) per classification rule of classifyArray.

import { classifyArray, parseMdstat, type MdArray } from '../../../hw/raid/mdstat';
import { raid10LostCopySet } from '../../../hw/raid/mdstatClassify';

/** Parse one array from its mdstat lines (header first). */
function md(...lines: string[]): MdArray {
  const r = parseMdstat(`Personalities : [raid0] [raid1] [raid5] [raid6] [raid10] [linear]\n${lines.join('\n')}\nunused devices: <none>\n`);
  expect(r.errors).toEqual([]);
  expect(r.arrays).toHaveLength(1);
  return r.arrays[0];
}

const PROGRESS = (action: string, pct: string): string => `      [=>...................]  ${action} = ${pct}% (100/1000) finish=5.5min speed=2000K/sec`;

describe('rule 1: inactive', () => {
  it('is failed and names the members', () => {
    expect(classifyArray(md('md5 : inactive sdm[0](S) sdn[1](S)', '      2000 blocks super 1.2'))).toEqual({
      state: 'failed',
      reason: 'md5 failed: array is inactive (not running); members: sdm (spare), sdn (spare)',
    });
  });
});

describe('rule 2: no redundancy', () => {
  it('raid0 with a failed member is failed', () => {
    expect(classifyArray(md('md1 : active raid0 sdb2[1](F) sda2[0]', '      8386560 blocks super 1.1 512k chunks'))).toEqual({
      state: 'failed',
      reason: 'md1 raid0 failed: raid0 has no redundancy and sdb2 failed',
    });
  });
  it('linear with a failed member is failed', () => {
    expect(classifyArray(md('md9 : active linear sdb1[1](F) sda1[0]', '      100 blocks super 1.2 64k rounding')).state).toBe('failed');
  });
  it('complete raid0 is ok', () => {
    expect(classifyArray(md('md1 : active raid0 sdb2[1] sda2[0]', '      8386560 blocks super 1.1 512k chunks')).state).toBe('ok');
  });
});

describe('rule 3: lost more than the level tolerates', () => {
  it('raid5 missing 2 of 3 is failed', () => {
    expect(classifyArray(md('md0 : active raid5 sdc1[3](F) sdb1[0] sdd1[2](F)', '      100 blocks level 5, 64k chunk, algorithm 2 [3/1] [U__]'))).toEqual({
      state: 'failed',
      reason: 'md0 raid5 failed: 2 of 3 members missing ([U__]); raid5 survives at most 1',
    });
  });
  it('raid6 survives 2 missing but not 3', () => {
    expect(classifyArray(md('md6 : active raid6 sda[0] sdb[1]', '      100 blocks super 1.2 level 6, 512k chunk, algorithm 2 [4/2] [UU__]')).state).toBe('degraded');
    expect(classifyArray(md('md6 : active raid6 sda[0]', '      100 blocks super 1.2 level 6, 512k chunk, algorithm 2 [4/1] [U___]')).state).toBe('failed');
  });
  it('raid1 survives while one member is up', () => {
    expect(classifyArray(md('md0 : active raid1 sda1[0]', '      100 blocks [3/1] [U__]')).state).toBe('degraded');
    expect(classifyArray(md('md0 : active raid1 sda1[0](F) sdb1[1](F)', '      100 blocks [2/0] [__]'))).toEqual({
      state: 'failed',
      reason: 'md0 raid1 failed: 2 of 2 members missing ([__]); no member is up',
    });
  });
  it('raid10 near-2 fails only when both halves of a mirror pair are gone', () => {
    const head = 'md3 : active raid10 sdd[3] sdc[2] sdb[1] sda[0]';
    expect(classifyArray(md(head, '      100 blocks super 1.2 512K chunks 2 near-copies [4/2] [U__U]')).state).toBe('degraded');
    expect(classifyArray(md(head, '      100 blocks super 1.2 512K chunks 2 near-copies [4/2] [__UU]'))).toEqual({
      state: 'failed',
      reason: 'md3 raid10 failed: 2 of 4 members missing ([__UU]); every copy of some data is gone (slots 0, 1 all missing)',
    });
  });
  it('raid10 far-2 pairs neighbouring slots', () => {
    const head = 'md3 : active raid10 sdd[3] sdc[2] sdb[1] sda[0]';
    expect(classifyArray(md(head, '      100 blocks super 1.2 512K chunks 2 far-copies [4/2] [U_U_]')).state).toBe('degraded');
    expect(classifyArray(md(head, '      100 blocks super 1.2 512K chunks 2 far-copies [4/2] [UU__]')).state).toBe('failed');
  });
});

describe('raid10LostCopySet', () => {
  it.each([
    ['UUUU', { near: 2, far: 1, offset: 1 }, null],
    ['_U_U', { near: 2, far: 1, offset: 1 }, null],
    ['__UU', { near: 2, far: 1, offset: 1 }, [0, 1]],
    ['U__U', { near: 2, far: 1, offset: 1 }, null],
    // 3 disks, 2 near copies: chunk copies sit on {0,1}, {2,0}, {1,2}.
    ['_U_', { near: 2, far: 1, offset: 1 }, [0, 2]],
    ['U_U', { near: 2, far: 1, offset: 1 }, null],
    ['U__', { near: 2, far: 1, offset: 1 }, [1, 2]],
    ['_UU_', { near: 1, far: 2, offset: 1 }, [0, 3]],
    ['U_U_', { near: 1, far: 1, offset: 2 }, null],
    ['U__U', { near: 1, far: 1, offset: 2 }, [1, 2]],
    ['U__UUU', { near: 3, far: 1, offset: 1 }, null],
    ['___UUU', { near: 3, far: 1, offset: 1 }, [0, 1, 2]],
  ])('%s with %o → %o', (map, layout, expected) => {
    expect(raid10LostCopySet(map, layout)).toEqual(expected);
  });
});

describe('rule 4: members missing', () => {
  it('recovery is rebuilding, with percent and estimate', () => {
    expect(classifyArray(md('md0 : active raid1 sda1[2] sdb1[1]', '      208704 blocks [2/1] [_U]', PROGRESS('recovery', '3.6')))).toEqual({
      state: 'rebuilding',
      reason: 'md0 raid1 rebuilding: 1 of 2 members missing ([_U]); recovery 3.6% done (100/1000 blocks), about 5.5 min left at 2000K/sec',
    });
  });
  it('resync is rebuilding', () => {
    expect(classifyArray(md('md0 : active raid5 sda[0] sdb[1] sdc[3]', '      100 blocks level 5, 64k chunk, algorithm 2 [3/2] [UU_]', PROGRESS('resync', '50.0'))).state).toBe(
      'rebuilding',
    );
  });
  it('a queued recovery is degraded and says it is queued', () => {
    expect(classifyArray(md('md1 : active raid1 sda2[2] sdb2[1]', '      264960 blocks [2/1] [_U]', '      \tresync=DELAYED'))).toEqual({
      state: 'degraded',
      reason: 'md1 raid1 degraded: 1 of 2 members missing ([_U]); resync queued (DELAYED)',
    });
  });
  it('a reshape does not restore the member: degraded', () => {
    const c = classifyArray(md('md0 : active raid5 sda[0] sdb[1] sdc[2]', '      100 blocks level 5, 64k chunk, algorithm 2 [3/2] [UU_]', PROGRESS('reshape', '10.0')));
    expect(c.state).toBe('degraded');
    expect(c.reason).toContain('reshape 10% done (100/1000 blocks), about 5.5 min left at 2000K/sec (does not restore the missing member)');
  });
  it('names available spares and failed members', () => {
    expect(classifyArray(md('md0 : active raid5 sdc1[3](F) sdb1[0] sdd1[2] sde1[4](S)', '      100 blocks level 5, 64k chunk, algorithm 2 [3/2] [U_U]'))).toEqual({
      state: 'degraded',
      reason: 'md0 raid5 degraded: 1 of 3 members missing ([U_U]); sdc1 failed; spare sde1 available',
    });
  });
});

describe('rule 5: complete array', () => {
  const head = 'md2 : active raid1 sdb3[0] sda3[2]';
  const size = '      2927641919 blocks super 1.2 [2/2] [UU]';
  it('check and repair are ok, with progress in the reason', () => {
    expect(classifyArray(md(head, size, PROGRESS('check', '98.3')))).toEqual({
      state: 'ok',
      reason: 'md2 raid1 ok: 2 of 2 members up ([UU]); check 98.3% done (100/1000 blocks), about 5.5 min left at 2000K/sec',
    });
    expect(classifyArray(md(head, size, PROGRESS('repair', '1.0'))).state).toBe('ok');
  });
  it('reshape and recovery onto a replacement are ok', () => {
    expect(classifyArray(md(head, size, PROGRESS('reshape', '1.0'))).state).toBe('ok');
    expect(classifyArray(md('md2 : active raid1 sdb3[0] sda3[2] sdc3[3](R)', size, PROGRESS('recovery', '1.0'))).state).toBe('ok');
  });
  it('a running resync is rebuilding', () => {
    expect(classifyArray(md(head, size, PROGRESS('resync', '11.2'))).state).toBe('rebuilding');
  });
  it('a queued resync is degraded, a queued check is ok', () => {
    const pending = classifyArray(md('md127 : active (auto-read-only) raid1 sdb1[1] sda1[0]', size, '      \tresync=PENDING'));
    expect(pending).toEqual({
      state: 'degraded',
      reason: 'md127 raid1 degraded: 2 of 2 members up ([UU]); resync queued (PENDING); copies are not known to agree until it runs; (auto-read-only)',
    });
    expect(classifyArray(md(head, size, '      \tcheck=DELAYED'))).toEqual({ state: 'ok', reason: 'md2 raid1 ok: 2 of 2 members up ([UU]); check queued (DELAYED)' });
  });
  it('a failed device left behind after a spare took over is noted, array ok', () => {
    expect(classifyArray(md('md0 : active raid1 sdc1[2](F) sda1[0] sdb1[3]', '      100 blocks [2/2] [UU]'))).toEqual({
      state: 'ok',
      reason: 'md0 raid1 ok: 2 of 2 members up ([UU]); sdc1 failed',
    });
  });
});
