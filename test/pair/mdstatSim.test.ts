// The pair's simulated RAID1: every state's text is read back with the real
// mdstat parser and classifier (hw/raid), as the daemon reads it.
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifyMdstat, parseMdstat } from '../../hw/raid';
import { MD_BLOCKS, MdstatSim, mdstatText, progressBar } from '../../src/pair/mdstatSim';
import { waitFor } from './helpers';

function read(text: string) {
  const parsed = parseMdstat(text);
  expect(parsed.errors).toEqual([]);
  expect(parsed.arrays).toHaveLength(1);
  return { array: parsed.arrays[0]!, verdict: classifyMdstat(parsed)[0]! };
}

describe('mdstatText', () => {
  test('healthy: two members up, classified ok', () => {
    const { array, verdict } = read(mdstatText({ kind: 'healthy', replaced: false }));
    expect(array).toMatchObject({ name: 'md0', level: 'raid1', raidDisks: 2, activeDisks: 2, map: 'UU', sizeBlocks: MD_BLOCKS, sync: null });
    expect(array.members.map((m) => [m.name, m.role])).toEqual([['sdb1', 'active'], ['sda1', 'active']]);
    expect(verdict.state).toBe('ok');
  });

  test('a failed disk: [U_] with sdb1 (F), classified degraded and naming the disk', () => {
    const { array, verdict } = read(mdstatText({ kind: 'failed' }));
    expect(array.map).toBe('U_');
    expect(array.members.find((m) => m.name === 'sdb1')?.role).toBe('failed');
    expect(verdict.state).toBe('degraded');
    expect(verdict.reason).toContain('sdb1');
  });

  test('recovery at any progress parses back to that progress and is rebuilding', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999 }), fc.integer({ min: 1000, max: 600_000 }), (permille, rebuildMs) => {
        const { array, verdict } = read(mdstatText({ kind: 'recovering', permille }, rebuildMs));
        expect(array.sync?.action).toBe('recovery');
        expect(array.sync?.percent).toBeCloseTo(permille / 10, 5);
        expect(array.sync?.totalBlocks).toBe(MD_BLOCKS);
        expect(array.sync?.doneBlocks).toBe(Math.floor((MD_BLOCKS * permille) / 1000));
        expect(array.members.find((m) => m.name === 'sdb1')?.role).toBe('active');
        expect(verdict.state).toBe('rebuilding');
      }),
      { numRuns: 200 },
    );
  });

  test('the progress bar is the kernel\'s: 20 cells plus the arrow, one = per 5 %', () => {
    expect(progressBar(0)).toBe('[>....................]');
    expect(progressBar(112)).toBe('[==>..................]');
    expect(progressBar(999)).toBe('[===================>.]');
    fc.assert(fc.property(fc.integer({ min: 0, max: 999 }), (p) => expect(progressBar(p)).toHaveLength(23)));
  });
});

describe('MdstatSim', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'pair-md-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('fail, rebuild with progress, and the end of the rebuild, in the file', async () => {
    const path = join(dir, 'mdstat');
    const changes: string[] = [];
    const sim = new MdstatSim({ path, rebuildMs: 400, tickMs: 50, onChange: (d) => changes.push(d) });
    await sim.start();
    const state = () => classifyMdstat(parseMdstat(readFileSync(path, 'utf8')))[0]!.state;
    expect(state()).toBe('ok');
    await expect(sim.apply('rebuild')).rejects.toThrow(/healthy \[UU\]: nothing to rebuild/);
    expect(await sim.apply('fail')).toMatch(/sdb1 failed: md0 degraded \[2\/1\] \[U_\]/);
    expect(state()).toBe('degraded');
    await expect(sim.apply('fail')).rejects.toThrow(/already failed/);
    expect(await sim.apply('rebuild')).toMatch(/recovery started/);
    expect(state()).toBe('rebuilding');
    const progress = await waitFor('recovery past 0 %', () => {
      const sync = parseMdstat(readFileSync(path, 'utf8')).arrays[0]?.sync;
      return sync !== null && sync !== undefined && sync.percent > 0 ? sync.percent : null;
    }, 2000);
    expect(progress).toBeLessThan(100);
    await waitFor('the rebuild to finish', () => changes.length > 0, 3000);
    expect(changes).toEqual(['md0 recovery finished: healthy [2/2] [UU]']);
    expect(state()).toBe('ok');
    expect(readFileSync(path, 'utf8')).toContain('sdb1[2] sda1[0]'); // the replacement's new slot
    await sim.stop();
  });

  test('repair makes a failed array healthy at once; a healthy one refuses', async () => {
    const sim = new MdstatSim({ path: join(dir, 'mdstat') });
    await sim.start();
    await expect(sim.apply('repair')).rejects.toThrow(/already healthy/);
    await sim.apply('fail');
    expect(await sim.apply('repair')).toMatch(/healthy \[2\/2\] \[UU\]/);
    expect(sim.state).toEqual({ kind: 'healthy', replaced: true });
    await sim.stop();
  });
});
