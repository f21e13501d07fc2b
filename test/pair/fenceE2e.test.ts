// `edge-ha pair --fence rps10` with the real daemon (bin/edge-ha -> dist):
// the survivor fences the crashed node through the RPS-10 simulator, which
// really powers that node's daemon off. Needs `npm run build`.
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
const title = built ? 'edge-ha pair --fence rps10 with the real daemon' : 'edge-ha pair --fence rps10 (SKIPPED: dist/src/cli/main.js is missing; run `npm run build`)';

type Line = Record<string, unknown> & { t: number; node: string | null; role: string | null; type: string };

suite(title, () => {
  let runDir: string;
  beforeAll(() => (runDir = mkdtempSync(join(tmpdir(), 'pair-fence-e2e-'))));
  afterAll(() => rmSync(runDir, { recursive: true, force: true }));

  test('crash active: the survivor fences it through the RPS-10 simulator, which powers its daemon off', async () => {
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
    const done = runPairWith(['--json', '--fence', 'rps10', '--port-base', String(portBaseFor(8)), '--run-dir', runDir], { stdin, stdout, stderr, handleSignals: false });
    const explain = (e: Error): never => {
      throw new Error(`${e.message}\nstdout:\n${lines.map((l) => JSON.stringify(l)).join('\n')}\nstderr:\n${errText}`);
    };
    try {
      const first = await waitFor('a node to become active', () => lines.find((l) => l.type === 'transition' && l.role === 'active'), 10_000).catch(explain);
      const other = first.node === 'node-a' ? 'node-b' : 'node-a';
      await waitFor('the peer in standby', () => lines.find((l) => l.type === 'transition' && l.node === other && l.role === 'standby'), 5_000).catch(explain);
      expect(errText).toContain('fencing through a WTI RPS-10 simulator');
      stdin.write('crash active\n');
      // The node the command hit (the service may have moved since the first transition).
      const reply = await waitFor('the crash reply', () => lines.find((l) => l.type === 'command' && l.command === 'crash active'), 3_000).catch(explain);
      const victim = reply.node as string;
      const survivor = victim === 'node-a' ? 'node-b' : 'node-a';
      const victimPid = lines.filter((l) => l.type === 'daemon-start' && l.node === victim).pop()?.pid as number;
      const fenced = await waitFor('a confirmed fence', () => lines.find((l) => l.type === 'fence' && l.node === survivor && l.phase === 'done'), 5_000).catch(explain);
      expect(fenced).toMatchObject({ target: victim, confirmedOff: true });
      expect(String(fenced.reason)).toContain('rps10');
      const off = lines.findIndex((l) => l.type === 'power' && l.node === victim && l.on === false);
      expect(off).toBeGreaterThanOrEqual(0);
      expect(off).toBeLessThan(lines.indexOf(fenced));
      await waitFor(`${survivor} active`, () => lines.find((l) => l.type === 'transition' && l.node === survivor && l.role === 'active'), 3_000).catch(explain);
      expect(isAlive(victimPid)).toBe(false);
    } finally {
      stdin.write('quit\n');
      expect(await done).toBe(0);
    }
    expect(processesWithEnv(runDir)).toEqual([]);
  }, 20_000);
});
