// LinuxWatchdog: open errors, keepalive writes, the magic-close rules
// (config, nowayout), status from a fake sysfs tree and a fake helper, and
// the whole thing against the FIFO simulator in real time.

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WatchdogFileOps } from '../../../hw/watchdog/fileOps';
import { LinuxWatchdog, type LinuxWatchdogOptions } from '../../../hw/watchdog/linuxWatchdog';
import { FifoWatchdogSim } from '../../../hw/watchdog/sim/fifoSim';
import type { WdctlAvailability, WdctlReply } from '../../../hw/watchdog/wdctl';
import { which } from '../../../hw/watchdog/wdctl';

class FakeOps implements WatchdogFileOps {
  writes: string[] = [];
  closed = 0;
  openError: NodeJS.ErrnoException | null = null;
  writeError: Error | null = null;
  open(): number {
    if (this.openError) throw this.openError;
    return 42;
  }
  write(_fd: number, byte: string): void {
    if (this.writeError) throw this.writeError;
    this.writes.push(byte);
  }
  close(): void {
    this.closed += 1;
  }
}

function fakeHelper(answers: Record<string, WdctlReply>): WdctlAvailability & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    available: true,
    calls,
    helper: {
      path: '/fake/edge-ha-wdctl',
      run: async (fd, args) => {
        calls.push([String(fd), ...args]);
        return answers[args[0]] ?? { ok: false, op: args[0], errno: 'ENOTTY', message: 'not a watchdog device' };
      },
    },
  };
}

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'edge-ha-wdsys-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function sysfs(name: string, attrs: Record<string, string>): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [k, v] of Object.entries(attrs)) writeFileSync(join(dir, k), `${v}\n`);
  return root;
}

function make(o: Partial<LinuxWatchdogOptions> & { ops?: FakeOps } = {}): { wd: LinuxWatchdog; ops: FakeOps } {
  const ops = o.ops ?? new FakeOps();
  const wd = new LinuxWatchdog({ devicePath: '/dev/watchdog0', sysfsRoot: root, allowMagicClose: true, fileOps: ops, ...o });
  return { wd, ops };
}

describe('LinuxWatchdog (fake device)', () => {
  it('explains an EBUSY open (single opener: systemd may own it)', async () => {
    const ops = new FakeOps();
    ops.openError = Object.assign(new Error('EBUSY: resource busy'), { code: 'EBUSY' });
    const r = await make({ ops }).wd.open();
    expect(r).toMatchObject({ ok: false, code: 'EBUSY', error: expect.stringContaining('RuntimeWatchdogSec') });
  });

  it('pets with a byte that is never V, and reports write failures', async () => {
    const { wd, ops } = make();
    expect(wd.pet()).toMatchObject({ ok: false, error: expect.stringContaining('not open') });
    await wd.open();
    expect(wd.pet()).toEqual({ ok: true });
    expect(wd.pet()).toEqual({ ok: true });
    expect(ops.writes).toEqual(['k', 'k']);
    ops.writeError = new Error('EIO');
    expect(wd.pet()).toMatchObject({ ok: false, error: expect.stringContaining('EIO') });
  });

  it('magic close: V is the last write before close when allowed and nowayout is 0', async () => {
    sysfs('watchdog0', { nowayout: '0', timeout: '30', options: '0x8180' });
    const { wd, ops } = make();
    await wd.open();
    wd.pet();
    const r = await wd.stop('operator stop');
    expect(ops.writes).toEqual(['k', 'V']);
    expect(ops.closed).toBe(1);
    expect(r.disarmed).toBe(true);
  });

  it('no magic close when the config forbids it: the watchdog keeps running', async () => {
    sysfs('watchdog0', { nowayout: '0', timeout: '30' });
    const { wd, ops } = make({ allowMagicClose: false });
    await wd.open();
    const r = await wd.stop('shutdown');
    expect(ops.writes).toEqual([]);
    expect(ops.closed).toBe(1);
    expect(r).toMatchObject({ disarmed: false, why: expect.stringContaining('not allowed by config') });
    expect(r.why).toContain('within 30 s');
  });

  it('nowayout: reports that magic close cannot work and does not pretend', async () => {
    sysfs('watchdog1', { nowayout: '1', timeout: '60' });
    const { wd, ops } = make({ devicePath: '/dev/watchdog1' });
    await wd.open();
    const r = await wd.stop('shutdown');
    expect(ops.writes).toEqual([]);
    expect(r).toMatchObject({ disarmed: false, why: expect.stringContaining('nowayout') });
  });

  it('status: boot caused by the watchdog (CARDRESET) from sysfs, helper missing is named', async () => {
    sysfs('watchdog2', { identity: 'iTCO_wdt', timeout: '30', timeleft: '27', bootstatus: '32', nowayout: '0', state: 'active' });
    const { wd } = make({ devicePath: '/dev/watchdog2', helper: { available: false, why: 'helper not built here' } });
    const s = await wd.status();
    expect(s).toMatchObject({ identity: 'iTCO_wdt', timeoutS: 30, timeleftS: 27, lastBootByWatchdog: true, bootStatusFlags: ['cardreset'], nowayout: false });
    expect(s.unavailable).toContainEqual({ feature: 'ioctl status (GETSUPPORT/GETBOOTSTATUS/GETTIMEOUT)', why: 'helper not built here' });
    expect(s.unavailable.map((u) => u.feature)).toContain('sysfs options');
  });

  it('programs the timeout through the helper on the open descriptor and reports the driver\'s choice', async () => {
    sysfs('watchdog3', {});
    const helper = fakeHelper({
      'set-timeout': { ok: true, fields: { requested: '10', timeout: '8' } },
      info: { ok: true, fields: { options: '0x8180', identity: 'Software Watchdog', timeout: '8', timeleft: '7', bootstatus: '0x0' } },
    });
    const { wd } = make({ devicePath: '/dev/watchdog3', timeoutS: 10, helper });
    const r = await wd.open();
    expect(r).toMatchObject({ ok: true, timeoutS: 8 });
    if (r.ok) expect(r.unavailable[0]?.why).toContain('driver chose 8 s');
    expect(helper.calls[0]).toEqual(['42', 'set-timeout', '10']);
    const s = await wd.status();
    expect(s).toMatchObject({ identity: 'Software Watchdog', timeoutS: 8, timeleftS: 7, lastBootByWatchdog: false, magicCloseSupported: true });
  });

  it('without the helper the timeout cannot be set and open says why, but petting works', async () => {
    const { wd } = make({ devicePath: '/dev/watchdog3', timeoutS: 10, helper: { available: false, why: 'no C compiler (cc) on PATH' } });
    const r = await wd.open();
    expect(r).toMatchObject({ ok: true, timeoutS: null, unavailable: [{ feature: 'set timeout', why: 'no C compiler (cc) on PATH' }] });
    expect(wd.pet()).toEqual({ ok: true });
  });
});

describe('LinuxWatchdog against the FIFO simulator (real time)', () => {
  let hasMkfifo = false;
  beforeAll(async () => {
    hasMkfifo = (await which('mkfifo')) !== null;
  });

  async function withSim(fn: (sim: FifoWatchdogSim, resets: string[], path: string) => Promise<void>): Promise<void> {
    if (!hasMkfifo) {
      console.warn('skipping FIFO simulator test: mkfifo not found');
      return;
    }
    const path = join(root, `wd-${Math.random().toString(16).slice(2)}`);
    const resets: string[] = [];
    const sim = new FifoWatchdogSim({ path, timeoutMs: 150, onReset: (r) => resets.push(r) });
    await sim.start();
    try {
      await fn(sim, resets, path);
    } finally {
      await sim.stop();
    }
  }
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

  it('opening a FIFO nobody reads fails at once with ENXIO and advice, not a hang', async () => {
    if (!hasMkfifo) return;
    const path = join(root, 'no-reader');
    execFileSync('mkfifo', [path]);
    const wd = new LinuxWatchdog({ devicePath: path, allowMagicClose: true, sysfsName: null });
    const r = await wd.open();
    expect(r).toMatchObject({ ok: false, code: 'ENXIO', error: expect.stringContaining('no reader') });
  });

  it('keeps the simulated node alive while petted; magic close disarms it', async () => {
    await withSim(async (sim, resets, path) => {
      const wd = new LinuxWatchdog({ devicePath: path, allowMagicClose: true, sysfsName: null });
      expect(await wd.open()).toMatchObject({ ok: true });
      for (let i = 0; i < 6; i++) {
        expect(wd.pet()).toEqual({ ok: true });
        await sleep(50);
      }
      const stop = await wd.stop('test done');
      expect(stop.disarmed).toBeNull(); // no sysfs for a FIFO: effect not knowable from here
      await sleep(250);
      expect(resets).toEqual([]);
      expect(sim.core.events.some((e) => e.kind === 'closed' && e.disarmed)).toBe(true);
    });
  });

  it('a daemon that stops petting (or closes without V) gets the node reset', async () => {
    await withSim(async (sim, resets, path) => {
      const wd = new LinuxWatchdog({ devicePath: path, allowMagicClose: false, sysfsName: null });
      await wd.open();
      wd.pet();
      await wd.stop('crash-like close');
      await sleep(300);
      expect(resets).toHaveLength(1);
      expect(resets[0]).toContain('not petted for 150 ms');
      expect(sim.core.events.find((e) => e.kind === 'closed')).toMatchObject({ disarmed: false });
    });
  });
});
