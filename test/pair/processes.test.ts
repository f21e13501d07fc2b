import { spawn } from 'node:child_process';
import { findMarkedProcesses, hasEntry, isAlive, killMarked, PAIR_MARK_ENV, processState } from '../../src/pair/processes';

const env = (...entries: string[]) => Buffer.from(entries.map((e) => `${e}\0`).join(''));

describe('hasEntry', () => {
  const entry = Buffer.from(`${PAIR_MARK_ENV}=t1:node-a`);
  test.each([
    [env('PATH=/bin', `${PAIR_MARK_ENV}=t1:node-a`), true],
    [env(`${PAIR_MARK_ENV}=t1:node-a`), true],
    [Buffer.from(`A=1\0${PAIR_MARK_ENV}=t1:node-a`), true], // no trailing NUL
    [env(`${PAIR_MARK_ENV}=t1:node-ab`), false], // another node whose id starts the same
    [env(`X${PAIR_MARK_ENV}=t1:node-a`), false],
    [env(`OTHER=${PAIR_MARK_ENV}=t1:node-a`), false],
    [Buffer.alloc(0), false],
  ])('%#', (environ, expected) => {
    expect(hasEntry(environ, entry)).toBe(expected);
  });
});

describe('marked processes', () => {
  test('are found by their exact mark and killed, wherever they are in the process tree', async () => {
    const mark = `test-${process.pid}-${Date.now()}`;
    // A detached child whose own child outlives it: a tree the parent cannot see.
    const child = spawn('sh', ['-c', 'sleep 30 & sleep 30; :'], { env: { ...process.env, [PAIR_MARK_ENV]: mark }, detached: true, stdio: 'ignore' });
    const other = spawn('sleep', ['30'], { env: { ...process.env, [PAIR_MARK_ENV]: `${mark}x` }, stdio: 'ignore' });
    try {
      const deadline = Date.now() + 3000;
      while (findMarkedProcesses(mark).length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const found = findMarkedProcesses(mark);
      expect(found).toHaveLength(3);
      expect(found).toContain(child.pid);
      expect(found).not.toContain(other.pid);
      expect(await killMarked(mark)).toBe(3);
      expect(found.filter(isAlive)).toEqual([]);
      expect(isAlive(other.pid as number)).toBe(true);
    } finally {
      other.kill('SIGKILL');
      child.kill('SIGKILL');
    }
  });

  test('processState reads a stopped process as T, and isAlive rejects nonsense pids', async () => {
    const p = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await new Promise((r) => p.once('spawn', r));
      process.kill(p.pid as number, 'SIGSTOP');
      const deadline = Date.now() + 2000;
      while (processState(p.pid as number) !== 'T' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(processState(p.pid as number)).toBe('T');
      expect(isAlive(p.pid as number)).toBe(true);
    } finally {
      p.kill('SIGKILL');
    }
    expect(isAlive(0)).toBe(false);
    expect(isAlive(-5)).toBe(false);
    expect(isAlive(2 ** 31)).toBe(false);
  });
});
