import type { ResourceConfig } from '../../../src/config/types';
import { CommandResource } from '../../../src/shell/resource/commandResource';
import { isAlive, killQuietly, makeScriptDir, waitGone, type ScriptDir } from './scriptHelpers';

let dir: ScriptDir;
const leftovers: number[] = [];

beforeAll(() => {
  dir = makeScriptDir('edge-ha-resource-');
});
afterAll(() => {
  for (const pid of leftovers) killQuietly(pid);
  dir.cleanup();
});

function config(command: string[], timeoutMs = 5000): ResourceConfig {
  return {
    name: 'web',
    type: 'command',
    command,
    startTimeoutMs: timeoutMs,
    stopTimeoutMs: timeoutMs,
    monitorTimeoutMs: timeoutMs,
    monitorIntervalMs: 1000,
  };
}

const ENV = {
  EDGE_HA_NODE: 'n1',
  EDGE_HA_PEER: 'n2',
  EDGE_HA_EPOCH: '7',
  EDGE_HA_STATE_DIR: '/var/lib/edge-ha',
  EDGE_HA_RESOURCE: 'web',
  OCF_RESOURCE_INSTANCE: 'web',
};

describe('CommandResource: argv, env and the OCF exit-code contract', () => {
  it('appends the action as the last argument and passes the env record', async () => {
    const out = dir.file('args.txt');
    const agent = dir.script(
      'record.sh',
      `printf '%s|' "$@" > ${out}; printf '%s|%s|%s|%s|%s|%s' "$EDGE_HA_NODE" "$EDGE_HA_PEER" "$EDGE_HA_EPOCH" ` +
        `"$EDGE_HA_STATE_DIR" "$EDGE_HA_RESOURCE" "$OCF_RESOURCE_INSTANCE" >> ${out}`,
    );
    const r = new CommandResource(config([agent, '--instance', 'a b']), ENV);
    const res = await r.start({ EDGE_HA_EPOCH: '8' });
    expect(res).toMatchObject({ ok: true, running: true, exitCode: 0, reason: 'start succeeded' });
    expect(dir.read('args.txt')).toBe('--instance|a b|start|n1|n2|8|/var/lib/edge-ha|web|web');
    await r.stop();
    expect(dir.read('args.txt').startsWith('--instance|a b|stop|n1|n2|7|')).toBe(true);
  });

  it('maps exit codes per action: stop accepts 7, monitor 7 is "not running", the rest fail with the OCF name', async () => {
    const agent = dir.script('exit.sh', 'exit "$CODE"');
    const r = new CommandResource(config([agent]), ENV);
    const run = (action: 'start' | 'stop' | 'monitor', code: number) => r[action]({ CODE: String(code) });

    expect(await run('start', 7)).toMatchObject({ ok: false, running: false, exitCode: 7 });
    expect(await run('stop', 0)).toMatchObject({ ok: true, running: false, exitCode: 0 });
    const stop7 = await run('stop', 7);
    expect(stop7).toMatchObject({ ok: true, running: false, exitCode: 7 });
    expect(stop7.reason).toContain('not running');
    expect(await run('monitor', 0)).toMatchObject({ ok: true, running: true, reason: 'monitor: running' });
    const mon7 = await run('monitor', 7);
    expect(mon7).toMatchObject({ ok: true, running: false, exitCode: 7 });
    expect(mon7.reason).toContain('OCF_NOT_RUNNING');

    const failures: Array<[number, string]> = [
      [1, 'OCF_ERR_GENERIC'],
      [2, 'OCF_ERR_ARGS'],
      [3, 'OCF_ERR_UNIMPLEMENTED'],
      [4, 'OCF_ERR_PERM'],
      [5, 'OCF_ERR_INSTALLED'],
      [6, 'OCF_ERR_CONFIGURED'],
      [8, 'OCF_RUNNING_PROMOTED'],
      [9, 'OCF_FAILED_PROMOTED'],
      [190, 'OCF_DEGRADED'],
      [191, 'OCF_DEGRADED_PROMOTED'],
      [42, 'unknown OCF code 42'],
    ];
    for (const [code, name] of failures) {
      const res = await run('monitor', code);
      expect(res).toMatchObject({ ok: false, running: false, exitCode: code });
      expect(res.reason).toBe(`monitor failed (exit ${code}, ${name})`);
    }
  });

  it('puts the last stderr line in a failure reason', async () => {
    const agent = dir.script('noisy.sh', 'echo "starting" >&2; echo "bind: port 80 in use" >&2; echo; exit 1');
    const res = await new CommandResource(config([agent]), ENV).start();
    expect(res.ok).toBe(false);
    expect(res.reason).toBe('start failed (exit 1, OCF_ERR_GENERIC): bind: port 80 in use');
    expect(res.stderr).toContain('starting');
  });

  it('reports a death by signal with exitCode null', async () => {
    const agent = dir.script('suicide.sh', 'kill -9 $$');
    const res = await new CommandResource(config([agent]), ENV).monitor();
    expect(res).toMatchObject({ ok: false, running: false, exitCode: null });
    expect(res.reason).toBe('monitor failed: killed by SIGKILL');
  });
});

describe('CommandResource: spawn failures', () => {
  it('reports ENOENT for a missing program', async () => {
    const res = await new CommandResource(config([dir.file('does-not-exist')]), ENV).start();
    expect(res).toMatchObject({ ok: false, running: false, exitCode: null });
    expect(res.reason).toMatch(/^start failed: cannot run ".*does-not-exist": ENOENT \(no such file or directory\)$/);
  });

  it('reports EACCES for a file without the execute bit', async () => {
    const agent = dir.script('not-exec.sh', 'exit 0', 0o644);
    const res = await new CommandResource(config([agent]), ENV).start();
    expect(res.ok).toBe(false);
    expect(res.reason).toContain('EACCES (permission denied)');
  });

  it('reports an empty command instead of throwing', async () => {
    const res = await new CommandResource(config([]), ENV).monitor();
    expect(res).toMatchObject({ ok: false, exitCode: null, reason: 'monitor failed: resource "web" has an empty command' });
  });
});

describe('CommandResource: timeouts and background daemons', () => {
  it('times out, kills the whole process group and says so', async () => {
    const pidFile = dir.file('sleep-timeout.pid');
    const agent = dir.script('hang.sh', `sleep 30 & echo $! > ${pidFile}; wait`);
    const r = new CommandResource(config([agent], 300), ENV, { killGraceMs: 500 });
    const res = await r.start();
    expect(res).toMatchObject({ ok: false, running: false, exitCode: null, reason: 'start timed out after 300 ms' });
    expect(res.durationMs).toBeGreaterThanOrEqual(290);
    expect(res.durationMs).toBeLessThan(1500);
    const sleepPid = Number(dir.read('sleep-timeout.pid'));
    leftovers.push(sleepPid);
    // The grandchild got SIGTERM with its group: it must not outlive the failed start.
    expect(await waitGone(sleepPid, 1000)).toBe(true);
  });

  it('escalates to SIGKILL after the grace period when SIGTERM is ignored', async () => {
    const agent = dir.script('stubborn.sh', `trap '' TERM; sleep 30`);
    const r = new CommandResource(config([agent], 200), ENV, { killGraceMs: 300 });
    const res = await r.stop();
    expect(res.ok).toBe(false);
    expect(res.reason).toBe('stop timed out after 200 ms');
    expect(res.durationMs).toBeGreaterThanOrEqual(480);
    expect(res.durationMs).toBeLessThan(2000);
  });

  it('resolves a start promptly when the script leaves a daemon holding its stdout, and leaves the daemon alone', async () => {
    const pidFile = dir.file('daemon.pid');
    // The background sleep inherits stdout/stderr: waiting for EOF would take 30 s.
    const agent = dir.script('daemon.sh', `sleep 30 & echo $! > ${pidFile}; echo "daemon started"; exit 0`);
    const r = new CommandResource(config([agent], 10_000), ENV);
    const res = await r.start();
    const daemonPid = Number(dir.read('daemon.pid'));
    leftovers.push(daemonPid);
    expect(res).toMatchObject({ ok: true, running: true, exitCode: 0 });
    expect(res.durationMs).toBeLessThan(1000);
    expect(res.stdout).toContain('daemon started');
    // Past the moment the start deadline would have fired had it not been cleared.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(isAlive(daemonPid)).toBe(true);
  });

  it('does not signal a leftover daemon even when the exit lands just before the deadline', async () => {
    const pidFile = dir.file('late-daemon.pid');
    const agent = dir.script('late.sh', `sleep 30 & echo $! > ${pidFile}; sleep 0.2; exit 0`);
    // The exit (~0.2 s) falls inside the 400 ms deadline, the deadline inside the 400 ms settle window.
    const r = new CommandResource(config([agent], 400), ENV, { outputSettleMs: 400 });
    const res = await r.start();
    const daemonPid = Number(dir.read('late-daemon.pid'));
    leftovers.push(daemonPid);
    expect(res.ok).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(isAlive(daemonPid)).toBe(true);
  });
});

describe('CommandResource: output bound', () => {
  it('keeps at most 4 KiB per stream, the tail, and still finds the last stderr line', async () => {
    const agent = dir.script(
      'flood.sh',
      `i=0; while [ $i -lt 2000 ]; do echo "out line $i ................................"; ` +
        `echo "err line $i ................................" >&2; i=$((i+1)); done; echo "fatal: disk full" >&2; exit 1`,
    );
    const res = await new CommandResource(config([agent]), ENV).start();
    expect(Buffer.byteLength(res.stdout)).toBeLessThanOrEqual(4096);
    expect(Buffer.byteLength(res.stderr)).toBeLessThanOrEqual(4096);
    expect(Buffer.byteLength(res.stdout)).toBeGreaterThan(4000);
    expect(res.stdout).toContain('out line 1999');
    expect(res.stdout).not.toContain('out line 0 ');
    expect(res.stderr.endsWith('fatal: disk full\n')).toBe(true);
    expect(res.reason).toBe('start failed (exit 1, OCF_ERR_GENERIC): fatal: disk full');
  });
});

describe('CommandResource: one action at a time', () => {
  it('runs a call that arrives during another after it, in order', async () => {
    const log = dir.file('order.log');
    const agent = dir.script('slow.sh', `echo "$1-begin" >> ${log}; sleep 0.2; echo "$1-end" >> ${log}`);
    const r = new CommandResource(config([agent]), ENV);
    const [start, monitor, stop] = await Promise.all([r.start(), r.monitor(), r.stop()]);
    expect([start.ok, monitor.ok, stop.ok]).toEqual([true, true, true]);
    expect(dir.read('order.log').trim().split('\n')).toEqual([
      'start-begin',
      'start-end',
      'monitor-begin',
      'monitor-end',
      'stop-begin',
      'stop-end',
    ]);
  });

  it('refuses a call beyond the queue bound at once, and serves the accepted ones', async () => {
    const agent = dir.script('slow2.sh', 'sleep 0.3');
    const r = new CommandResource(config([agent]), ENV, { maxQueued: 2 });
    const accepted = [r.start(), r.monitor(), r.monitor()];
    expect(r.queued).toBe(2);
    const refused = await r.stop();
    expect(refused).toMatchObject({ ok: false, exitCode: null, durationMs: 0 });
    expect(refused.reason).toBe('stop refused: 2 actions of resource "web" are already waiting (limit 2)');
    expect(r.busy).toBe(true);
    const results = await Promise.all(accepted);
    expect(results.map((x) => x.ok)).toEqual([true, true, true]);
    expect(r.busy).toBe(false);
    // After the queue drained, calls are accepted again.
    expect((await r.monitor()).ok).toBe(true);
  });
});
