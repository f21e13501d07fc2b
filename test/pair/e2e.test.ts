// `edge-ha pair` with the real daemon (bin/edge-ha -> dist): a failover after
// `crash active`, and `quit` leaves no process behind. Needs `npm run build`.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { runPairWith } from '../../src/pair/main';
import { isAlive } from '../../src/pair/processes';
import { portBaseFor, processesWithEnv, waitFor } from './helpers';

const repoRoot = resolve(__dirname, '..', '..');
const built = existsSync(join(repoRoot, 'dist', 'src', 'cli', 'main.js'));
const suite = built ? describe : describe.skip;
const title = built ? 'edge-ha pair with the real daemon' : 'edge-ha pair with the real daemon (SKIPPED: dist/src/cli/main.js is missing; run `npm run build`)';

type Line = Record<string, unknown> & { t: number; node: string | null; role: string | null; type: string };

suite(title, () => {
  let runDir: string;
  beforeAll(() => {
    runDir = mkdtempSync(join(tmpdir(), 'pair-e2e-'));
  });
  afterAll(() => rmSync(runDir, { recursive: true, force: true }));

  test('crash active: the other node takes over within 5 s; quit leaves no process behind', async () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const lines: Line[] = [];
    let partial = '';
    let errText = '';
    stdout.on('data', (c: Buffer) => {
      const parts = (partial + c.toString()).split('\n');
      partial = parts.pop() ?? '';
      for (const p of parts) lines.push(JSON.parse(p) as Line);
    });
    stderr.on('data', (c: Buffer) => (errText += c.toString()));
    const done = runPairWith(['--json', '--port-base', String(portBaseFor(4)), '--run-dir', runDir], { stdin, stdout, stderr, handleSignals: false });
    const explain = () => `\nstdout:\n${lines.map((l) => JSON.stringify(l)).join('\n')}\nstderr:\n${errText}`;

    try {
      const first = await waitFor('a node to become active', () => lines.find((l) => l.type === 'transition' && l.role === 'active'), 15_000).catch((e: Error) => {
        throw new Error(e.message + explain());
      });
      const victim = first.node as string;
      const survivor = victim === 'node-a' ? 'node-b' : 'node-a';
      // Let the standby settle (resource, heartbeats) before the crash.
      await waitFor('the peer in standby', () => lines.find((l) => l.type === 'transition' && l.node === survivor && l.role === 'standby'), 10_000);
      const crashedAt = Date.now();
      stdin.write('crash active\n');
      const takeover = await waitFor(`${survivor} to become active`, () => lines.find((l) => l.type === 'transition' && l.node === survivor && l.role === 'active'), 5_000).catch((e: Error) => {
        throw new Error(e.message + explain());
      });
      expect(Date.now() - crashedAt).toBeLessThan(5_000);
      // Safe only because the victim was powered off first, and the switch confirmed it.
      const fenced = lines.findIndex((l) => l.type === 'fence' && l.node === survivor && l.target === victim && l.confirmedOff === true);
      expect(fenced).toBeGreaterThanOrEqual(0);
      expect(fenced).toBeLessThan(lines.indexOf(takeover));
      expect(lines).toContainEqual(expect.objectContaining({ type: 'power', node: victim, on: false }));
      expect(lines).toContainEqual(expect.objectContaining({ type: 'command', command: 'crash active', node: victim, ok: true }));
      // The embedded broker published the victim's Will: a Sparkplug host sees it dead at once.
      await waitFor(`${victim}'s NDEATH at the broker`, () => lines.find((l) => l.type === 'broker' && l.node === victim && l.kind === 'NDEATH'), 5_000).catch((e: Error) => {
        throw new Error(e.message + explain());
      });
    } finally {
      stdin.write('quit\n');
      expect(await done).toBe(0);
    }
    // The shutdown is printed too: the survivor leaves on SIGTERM.
    const survivorId = lines.find((l) => l.type === 'fence' && l.confirmedOff === true)?.node;
    expect(lines).toContainEqual(expect.objectContaining({ type: 'transition', node: survivorId, role: 'leaving' }));
    const daemonPids = lines.filter((l) => l.type === 'daemon-start').map((l) => l.pid as number);
    expect(daemonPids.length).toBeGreaterThanOrEqual(2);
    expect(daemonPids.filter(isAlive)).toEqual([]);
    expect(processesWithEnv(runDir)).toEqual([]);
  }, 40_000);

  test('cut all: the owner wins the fence race; the fenced node reboots with the cables still cut, waits and fences nobody; heal rejoins it', async () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const lines: Line[] = [];
    let partial = '';
    stdout.on('data', (c: Buffer) => {
      const parts = (partial + c.toString()).split('\n');
      partial = parts.pop() ?? '';
      for (const p of parts) lines.push(JSON.parse(p) as Line);
    });
    const dir = mkdtempSync(join(tmpdir(), 'pair-e2e-cut-'));
    const done = runPairWith(['--json', '--port-base', String(portBaseFor(5)), '--run-dir', dir], { stdin, stdout, stderr: new PassThrough(), handleSignals: false });
    const explain = () => `\nstdout:\n${lines.map((l) => JSON.stringify(l)).join('\n')}`;
    try {
      const first = await waitFor('a node to become active', () => lines.find((l) => l.type === 'transition' && l.role === 'active'), 15_000);
      const owner = first.node as string;
      const standby = owner === 'node-a' ? 'node-b' : 'node-a';
      await waitFor('the peer in standby', () => lines.find((l) => l.type === 'transition' && l.node === standby && l.role === 'standby'), 10_000);
      stdin.write('cut all\n');
      // Symmetric partition: both fence, the owner without delay, so the standby is the one powered off.
      await waitFor(`${standby} powered off`, () => lines.find((l) => l.type === 'power' && l.node === standby && l.on === false), 5_000).catch((e: Error) => {
        throw new Error(e.message + explain());
      });
      const rebooted = await waitFor(`${standby} to boot again`, () => lines.filter((l) => l.type === 'daemon-start' && l.node === standby)[1], 10_000);
      // With the cables still cut it must sit in `waiting`: no fence, no takeover (no fence loop).
      await new Promise((r) => setTimeout(r, 3000));
      const after = lines.slice(lines.indexOf(rebooted));
      expect(after.filter((l) => l.type === 'fence')).toEqual([]);
      expect(after.filter((l) => l.type === 'transition' && l.node === standby && l.role !== 'waiting')).toEqual([]);
      expect(lines.filter((l) => l.type === 'power' && l.node === owner && l.on === false)).toEqual([]);
      stdin.write('heal\n');
      await waitFor(`${standby} to rejoin as standby`, () => lines.slice(lines.indexOf(rebooted)).find((l) => l.type === 'transition' && l.node === standby && l.role === 'standby'), 5_000).catch((e: Error) => {
        throw new Error(e.message + explain());
      });
    } finally {
      stdin.write('quit\n');
      expect(await done).toBe(0);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
