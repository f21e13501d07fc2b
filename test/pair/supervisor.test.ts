// The supervisor against a stand-in daemon (test/pair/fixtures/fakeDaemon.js):
// event parsing, commands, the power switch's effect on real processes, and
// that stop() leaves nothing behind.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { PairEvent } from '../../src/pair/events';
import { isAlive, processState } from '../../src/pair/processes';
import { prepareRunDir } from '../../src/pair/runDir';
import { PairSupervisor } from '../../src/pair/supervisor';
import { simPowerRequest } from '../../src/simpower';
import { portBaseFor, processesWithEnv, waitFor } from './helpers';

const repoRoot = resolve(__dirname, '..', '..');
const fake = join(__dirname, 'fixtures', 'fakeDaemon.js');

describe('PairSupervisor with a stand-in daemon', () => {
  let runDir: string;
  let sup: PairSupervisor;
  const events: PairEvent[] = [];
  let powerPort = 0;

  beforeAll(async () => {
    runDir = mkdtempSync(join(tmpdir(), 'pair-sup-'));
    const prepared = await prepareRunDir({ exampleDir: join(repoRoot, 'examples', 'pair'), runDir, portBase: portBaseFor(1) });
    if (!prepared.ok) throw new Error(prepared.error);
    powerPort = prepared.layout.power.port;
    sup = new PairSupervisor({
      layout: prepared.layout,
      repoRoot,
      daemonArgv: (config) => [process.execPath, fake, 'run', '--config', config, '--log-format', 'json'],
      rebootDelayMs: 100,
      bootDelayMs: 300,
      stopGraceMs: 2000,
    });
    sup.onEvent((e) => events.push(e));
    await sup.start();
    await waitFor('both fake daemons to report a role', () => sup.snapshot().every((s) => s.role !== null), 5000);
  });

  afterAll(async () => {
    await sup?.stop();
    rmSync(runDir, { recursive: true, force: true });
  });

  const power = (line: string) => simPowerRequest({ host: '127.0.0.1', port: powerPort }, line, 3000);
  const resourcePid = (node: string) => Number(readFileSync(join(runDir, node, 'fake-resource.pid'), 'utf8'));

  test('parses the daemons\' transition lines into events and roles', () => {
    const transitions = events.filter((e) => e.type === 'transition');
    expect(transitions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ node: 'node-a', from: 'waiting', to: 'active', epoch: 1, reason: 'fake active' }),
        expect.objectContaining({ node: 'node-b', from: 'waiting', to: 'standby', epoch: 1 }),
      ]),
    );
    expect(sup.resolve('active')).toEqual({ ok: true, id: 'node-a' });
    expect(sup.resolve('b')).toEqual({ ok: true, id: 'node-b' });
  });

  test('status, cut, heal and switchover go over the control sockets', async () => {
    const [a, b] = await sup.status();
    expect(a.ok && a.status.core.role).toBe('active');
    expect(b.ok && b.status.core.role).toBe('standby');
    expect(await sup.cut('crossover')).toEqual({ ok: true, message: 'cut crossover: node-a ok, node-b ok' });
    expect((await sup.heal()).ok).toBe(true);
    const [after] = await sup.status();
    expect(after.ok && (after.status as unknown as { injected: unknown[] }).injected).toEqual([
      { action: 'cut', path: 'crossover' },
      { action: 'heal', path: 'all' },
    ]);
    const bad = await sup.cut('serial');
    expect(bad.ok).toBe(false);
    expect(bad.message).toMatch(/unknown path "serial"; expected one of crossover, lan, all/);
    expect(await sup.switchover()).toEqual({ ok: false, message: 'switchover via node-a: peer not ready' });
  });

  test('freeze stops the daemon, then lets it go on', async () => {
    const pid = sup.snapshot()[1].pid as number;
    expect(sup.freeze('node-b', 0.3).ok).toBe(true);
    // SIGSTOP is delivered asynchronously.
    await waitFor('node-b to stop', () => processState(pid) === 'T', 2000);
    expect(sup.snapshot()[1].frozen).toBe(true);
    await waitFor('node-b to run again', () => processState(pid) !== 'T', 3000);
    expect(sup.freeze('node-b', 0).ok).toBe(false);
  });

  test('crash kills the daemon only; a power-off through the switch kills the node\'s resource too; power-on restarts it', async () => {
    const daemon = sup.snapshot()[0].pid as number;
    const resource = resourcePid('node-a');
    expect(isAlive(resource)).toBe(true);
    expect(sup.crash('node-a').ok).toBe(true);
    await waitFor('the crash to be reported', () => events.find((e) => e.type === 'daemon-exit' && e.pid === daemon), 3000);
    expect(events.find((e) => e.type === 'daemon-exit' && e.pid === daemon)).toMatchObject({ cause: 'crash', signal: 'SIGKILL' });
    expect(isAlive(resource)).toBe(true); // the reason fencing exists
    expect(sup.resolve('active').ok).toBe(false);
    expect(sup.crash('node-a').ok).toBe(false);

    expect(await power('STATUS node-a')).toEqual({ ok: true, text: 'ON' });
    expect(await power('OFF node-a')).toEqual({ ok: true, text: 'OFF' });
    expect(isAlive(resource)).toBe(false);
    expect(sup.snapshot()[0].powered).toBe(false);
    expect(events).toContainEqual(expect.objectContaining({ type: 'power', node: 'node-a', on: false }));

    expect(await power('ON node-a')).toEqual({ ok: true, text: 'ON' });
    // Powered, booting: the daemon comes up after the boot delay.
    expect(sup.snapshot()[0]).toMatchObject({ powered: true, booting: true, pid: null });
    await waitFor('node-a to come back', () => sup.snapshot()[0].role === 'active', 5000);
    expect(sup.snapshot()[0].pid).not.toBe(daemon);
  });

  test('REBOOT powers the node off, then on again after the delay', async () => {
    const before = sup.snapshot()[1].pid as number;
    const resource = resourcePid('node-b');
    expect(await power('REBOOT node-b')).toEqual({ ok: true, text: 'OFF' });
    expect(isAlive(before)).toBe(false);
    expect(isAlive(resource)).toBe(false);
    await waitFor('node-b to boot again', () => {
      const pid = sup.snapshot()[1].pid;
      return pid !== null && pid !== before && sup.snapshot()[1].role === 'standby';
    }, 5000);
  });

  test('stop() leaves no process of the pair behind and closes the power switch', async () => {
    const daemons = sup.snapshot().map((s) => s.pid as number);
    const resources = ['node-a', 'node-b'].map(resourcePid);
    expect([...daemons, ...resources].every(isAlive)).toBe(true);
    await sup.stop();
    expect([...daemons, ...resources].filter(isAlive)).toEqual([]);
    expect(processesWithEnv(runDir)).toEqual([]);
    const answer = await power('LIST');
    expect(answer.ok).toBe(false);
    // The fake daemon logs `leaving` on SIGTERM: it was asked, not killed.
    expect(events.filter((e) => e.type === 'daemon-exit').slice(-2)).toEqual([
      expect.objectContaining({ cause: 'stop', code: 0 }),
      expect.objectContaining({ cause: 'stop', code: 0 }),
    ]);
  });
});
