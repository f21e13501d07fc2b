// `edge-ha sim-device` through the command line: each kind started as an
// operator would (JSON lines in, JSON replies out), probed or read from the
// host side, then stopped by end of input or Ctrl-C; and the usage errors.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { startGpioFileBridge } from '../../../hw/gpio/simFileBridge';
import { SimGpioChip } from '../../../hw/gpio/sim';
import { ManualClock } from '../../../hw/ups/sim/manualClock';
import { runCli, type CliRun } from './harness';

const haveSocat = fs.existsSync('/usr/bin/socat');
if (!haveSocat) console.warn('sim-device pty tests skipped: socat is not installed (Debian package socat)');
const describePty = haveSocat ? describe : describe.skip;
const haveMkfifo = fs.existsSync('/usr/bin/mkfifo');
const describeFifo = haveMkfifo ? describe : describe.skip;

jest.setTimeout(15_000);

interface CliSim {
  ready: Record<string, unknown>;
  /** Send one control line and wait for its reply. */
  send(cmd: object | string): Promise<Record<string, unknown>>;
  /** Lines that were events (not replies). */
  events: Record<string, unknown>[];
  interrupt(): void;
  /** End stdin and wait for the command to finish. */
  stop(): Promise<CliRun>;
  result: Promise<CliRun>;
}

async function startCliSim(argv: string[]): Promise<CliSim> {
  const stdin = new PassThrough();
  const waiting: Array<(r: Record<string, unknown>) => void> = [];
  const events: Record<string, unknown>[] = [];
  let interrupt: () => void = () => undefined;
  let buf = '';
  let readyResolve!: (r: Record<string, unknown>) => void;
  const ready = new Promise<Record<string, unknown>>((r) => (readyResolve = r));
  const result = runCli(argv, {
    stdin,
    onInterrupt: (h) => (interrupt = h),
    onStdout: (text) => {
      buf += text;
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const msg = JSON.parse(buf.slice(0, i)) as Record<string, unknown>;
        buf = buf.slice(i + 1);
        if (msg.ready === true) readyResolve(msg);
        else if ('ok' in msg) waiting.shift()?.(msg);
        else events.push(msg);
      }
    },
  });
  const first = await Promise.race([ready, result.then((r) => Promise.reject(new Error(`sim-device ended (${r.code}): ${r.err}`)))]);
  return {
    ready: first,
    events,
    send: (cmd) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no reply to ${JSON.stringify(cmd)}`)), 3000);
        waiting.push((r) => (clearTimeout(timer), resolve(r)));
        stdin.write(`${typeof cmd === 'string' ? cmd : JSON.stringify(cmd)}\n`);
      }),
    interrupt: () => interrupt(),
    stop: () => (stdin.end(), result),
    result,
  };
}

let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-ha-simdev-cli-'))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('sim-device usage errors (exit 64)', () => {
  it.each([
    [['sim-device', 'ups-toaster', '--link', '/tmp/x'], /unknown device kind "ups-toaster"; kinds: ups-megatec, ups-apcsmart, ups-gpio, raid-areca, watchdog/],
    [['sim-device', 'ups-megatec'], /required option '--link <path>' not specified/],
    [['sim-device', '--link', '/tmp/x'], /missing required argument 'kind'/],
    [['sim-device', 'raid-areca', '--link', '/tmp/x', '--from-dump', 'f.dev'], /--from-dump is for ups-megatec, ups-apcsmart, not raid-areca/],
    [['sim-device', 'ups-megatec', '--link', '/tmp/x', '--from-dump', '/nonexistent/x.dev'], /--from-dump: cannot read dump \/nonexistent\/x\.dev/],
    [['sim-device', 'raid-areca', '--link', '/tmp/x', '--members', '40'], /--members: expected 1\.\.32/],
    [['sim-device', 'ups-gpio', '--link', '/tmp/x', '--nowayout'], /--nowayout is for watchdog, not ups-gpio/],
  ])('%j', async (argv, message) => {
    const r = await runCli(argv as string[]);
    expect(r.code).toBe(64);
    expect(r.err).toMatch(message);
  });

  it('a link path that cannot be created: exit 1, saying why', async () => {
    const r = await runCli(['sim-device', 'ups-megatec', '--link', path.join(dir, 'no', 'such', 'dir', 'tty')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/sim-device ups-megatec could not start: pty pair at .* failed/);
  });
});

describePty('sim-device ups-megatec from the command line', () => {
  it('serves the UPS until Ctrl-C, then removes the link (exit 0)', async () => {
    const link = path.join(dir, 'ttyMEGA');
    const sim = await startCliSim(['sim-device', 'ups-megatec', '--link', link]);
    expect(sim.ready).toMatchObject({ kind: 'ups-megatec', link });
    expect(fs.existsSync(link)).toBe(true);
    expect(await sim.send({ set: { onBattery: true } })).toMatchObject({ ok: true, state: { onBattery: true } });
    const probe = await runCli(['probe', 'ups', '--driver', 'megatec', '--port', link]);
    expect(probe.code).toBe(1);
    sim.interrupt();
    expect((await sim.result).code).toBe(0);
    expect(fs.existsSync(link)).toBe(false);
  });
});

describePty('sim-device raid-areca + probe raid --driver areca', () => {
  let sim: CliSim;
  const link = () => path.join(dir, 'ttyARECA');
  beforeAll(async () => {
    sim = await startCliSim(['sim-device', 'raid-areca', '--link', link(), '--members', '4']);
  });
  afterAll(async () => {
    if (sim) expect((await sim.stop()).code).toBe(0);
    expect(fs.existsSync(link())).toBe(false);
  });

  const probe = (...extra: string[]) => runCli(['probe', 'raid', '--driver', 'areca', '--port', link(), '--timeout-ms', '3000', ...extra]);

  it('a healthy controller: one raid5 volume over 4 disks, exit 0', async () => {
    expect(sim.ready).toMatchObject({ kind: 'raid-areca', password: '0000' });
    const r = await probe('--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    expect(report.arrays).toHaveLength(1);
    expect(report.arrays[0]).toMatchObject({ name: 'volume 0 "ARC-SIM-VOL#000"', state: 'ok', level: 'raid5' });
    expect(report.arrays[0].members.map((m: { name: string }) => m.name)).toEqual([0, 1, 2, 3].map((d) => `disk ${d} SIM DISK 1000GB`));
  });

  it('one disk lost: degraded (1); replaced: rebuilding (1); healed: ok (0)', async () => {
    expect(await sim.send({ failDisk: 2 })).toMatchObject({ ok: true, state: { missingDisks: [2, 4] } });
    let r = await probe();
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^volume 0 "ARC-SIM-VOL#000" +degraded, raid5$/m);
    expect(r.out).toMatch(/disk 2 \(not answering\)/);
    await sim.send({ replaceDisk: 2 });
    r = await probe('--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).arrays[0]).toMatchObject({ state: 'rebuilding', progress: { action: 'rebuilding', percent: null } });
    await sim.send({ heal: true });
    expect((await probe()).code).toBe(0);
  });

  it('two disks lost from a raid5: failed, exit 2', async () => {
    await sim.send({ failDisk: 0 });
    await sim.send({ failDisk: 1 });
    const r = await probe();
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/^Health +critical: volume 0 "ARC-SIM-VOL#000" failed/m);
    await sim.send({ heal: true });
  });

  it('an unplugged controller is unreachable within the timeout (3); a dropped reply too', async () => {
    await sim.send({ unplug: true });
    const started = Date.now();
    const r = await runCli(['probe', 'raid', '--driver', 'areca', '--port', link(), '--timeout-ms', '500']);
    expect(r.code).toBe(3);
    expect(Date.now() - started).toBeLessThan(1300);
    expect(r.err).toMatch(/no answer to GUI_IDENTIFY within 500 ms|within 500 ms/);
    await sim.send({ plug: true });
    await sim.send({ fault: 'drop' });
    const dropped = await runCli(['probe', 'raid', '--driver', 'areca', '--port', link(), '--timeout-ms', '800']);
    expect(dropped.code).toBe(3);
    expect((await probe()).code).toBe(0);
  });

  it('a wrong password is refused: exit 3 naming the password', async () => {
    const pw = path.join(dir, 'areca.pw');
    fs.writeFileSync(pw, '1234\n', { mode: 0o600 });
    const r = await probe('--password-file', pw);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/refused the password \(invalid password\)/);
  });

  it('bad control lines get a clear error and the device keeps going', async () => {
    expect(await sim.send({ failDisk: 9 })).toMatchObject({ ok: false, error: expect.stringMatching(/no drive slot 9/) });
    expect(await sim.send({ replaceDisk: 4 })).toMatchObject({ ok: false, error: expect.stringMatching(/was empty from the start/) });
    expect(await sim.send({ set: { volume: 0, status: ['exploding'] } })).toMatchObject({ ok: false, error: expect.stringMatching(/set\.status must be a list of/) });
    expect(await sim.send({ fly: true })).toMatchObject({ ok: false, error: expect.stringMatching(/unknown command "fly"/) });
    expect(await sim.send('x'.repeat(5000))).toMatchObject({ ok: false, error: expect.stringMatching(/longer than 4096/) });
    expect(await sim.send({ set: { volume: 0, status: ['checking'], progress: 300 } })).toMatchObject({ ok: true, state: { volumes: [{ state: 'ok', status: ['checking'], progress: 300 }] } });
    await sim.send({ heal: true });
  });
});

describe('sim-device ups-gpio drives the host\'s file bridge', () => {
  it('{"set":{"onBattery":true}} flips the on-battery line the host reads; EOF removes the inputs file', async () => {
    const bridgeDir = path.join(dir, 'gpio-ups');
    const sim = await startCliSim(['sim-device', 'ups-gpio', '--link', bridgeDir]);
    expect(sim.ready).toMatchObject({ kind: 'ups-gpio', inputs: path.join(bridgeDir, 'inputs.json'), lines: ['on-battery', 'low-battery'] });
    // The host side, as the daemon would wire it: a simulated chip fed by the bridge.
    const chip = new SimGpioChip('gpiochip-sim', ['on-battery', 'low-battery']);
    const clock = new ManualClock();
    const bridge = startGpioFileBridge({ chip, inputsPath: path.join(bridgeDir, 'inputs.json'), pollMs: 50, schedule: clock.schedule });
    try {
      await bridge.pollNow();
      expect([chip.level('on-battery'), chip.level('low-battery')]).toEqual([0, 0]);
      expect(await sim.send({ set: { onBattery: true } })).toMatchObject({ ok: true, state: { onBattery: true, lowBattery: false } });
      await bridge.pollNow();
      expect([chip.level('on-battery'), chip.level('low-battery')]).toEqual([1, 0]);
      await sim.send({ set: { lowBattery: true } });
      await bridge.pollNow();
      expect(chip.level('low-battery')).toBe(1);
      expect(await sim.send({ set: { charge: 10 } })).toMatchObject({ ok: false, error: expect.stringMatching(/only the onBattery and lowBattery contacts/) });
      expect(await sim.send({ unplug: true })).toMatchObject({ ok: false });
    } finally {
      bridge.stop();
    }
    expect((await sim.stop()).code).toBe(0);
    expect(fs.existsSync(bridgeDir)).toBe(false);
  });

  it('--active-low writes 0 for an asserted contact', async () => {
    const bridgeDir = path.join(dir, 'gpio-ups-low');
    const sim = await startCliSim(['sim-device', 'ups-gpio', '--link', bridgeDir, '--active-low']);
    const read = () => JSON.parse(fs.readFileSync(path.join(bridgeDir, 'inputs.json'), 'utf8'));
    expect(read()).toEqual({ 'on-battery': 1, 'low-battery': 1 });
    await sim.send({ set: { onBattery: true } });
    expect(read()).toEqual({ 'on-battery': 0, 'low-battery': 1 });
    await sim.stop();
  });
});

describeFifo('sim-device watchdog', () => {
  it('a FIFO that arms on the first write and reports a missed keepalive as a reset event', async () => {
    const fifo = path.join(dir, 'watchdog');
    const sim = await startCliSim(['sim-device', 'watchdog', '--link', fifo, '--timeout-ms', '300']);
    expect(sim.ready).toMatchObject({ kind: 'watchdog', timeoutMs: 300, state: { state: 'idle' } });
    expect(fs.lstatSync(fifo).isFIFO()).toBe(true);
    const fd = fs.openSync(fifo, fs.constants.O_WRONLY);
    fs.writeSync(fd, 'x');
    await new Promise((r) => setTimeout(r, 100));
    expect(await sim.send({ status: true })).toMatchObject({ ok: true, state: { state: 'armed', resets: 0 } });
    fs.closeSync(fd); // closed without the magic 'V': the timer keeps running
    await new Promise((r) => setTimeout(r, 450));
    expect(sim.events).toContainEqual(expect.objectContaining({ event: 'reset' }));
    expect(await sim.send({ status: true })).toMatchObject({ state: { resets: 1 } });
    expect((await sim.stop()).code).toBe(0);
    expect(fs.existsSync(fifo)).toBe(false);
  });
});
