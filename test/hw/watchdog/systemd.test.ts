// systemd service watchdog: environment parsing, the service messages, and
// real datagrams through systemd-notify and socat to a socat UNIX-RECV
// receiver standing in for PID 1.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../hw/ups/sim/manualClock';
import { GatedPetter } from '../../../hw/watchdog/petter';
import { chooseNotifier, socatSender, systemdNotifySender, type RunProgram, type SdNotifier } from '../../../hw/watchdog/sdNotify';
import { parseSystemdEnv } from '../../../hw/watchdog/systemdEnv';
import { SystemdService } from '../../../hw/watchdog/systemdService';

describe('parseSystemdEnv', () => {
  it('enables the watchdog for us and pings at half the interval', () => {
    const e = parseSystemdEnv({ WATCHDOG_USEC: '10000000', WATCHDOG_PID: '123', NOTIFY_SOCKET: '/run/systemd/notify' }, 123);
    expect(e).toMatchObject({ watchdogEnabled: true, watchdogUsec: 10_000_000, pingIntervalMs: 5000, notifySocket: '/run/systemd/notify' });
  });

  it('accepts an abstract socket and a missing WATCHDOG_PID', () => {
    expect(parseSystemdEnv({ WATCHDOG_USEC: '3000000', NOTIFY_SOCKET: '@/org/freedesktop/systemd1/notify' }, 1)).toMatchObject({ watchdogEnabled: true, pingIntervalMs: 1500 });
  });

  it.each([
    [{}, 'WATCHDOG_USEC is not set'],
    [{ WATCHDOG_USEC: 'abc', NOTIFY_SOCKET: '/s' }, 'not a positive integer'],
    [{ WATCHDOG_USEC: '0', NOTIFY_SOCKET: '/s' }, 'not a positive integer'],
    [{ WATCHDOG_USEC: '1000000', WATCHDOG_PID: '999', NOTIFY_SOCKET: '/s' }, 'names another process (we are 123)'],
    [{ WATCHDOG_USEC: '1000000' }, 'NOTIFY_SOCKET is not set'],
    [{ WATCHDOG_USEC: '1000000', NOTIFY_SOCKET: 'relative' }, 'neither an absolute path nor @abstract'],
  ])('disabled with a reason: %j', (env, why) => {
    const e = parseSystemdEnv(env as Record<string, string>, 123);
    expect(e.watchdogEnabled).toBe(false);
    expect(e.reason).toContain(why);
  });
});

describe('SystemdService (fake sender)', () => {
  function fake(): SdNotifier & { sent: string[][] } {
    const sent: string[][] = [];
    return { via: 'fake', sent, notify: async (a) => (sent.push([...a]), { ok: true }) };
  }

  it('sends READY, STATUS without newlines, WATCHDOG from the petter at half the interval, STOPPING', async () => {
    const env = parseSystemdEnv({ WATCHDOG_USEC: '2000000', NOTIFY_SOCKET: '/x' }, 1);
    const n = fake();
    const svc = new SystemdService(env, n);
    await svc.ready('active on node a\nsecond line');
    const clock = new ManualClock();
    const petter = new GatedPetter({ target: svc.watchdogTarget(), gate: { check: () => ({ open: true }) }, intervalMs: env.pingIntervalMs!, schedule: clock.schedule, nowMs: () => clock.nowMs });
    petter.start();
    const flush = (): Promise<void> => new Promise((r) => setImmediate(r));
    for (let i = 0; i < 4; i++) {
      await flush();
      clock.advance(1000);
    }
    await flush();
    petter.stop();
    expect(petter.status().skippedBusy).toBe(0);
    await svc.stopping('shutting down');
    expect(n.sent[0]).toEqual(['READY=1', 'STATUS=active on node a second line']);
    expect(n.sent.filter((a) => a[0] === 'WATCHDOG=1')).toHaveLength(5); // t = 0, 1000, 2000, 3000, 4000
    expect(n.sent[n.sent.length - 1]).toEqual(['STOPPING=1', 'STATUS=shutting down']);
  });

  it('is a quiet no-op outside systemd, and the watchdog target refuses when disabled', async () => {
    const svc = new SystemdService(parseSystemdEnv({}, 1), null);
    expect(await svc.ready()).toEqual({ ok: true });
    expect(svc.active).toBe(false);
    expect(await svc.watchdogTarget().pet()).toMatchObject({ ok: false, error: expect.stringContaining('WATCHDOG_USEC is not set') });
  });

  it('passes the right arguments to systemd-notify and socat', async () => {
    const calls: Array<{ file: string; args: readonly string[]; stdin: string; socket?: string }> = [];
    const run: RunProgram = async (file, args, o) => (calls.push({ file, args, stdin: o.stdin, socket: o.env.NOTIFY_SOCKET }), { code: 0, stderr: '' });
    await systemdNotifySender({ socket: '/run/n', run }).notify(['WATCHDOG=1']);
    await socatSender({ socket: '@abs', run }).notify(['READY=1', 'STATUS=x']);
    expect(calls[0]).toEqual({ file: 'systemd-notify', args: ['WATCHDOG=1'], stdin: '', socket: '/run/n' });
    expect(calls[1]).toMatchObject({ file: 'socat', args: ['-u', '-', 'ABSTRACT-SENDTO:abs'], stdin: 'READY=1\nSTATUS=x' });
    const failing: RunProgram = async () => ({ code: 1, stderr: 'Failed to notify init system: No such file or directory\n' });
    expect(await systemdNotifySender({ socket: '/run/n', run: failing }).notify(['READY=1'])).toEqual({ ok: false, error: 'systemd-notify exited 1: Failed to notify init system: No such file or directory' });
  });

  it('chooseNotifier prefers systemd-notify, then socat, else says neither exists', async () => {
    expect((await chooseNotifier('/s', async (n) => `/usr/bin/${n}`)).notifier?.via).toBe('systemd-notify');
    expect((await chooseNotifier('/s', async (n) => (n === 'socat' ? '/usr/bin/socat' : null))).notifier?.via).toBe('socat');
    expect(await chooseNotifier('/s', async () => null)).toMatchObject({ notifier: null, why: expect.stringContaining('neither') });
  });
});

const have = (bin: string): boolean => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
const HAVE_TOOLS = have('socat') && have('systemd-notify');

(HAVE_TOOLS ? describe : describe.skip)('real datagrams to a socat receiver (needs socat and systemd-notify)', () => {
  let dir: string;
  let receiver: ChildProcess;
  let socket: string;
  let out: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edge-ha-notify-'));
    socket = join(dir, 'notify');
    out = join(dir, 'received');
    receiver = spawn('socat', ['-u', `UNIX-RECV:${socket}`, `OPEN:${out},creat,append`], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 10));
  });
  afterAll(() => {
    receiver.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('systemd-notify (no barrier: the receiver is not PID 1) and socat both deliver', async () => {
    const env = parseSystemdEnv({ WATCHDOG_USEC: '1000000', NOTIFY_SOCKET: socket }, process.pid);
    const viaNotify = new SystemdService(env, systemdNotifySender({ socket, noBlock: true }));
    expect(await viaNotify.ready('up')).toEqual({ ok: true });
    expect(await viaNotify.watchdogTarget().pet()).toEqual({ ok: true });
    const viaSocat = new SystemdService(env, socatSender({ socket }));
    expect(await viaSocat.stopping('bye')).toEqual({ ok: true });
    await new Promise((r) => setTimeout(r, 100));
    const text = readFileSync(out, 'utf8');
    expect(text.indexOf('READY=1\nSTATUS=up')).toBeGreaterThanOrEqual(0);
    expect(text.indexOf('WATCHDOG=1')).toBeGreaterThan(text.indexOf('READY=1'));
    expect(text.indexOf('STOPPING=1\nSTATUS=bye')).toBeGreaterThan(text.indexOf('WATCHDOG=1'));
  });

  it('a socket nobody listens on is an error that names the cause', async () => {
    const r = await socatSender({ socket: join(dir, 'nobody') }).notify(['WATCHDOG=1']);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/socat exited 1: .*No such file or directory/);
  });
});
