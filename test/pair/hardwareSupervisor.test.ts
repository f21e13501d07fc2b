// The supervisor's simulated hardware, against a stand-in daemon
// (fixtures/fakeDaemon.js): the UPS, the mdstat file, the watchdog that resets
// a hung node, and a fence through the RPS-10 simulator of `--fence rps10`.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { classifyMdstat, parseMdstat } from '../../hw/raid';
import { probeUps } from '../../src/cli/hardware/upsProbe';
import { loadConfig } from '../../src/config/load';
import { createFenceDevice } from '../../src/shell/fence/createDevice';
import type { PairEvent } from '../../src/pair/events';
import { isAlive } from '../../src/pair/processes';
import { prepareRunDir, type RunDirLayout } from '../../src/pair/runDir';
import { PairSupervisor } from '../../src/pair/supervisor';
import { portBaseFor, waitFor } from './helpers';

const repoRoot = resolve(__dirname, '..', '..');
const fake = join(__dirname, 'fixtures', 'fakeDaemon.js');

describe('the pair\'s simulated hardware, with a stand-in daemon', () => {
  let root: string;
  let layout: RunDirLayout;
  let sup: PairSupervisor;
  const events: PairEvent[] = [];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'pair-hw-sup-'));
    // The examples with a 1 s watchdog, so a hang resets the node quickly.
    const examples = join(root, 'examples');
    cpSync(join(repoRoot, 'examples', 'pair'), examples, { recursive: true });
    for (const f of ['node-a.yaml', 'node-b.yaml']) {
      const file = join(examples, f);
      writeFileSync(file, readFileSync(file, 'utf8').replace('timeoutSec: 5', 'timeoutSec: 1'));
    }
    const prepared = await prepareRunDir({ exampleDir: examples, runDir: join(root, 'run'), portBase: portBaseFor(7), fence: 'rps10' });
    if (!prepared.ok) throw new Error(prepared.error);
    layout = prepared.layout;
    sup = new PairSupervisor({
      layout,
      repoRoot,
      daemonArgv: (config) => [process.execPath, fake, 'run', '--config', config, '--log-format', 'json'],
      rebootDelayMs: 100,
      bootDelayMs: 200,
      stopGraceMs: 2000,
    });
    sup.onEvent((e) => events.push(e));
    await sup.start();
    await waitFor('both fake daemons to report a role', () => sup.snapshot().every((s) => s.role !== null), 5000);
  });

  afterAll(async () => {
    await sup?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  const upsLink = (i: 0 | 1) => `tcp://${layout.nodes[i].hardware.ups!.host}:${layout.nodes[i].hardware.ups!.port}`;
  const mdState = (i: 0 | 1) => classifyMdstat(parseMdstat(readFileSync(layout.nodes[i].hardware.mdstat!, 'utf8')))[0]!;
  const pidOf = (id: string) => sup.snapshot().find((s) => s.id === id)?.pid ?? null;

  test('each node gets a healthy array and a UPS on line, read as the daemon reads them', async () => {
    expect(mdState(0).state).toBe('ok');
    expect(mdState(1).state).toBe('ok');
    const report = await probeUps({ driver: 'megatec', link: upsLink(1) }, 3000);
    expect(report.status).toContain('OL');
    expect(sup.snapshot()[0].hardware).toMatchObject({ ups: { onBattery: false }, raid: { kind: 'healthy' }, watchdog: { state: 'idle' } });
  });

  test('disk fail rewrites that node\'s mdstat only, and shows in the events', async () => {
    const r = await sup.disk('node-a', 'fail');
    expect(r).toEqual({ ok: true, message: expect.stringMatching(/^node-a: disk sdb1 failed/) });
    expect(mdState(0)).toMatchObject({ state: 'degraded', reason: expect.stringContaining('sdb1') });
    expect(mdState(1).state).toBe('ok');
    expect(events).toContainEqual(expect.objectContaining({ type: 'hardware', node: 'node-a', device: 'raid' }));
    expect((await sup.disk('node-a', 'repair')).ok).toBe(true);
    expect(mdState(0).state).toBe('ok');
  });

  test('UPS on battery changes what that node\'s UPS answers over its link', async () => {
    expect(sup.ups('node-b', 'battery').ok).toBe(true);
    expect((await probeUps({ driver: 'megatec', link: upsLink(1) }, 3000)).status).toContain('OB');
    expect((await probeUps({ driver: 'megatec', link: upsLink(0) }, 3000)).status).toContain('OL');
    sup.ups('node-b', 'line');
    expect((await probeUps({ driver: 'megatec', link: upsLink(1) }, 3000)).status).toContain('OL');
  });

  test('a hung daemon stops petting its watchdog, which resets (power-cycles) the node', async () => {
    const before = pidOf('node-b')!;
    // The stand-in does not pet the watchdog: arm it as the daemon's first keepalive would (no magic 'V').
    writeFileSync(layout.nodes[1].hardware.watchdog!.device, 'x');
    await waitFor('the watchdog armed', () => sup.snapshot()[1].hardware?.watchdog?.state === 'armed', 2000);
    const from = events.length;
    expect(sup.hang('node-b')).toEqual({ ok: true, message: expect.stringMatching(/hung \(SIGSTOP.*watchdog resets the node within 1 s/) });
    expect(sup.snapshot()[1].hung).toBe(true);
    await waitFor('the node to come back with a new daemon', () => events.slice(from).find((e) => e.type === 'daemon-start' && e.node === 'node-b'), 5000);
    const seen = events.slice(from).map((e) => (e.type === 'hardware' ? `${e.device}: ${e.detail.slice(0, 14)}` : `${e.type}${e.type === 'power' ? (e.on ? ' on' : ' off') : ''}`));
    expect(seen.indexOf('watchdog: watchdog fired')).toBeGreaterThanOrEqual(0);
    expect(seen.indexOf('watchdog: watchdog fired')).toBeLessThan(seen.indexOf('power off'));
    expect(seen.indexOf('power off')).toBeLessThan(seen.indexOf('power on'));
    expect(isAlive(before)).toBe(false);
    expect(pidOf('node-b')).not.toBe(before);
    expect(sup.snapshot()[1].hardware?.watchdog).toMatchObject({ resets: 1 });
  });

  test('a fence through the RPS-10 simulator powers the peer\'s daemon off', async () => {
    await waitFor('node-b running', () => pidOf('node-b'), 3000);
    const victim = pidOf('node-b')!;
    const loaded = loadConfig(layout.nodes[0].configPath);
    if (!loaded.ok) throw new Error(loaded.errors.join('; '));
    const device = createFenceDevice(loaded.config.fencing.devices[0]!);
    const from = events.length;
    const r = await device.off('node-b');
    expect(r).toMatchObject({ ok: true });
    // The simulator cuts the power at once (SIGKILL is sent inside its switch call); the event follows the reaping.
    await waitFor('node-b power off', () => events.slice(from).find((e) => e.type === 'power' && e.node === 'node-b' && !e.on), 3000);
    expect(isAlive(victim)).toBe(false);
    expect(await device.status('node-b')).toMatchObject({ state: 'off' });
    expect(await device.status('node-a')).toMatchObject({ state: 'off' }); // the device maps any target to the peer's outlet 2
    expect((await device.on('node-b')).ok).toBe(true);
    await waitFor('node-b booted again', () => events.slice(from).find((e) => e.type === 'daemon-start' && e.node === 'node-b'), 3000);
  });
});
