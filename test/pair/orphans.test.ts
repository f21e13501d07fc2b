// A supervisor killed with SIGKILL leaves its daemons behind; the next start on
// the same run directory must end them (and only them).

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reapOrphans, writeClaim } from '../../src/pair/orphans';
import { isAlive, PAIR_MARK_ENV } from '../../src/pair/processes';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'pair-orphans-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function marked(mark: string): number {
  const child = spawn('sleep', ['30'], { env: { ...process.env, [PAIR_MARK_ENV]: mark }, stdio: 'ignore', detached: true });
  child.unref();
  return child.pid as number;
}

test('the processes of a dead supervisor are killed and its claim removed', async () => {
  const deadPid = spawnSync('true').pid as number;
  await writeClaim(dir, { pid: deadPid, token: 'abc123', nodeIds: ['node-a', 'node-b'] });
  const orphan = marked('abc123:node-a');
  const other = marked('ffff00:node-a'); // another pair's process: must survive
  await new Promise((r) => setTimeout(r, 100));
  const killed = await reapOrphans(dir);
  expect(killed).toBe(1);
  expect(isAlive(orphan)).toBe(false);
  expect(isAlive(other)).toBe(true);
  expect(existsSync(join(dir, 'supervisor.json'))).toBe(false);
  process.kill(other, 'SIGKILL');
});

test('a live supervisor keeps its processes and its claim', async () => {
  await writeClaim(dir, { pid: process.pid, token: 'abc124', nodeIds: ['node-a'] });
  const mine = marked('abc124:node-a');
  await new Promise((r) => setTimeout(r, 100));
  expect(await reapOrphans(dir)).toBeNull();
  expect(isAlive(mine)).toBe(true);
  expect(existsSync(join(dir, 'supervisor.json'))).toBe(true);
  process.kill(mine, 'SIGKILL');
});

test('no claim, or a malformed one, reaps nothing', async () => {
  expect(await reapOrphans(dir)).toBeNull();
  require('node:fs').writeFileSync(join(dir, 'supervisor.json'), '{"pid":"x"}');
  expect(await reapOrphans(dir)).toBeNull();
});
