// The run directory with the examples' hardware: section and each --fence
// kind: the configs written pass the project's own loader (edge-ha check's),
// and name the simulators the supervisor will start.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PAIR_FENCE_KINDS } from '../../src/pair/fenceConfig';
import { loadConfig } from '../../src/config/load';
import { FENCE_SIM_PORT, prepareRunDir } from '../../src/pair/runDir';
import { parseCommand } from '../../src/pair/commands';
import { keyCommand } from '../../src/pair/view';

const exampleDir = resolve(__dirname, '..', '..', 'examples', 'pair');

describe('prepareRunDir with hardware and --fence', () => {
  let root: string;
  beforeAll(() => (root = mkdtempSync(join(tmpdir(), 'pair-hw-rundir-'))));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test('the hardware section is rewritten into the run dir and the UPS ports move with --port-base', async () => {
    const runDir = join(root, 'hw');
    const r = await prepareRunDir({ exampleDir, runDir, portBase: 32000 });
    if (!r.ok) throw new Error(r.error);
    const [a, b] = r.layout.nodes;
    expect(a.hardware).toEqual({
      ups: { host: '127.0.0.1', port: 32004 },
      mdstat: join(runDir, 'node-a', 'mdstat'),
      watchdog: { device: join(runDir, 'node-a', 'watchdog'), timeoutMs: 5000 },
    });
    expect(b.hardware.ups).toEqual({ host: '127.0.0.2', port: 32005 });
    expect(r.layout.fence).toMatchObject({ kind: 'sim-power', sim: { port: 32006 }, secret: null });
    const h = a.config.hardware;
    expect(h.ups).toMatchObject({ driver: 'megatec', link: 'tcp://127.0.0.1:32004' });
    expect(h.raid).toEqual([expect.objectContaining({ driver: 'md', mdstat: join(runDir, 'node-a', 'mdstat') })]);
    expect(h.watchdog).toMatchObject({ device: join(runDir, 'node-a', 'watchdog'), timeoutSec: 5 });
    expect(h.shutdownCommand).toEqual([]);
    expect(a.config.fencing.devices).toEqual([expect.objectContaining({ type: 'sim-power', plug: 'node-b' })]);
  });

  test.each(PAIR_FENCE_KINDS.filter((k) => k !== 'sim-power'))('--fence %s: both configs load and fence the peer through it', async (kind) => {
    const runDir = join(root, kind);
    const r = await prepareRunDir({ exampleDir, runDir, portBase: 32100, fence: kind });
    if (!r.ok) throw new Error(r.error);
    for (const [i, node] of r.layout.nodes.entries()) {
      const loaded = loadConfig(node.configPath);
      if (!loaded.ok) throw new Error(loaded.errors.join('; '));
      const first = loaded.config.fencing.devices[0]!;
      expect(first.type).toBe(kind);
      if ('outlet' in first) expect(first.outlet).toBe(i === 0 ? 2 : 1);
      if ('channel' in first) expect(first.channel).toBe(i === 0 ? 2 : 1);
      if (kind === 'ipmi' && first.type === 'ipmi') expect(first.address).toEqual(r.layout.fence.bmcs[i === 0 ? 1 : 0]);
      else if ('address' in first) expect(first.address).toEqual({ host: '127.0.0.1', port: 32106 });
    }
    if (r.layout.fence.secretFile !== null) {
      expect(statSync(r.layout.fence.secretFile).mode & 0o777).toBe(0o600);
      expect(readFileSync(r.layout.fence.secretFile, 'utf8').trim()).toBe(r.layout.fence.secret);
    }
  });

  test('without --port-base the fence simulator uses the documented port', async () => {
    const r = await prepareRunDir({ exampleDir, runDir: join(root, 'default'), fence: 'rps10' });
    if (!r.ok) throw new Error(r.error);
    expect(r.layout.fence.sim).toEqual({ host: '127.0.0.1', port: FENCE_SIM_PORT });
    expect(r.layout.nodes[0].hardware.ups).toEqual({ host: '127.0.0.1', port: 5411 });
  });

  test('a UPS the pair cannot simulate is refused with the reason', async () => {
    const dir = join(root, 'bad-examples');
    cpSync(exampleDir, dir, { recursive: true });
    const file = join(dir, 'node-b.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('link: tcp://127.0.0.2:5412', 'link: /dev/ttyS1'));
    const r = await prepareRunDir({ exampleDir: dir, runDir: join(root, 'bad') });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/node-b\.yaml: hardware\.ups\.link: .*expected tcp:\/\/HOST:PORT, got "\/dev\/ttyS1"/);
  });
});

describe('hardware commands and keys', () => {
  test('parse', () => {
    expect(parseCommand('ups a battery')).toEqual({ ok: true, command: { kind: 'ups', target: 'a', action: 'battery' } });
    expect(parseCommand('ups all line')).toEqual({ ok: true, command: { kind: 'ups', target: 'all', action: 'line' } });
    expect(parseCommand('disk active fail')).toEqual({ ok: true, command: { kind: 'disk', target: 'active', action: 'fail' } });
    expect(parseCommand('hang b')).toEqual({ ok: true, command: { kind: 'hang', target: 'b' } });
    expect(parseCommand('ups a off')).toEqual({ ok: false, error: 'ups: usage: ups a|b|active|all battery|low|line' });
    expect(parseCommand('disk c fail')).toEqual({ ok: false, error: 'disk: usage: disk a|b|active|all fail|rebuild|repair' });
    expect(parseCommand('hang all')).toEqual({ ok: false, error: 'hang: usage: hang a|b|active' });
  });

  test('keys', () => {
    expect(['u', 'l', 'm', 'd', 'r', 'w'].map(keyCommand)).toEqual([
      { kind: 'ups', target: 'active', action: 'battery' },
      { kind: 'ups', target: 'active', action: 'low' },
      { kind: 'ups', target: 'all', action: 'line' },
      { kind: 'disk', target: 'active', action: 'fail' },
      { kind: 'disk', target: 'all', action: 'rebuild' },
      { kind: 'hang', target: 'active' },
    ]);
  });
});
