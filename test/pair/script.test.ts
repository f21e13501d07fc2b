// Script mode end to end through runPairWith, with the stand-in daemon, so it
// runs before (and independently of) the real daemon.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { PAIR_USAGE, parsePairArgs, runPairWith } from '../../src/pair/main';
import { portBaseFor, processesWithEnv, waitFor } from './helpers';

const fake = join(__dirname, 'fixtures', 'fakeDaemon.js');

function harness() {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  let err = '';
  let partial = '';
  stdout.on('data', (c: Buffer) => {
    const parts = (partial + c.toString()).split('\n');
    partial = parts.pop() ?? '';
    out.push(...parts);
  });
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const daemonArgv = (config: string): [string, ...string[]] => [process.execPath, fake, 'run', '--config', config];
  return { io: { stdin, stdout, stderr, handleSignals: false, daemonArgv }, out, stderr: () => err };
}

describe('edge-ha pair in script mode (stand-in daemon)', () => {
  let runDir: string;
  beforeEach(() => {
    runDir = mkdtempSync(join(tmpdir(), 'pair-script-'));
  });
  afterEach(() => rmSync(runDir, { recursive: true, force: true }));

  test('--json: events, status, errors and command replies are JSON lines; EOF stops everything', async () => {
    const h = harness();
    const done = runPairWith(['--json', '--port-base', String(portBaseFor(2)), '--run-dir', runDir], h.io);
    const json = () => h.out.map((l) => JSON.parse(l) as Record<string, unknown>);
    const reported = (node: string, role: string) => json().some((l) => l.type === 'transition' && l.node === node && l.role === role);
    await waitFor('node-a active and node-b standby', () => reported('node-a', 'active') && reported('node-b', 'standby'), 5000);
    h.io.stdin.write('bogus\nstatus\ncut crossover\ncrash active\nsleep 0.2\ncrash active\n');
    await waitFor('the second crash reply', () => json().filter((l) => l.command === 'crash active').length === 2, 5000);
    h.io.stdin.end();
    expect(await done).toBe(0);

    const lines = json();
    for (const l of lines) expect(Object.keys(l)).toEqual(expect.arrayContaining(['t', 'node', 'role', 'epoch', 'reason', 'type']));
    expect(lines.find((l) => l.type === 'error' && l.command === 'bogus')?.reason).toMatch(/^unknown command "bogus"/);
    const statuses = lines.filter((l) => l.type === 'status');
    expect(statuses.map((l) => [l.node, l.role])).toEqual([['node-a', 'active'], ['node-b', 'standby']]);
    expect(lines.find((l) => l.command === 'cut crossover')).toMatchObject({ ok: true, reason: 'cut crossover: node-a ok, node-b ok' });
    const crashes = lines.filter((l) => l.command === 'crash active');
    expect(crashes[0]).toMatchObject({ ok: true, node: 'node-a', type: 'command' });
    expect(crashes[1]).toMatchObject({ ok: false, type: 'error', reason: 'crash active: no node is active (node-a down, node-b standby)' });
    expect(lines).toContainEqual(expect.objectContaining({ type: 'daemon-exit', node: 'node-a', cause: 'crash' }));
    const times = lines.map((l) => l.t as number);
    expect(times.every((t) => Number.isInteger(t) && t >= 0)).toBe(true);
    expect(processesWithEnv(runDir)).toEqual([]);
    expect(h.stderr()).toContain('node-a and node-b are starting');
  });

  test('text mode: `quit` stops everything and prints transitions as text lines', async () => {
    const h = harness();
    const done = runPairWith(['--port-base', String(portBaseFor(3)), '--run-dir', runDir], h.io);
    await waitFor('node-b standby', () => h.out.some((l) => / node-b waiting -> standby \(epoch 1\): fake standby$/.test(l)), 5000);
    h.io.stdin.write('quit\nstatus\n');
    expect(await done).toBe(0);
    expect(h.out.every((l) => /^t=\d+ms /.test(l))).toBe(true);
    expect(h.out.some((l) => l.includes(' status: '))).toBe(false); // nothing runs after quit
    expect(processesWithEnv(runDir)).toEqual([]);
  });
});

describe('edge-ha pair options', () => {
  test('--help prints the usage on stdout', async () => {
    const h = harness();
    expect(await runPairWith(['--help'], h.io)).toBe(0);
    expect(h.out.join('\n')).toBe(PAIR_USAGE.trimEnd());
  });

  test.each([
    [['--port-base'], '--port-base: expected a port number, got ""'],
    [['--port-base=12x'], '--port-base: expected a port number, got "12x"'],
    [['--verbose'], 'unknown option "--verbose"'],
    [['--json=yes'], 'unknown option "--json=yes"'],
  ])('%j is a usage error', async (argv, message) => {
    expect(parsePairArgs(argv)).toEqual({ ok: false, error: message });
    const h = harness();
    expect(await runPairWith(argv, h.io)).toBe(2);
    expect(h.stderr()).toContain(message);
  });

  test('accepts --opt value and --opt=value', () => {
    expect(parsePairArgs(['--json', '--port-base=30000', '--run-dir', '/tmp/x'])).toEqual({ ok: true, args: { json: true, help: false, portBase: 30000, runDir: '/tmp/x' } });
  });
});
