// examples/pair/demo-service.sh: the OCF-style demo resource of `npm start`.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isAlive } from '../../src/pair/processes';
import { processesWithEnv, waitFor } from './helpers';

const script = resolve(__dirname, '..', '..', 'examples', 'pair', 'demo-service.sh');

describe('demo-service.sh', () => {
  let stateDir: string;
  const env = () => ({ ...process.env, EDGE_HA_STATE_DIR: stateDir, DEMO_HTTP_PORT: '' });
  const run = (action: string, extra: NodeJS.ProcessEnv = {}) => spawnSync(script, [action], { env: { ...env(), ...extra }, encoding: 'utf8', timeout: 10_000 });
  const pidFile = () => Number(readFileSync(join(stateDir, 'demo.pid'), 'utf8'));
  const pgidOf = (pid: number) => Number(readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]!.split(' ')[2]);

  beforeEach(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'demo-svc-'));
  });
  afterEach(() => {
    run('stop');
    rmSync(stateDir, { recursive: true, force: true });
  });

  test('start, monitor, stop, with OCF exit codes', () => {
    expect(run('monitor').status).toBe(7);
    expect(run('start').status).toBe(0);
    const pid = pidFile();
    expect(isAlive(pid)).toBe(true);
    expect(run('monitor').status).toBe(0);
    expect(run('start').status).toBe(0); // already running: same process
    expect(pidFile()).toBe(pid);
    // stdio is /dev/null: the service never holds the daemon's pipes.
    for (const fd of [0, 1, 2]) expect(readlinkSync(`/proc/${pid}/fd/${fd}`)).toBe('/dev/null');
    expect(run('stop').status).toBe(0);
    expect(isAlive(pid)).toBe(false);
    expect(run('monitor').status).toBe(7);
    expect(run('stop').status).toBe(0); // not running is fine
    expect(processesWithEnv(`EDGE_HA_STATE_DIR=${stateDir}`)).toEqual([]);
  });

  test('a stale pid file naming some other process does not count as running', () => {
    const other = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      writeFileSync(join(stateDir, 'demo.pid'), String(other.pid));
      expect(run('monitor').status).toBe(7);
      expect(run('stop').status).toBe(0);
      expect(isAlive(other.pid as number)).toBe(true); // not ours: left alone
    } finally {
      other.kill('SIGKILL');
    }
  });

  test('stays in the caller\'s process group and dies when that group is killed (a power-off)', async () => {
    // The caller leads its own group, as the daemon's agents do.
    const caller = spawn(script, ['start'], { env: env(), detached: true, stdio: 'ignore' });
    const code = await new Promise<number | null>((done) => caller.on('exit', (c) => done(c)));
    expect(code).toBe(0);
    const pid = pidFile();
    expect(pgidOf(pid)).toBe(caller.pid);
    const group = await waitFor('the service loop to start its sleep', () => {
      const members = processesWithEnv(`EDGE_HA_STATE_DIR=${stateDir}`);
      return members.length >= 2 && members;
    }, 3000);
    expect(group.every((p) => pgidOf(p) === caller.pid)).toBe(true);
    process.kill(-(caller.pid as number), 'SIGKILL');
    await waitFor('every process of the group to die', () => processesWithEnv(`EDGE_HA_STATE_DIR=${stateDir}`).length === 0, 3000);
    expect(run('monitor').status).toBe(7);
  });

  test('serves HTTP when DEMO_HTTP_PORT is set', async () => {
    const port = 20000 + (process.pid % 20000);
    expect(run('start', { DEMO_HTTP_PORT: String(port), EDGE_HA_NODE: 'node-x' }).status).toBe(0);
    const body = await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text());
    expect(body).toBe('demo served by node-x\n');
    expect(run('stop').status).toBe(0);
  });

  test('refuses to run without EDGE_HA_STATE_DIR, and names unknown actions', () => {
    const bare = spawnSync(script, ['start'], { env: { PATH: process.env.PATH }, encoding: 'utf8' });
    expect(bare.status).toBe(6);
    expect(bare.stderr).toContain('EDGE_HA_STATE_DIR is not set');
    const bogus = run('reload');
    expect(bogus.status).toBe(3);
    expect(bogus.stderr).toContain("unknown action 'reload'");
  });
});
