// `edge-ha probe ups` end to end: the Megatec and APC Smart simulators on a
// real socat pty (hw/simdevice, in-process), and our NUT server on a free
// port; printed values and exit codes as an operator or a script sees them.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { UpsReading } from '../../../hw/ups/model';
import { openPtyPair } from '../../../hw/simdevice/ptyPair';
import { NutServer } from '../../../hw/ups/nut/server';
import type { NutProvided } from '../../../hw/ups/nut/serverCommands';
import { startSim, type SimHarness } from '../../hw/simdevice/helpers';
import { runCli } from './harness';

const haveSocat = fs.existsSync('/usr/bin/socat');
if (!haveSocat) console.warn('probe ups pty tests skipped: socat is not installed (Debian package socat)');
const describePty = haveSocat ? describe : describe.skip;

jest.setTimeout(15_000);

describePty.each([
  ['megatec', 'ups-megatec'],
  ['apcsmart', 'ups-apcsmart'],
])('probe ups --driver %s against the simulator on a pty', (driver, kind) => {
  let h: SimHarness;
  beforeAll(async () => {
    h = await startSim({ kind });
  });
  afterAll(async () => {
    await h.stop();
  });
  beforeEach(async () => {
    await h.send({ plug: true });
    await h.send({ set: { onBattery: false, lowBattery: false, charge: 100, load: 20, inputVoltage: 230 } });
  });

  it('prints the reading, explains OL and exits 0 on mains', async () => {
    await h.send({ set: { load: 37, inputVoltage: 228 } });
    const r = await runCli(['probe', 'ups', '--driver', driver, '--port', h.link]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`at ${h.link} (2400 8N1)`);
    expect(r.out).toMatch(/^Status +OL \(on line\)$/m);
    expect(r.out).toMatch(/^Health +ok: status OL$/m);
    expect(r.out).toMatch(/^Load +37 %$/m);
    expect(r.out).toMatch(/^Input +228 V, 50 Hz$/m);
  });

  it('on battery: OB explained, exit 1; --json carries the same reading', async () => {
    await h.send({ set: { onBattery: true, charge: 60 } });
    const r = await runCli(['probe', 'ups', '--driver', driver, '--port', `serial:${h.link}?baud=2400`, '--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as { health: string; exitCode: number; status: string[]; reading: UpsReading };
    expect(report).toMatchObject({ device: 'ups', driver, health: 'warning', exitCode: 1, status: ['OB'] });
    expect(report.reading['ups.load']).toBe(20);
    if (driver === 'apcsmart') expect(report.reading['battery.charge']).toBe(60);
    // Megatec has no charge field: 60 % becomes the battery voltage on NUT's 10.4..13.0 V scale.
    else expect(report.reading['battery.voltage']).toBeCloseTo(10.4 + 2.6 * 0.6, 1);
    const text = await runCli(['probe', 'ups', '--driver', driver, '--port', h.link]);
    expect(text.out).toMatch(/^Status +OB \(on battery\)$/m);
    expect(text.out).toMatch(/^Health +warning: on battery \(OB\)$/m);
  });

  it('on battery with low battery is critical: exit 2', async () => {
    await h.send({ set: { onBattery: true, lowBattery: true, charge: 8 } });
    const r = await runCli(['probe', 'ups', '--driver', driver, '--port', h.link]);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/^Status +OB \(on battery\), LB \(low battery\)$/m);
    expect(r.out).toMatch(/^Health +critical: on battery and battery low \(OB LB\)$/m);
  });

  it('a silent UPS (cable pulled) is unreachable: exit 3 within the timeout, reason on stderr', async () => {
    await h.send({ unplug: true });
    const started = Date.now();
    const r = await runCli(['probe', 'ups', '--driver', driver, '--port', h.link, '--timeout-ms', '700', '--json']);
    const tookMs = Date.now() - started;
    expect(r.code).toBe(3);
    expect(tookMs).toBeGreaterThanOrEqual(650);
    expect(tookMs).toBeLessThan(1500);
    expect(JSON.parse(r.out)).toMatchObject({ health: 'unreachable', exitCode: 3 });
    expect(r.err).toMatch(/^edge-ha: probe ups: .*(within 700 ms|no answer)/);
    // The port was released: the next probe can lock it again once the UPS talks.
    await h.send({ plug: true });
    expect((await runCli(['probe', 'ups', '--driver', driver, '--port', h.link])).code).toBe(0);
  });
});

describePty('probe ups: nothing at the port', () => {
  it('a pty with no device behind it times out: exit 3 within --timeout-ms', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-ha-probe-'));
    const pty = await openPtyPair(path.join(dir, 'ttyNobody'));
    try {
      const started = Date.now();
      const r = await runCli(['probe', 'ups', '--driver', 'megatec', '--port', pty.devicePath, '--timeout-ms', '600']);
      expect(r.code).toBe(3);
      expect(Date.now() - started).toBeLessThan(1400);
      expect(r.out).toBe('');
      expect(r.err).toMatch(/edge-ha: probe ups: (no complete reading from .* within 600 ms|.*no answer)/);
    } finally {
      await pty.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('probe ups: unreachable and usage errors', () => {
  it('a device path that does not exist: exit 3 at once, saying so', async () => {
    const r = await runCli(['probe', 'ups', '--driver', 'megatec', '--port', '/dev/edge-ha-no-such-tty']);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/edge-ha: probe ups: .*\/dev\/edge-ha-no-such-tty.*no such device/);
  });

  it.each([
    [['probe', 'ups', '--port', '/dev/ttyS0'], /required option '--driver <name>' not specified/],
    [['probe', 'ups', '--driver', 'blazer', '--port', '/dev/ttyS0'], /Allowed choices are megatec, apcsmart, nut/],
    [['probe', 'ups', '--driver', 'megatec'], /--driver megatec needs --port/],
    [['probe', 'ups', '--driver', 'megatec', '--port', 'ttyUSB0'], /--port: .*must be absolute/],
    [['probe', 'ups', '--driver', 'apcsmart', '--port', '/dev/ttyS0', '--host', 'x'], /--driver apcsmart does not take --host/],
    [['probe', 'ups', '--driver', 'nut', '--ups', 'u'], /--driver nut needs --host/],
    [['probe', 'ups', '--driver', 'nut', '--host', 'h'], /--driver nut needs --ups/],
    [['probe', 'ups', '--driver', 'nut', '--host', 'h', '--ups', 'u', '--port', '99999'], /upsd's TCP port, 1\.\.65535/],
    [['probe', 'ups', '--driver', 'nut', '--host', 'h', '--ups', 'u', '--user', 'mon'], /--user and --password-file go together/],
    [['probe', 'ups', '--driver', 'megatec', '--port', '/dev/ttyS0', '--timeout-ms', '5s'], /--timeout-ms: expected whole milliseconds/],
    [['probe', 'ups', '--driver', 'megatec', '--port', '/dev/ttyS0', '--bogus'], /unknown option '--bogus'/],
    [['probe', 'toaster'], /unknown command 'toaster'/],
  ])('%j is a usage error: exit 64', async (argv, message) => {
    const r = await runCli(argv as string[]);
    expect(r.code).toBe(64);
    expect(r.err).toMatch(message);
  });

  it('--help shows examples and the exit codes, exit 0', async () => {
    const r = await runCli(['probe', 'ups', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('edge-ha probe ups --driver nut --host 127.0.0.1 --ups myups');
    expect(r.out).toContain('64 usage error');
  });
});

describe('probe ups --driver nut against our upsd', () => {
  let server: NutServer;
  let port: number;
  let provided: NutProvided;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-ha-probe-nut-'));
    server = new NutServer({
      port: 0,
      ups: [{ name: 'rack', description: 'rack UPS' }],
      provider: () => provided,
      users: { monuser: { password: 's3cret', upsmon: true } },
    });
    port = (await server.listen()).port;
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads the served variables: OL CHRG explained, runtime in minutes, exit 0', async () => {
    provided = { 'ups.status': ['OL', 'CHRG'], 'battery.charge': 87, 'battery.runtime': 1830, 'ups.load': 41, 'ups.model': 'Back-UPS XS' };
    const r = await runCli(['probe', 'ups', '--driver', 'nut', '--host', '127.0.0.1', '--port', String(port), '--ups', 'rack']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`rack@127.0.0.1:${port}`);
    expect(r.out).toMatch(/^Status +OL \(on line\), CHRG \(charging\)$/m);
    expect(r.out).toMatch(/^Battery +87 % charge$/m);
    expect(r.out).toMatch(/^Runtime +30 min 30 s$/m);
    expect(r.out).toMatch(/^Load +41 %$/m);
  });

  it('sends --user and a 0600 --password-file to upsd; FSD is critical (exit 2)', async () => {
    const pw = path.join(dir, 'nut.pw');
    fs.writeFileSync(pw, 's3cret\n', { mode: 0o600 });
    provided = { 'ups.status': ['OB', 'FSD'] };
    const r = await runCli(['probe', 'ups', '--driver', 'nut', '--host', '127.0.0.1', '--port', String(port), '--ups', 'rack', '--user', 'monuser', '--password-file', pw, '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out)).toMatchObject({ health: 'critical', status: ['OB', 'FSD'] });
  });

  it('a group-readable --password-file is refused before connecting: usage error (64)', async () => {
    const open = path.join(dir, 'open.pw');
    fs.writeFileSync(open, 's3cret\n', { mode: 0o644 });
    fs.chmodSync(open, 0o644);
    const loose = await runCli(['probe', 'ups', '--driver', 'nut', '--host', '127.0.0.1', '--port', String(port), '--ups', 'rack', '--user', 'monuser', '--password-file', open]);
    expect(loose.code).toBe(64);
    expect(loose.err).toMatch(/mode 0644; expected 0600/);
  });

  it('an unknown UPS name and a closed port are unreachable: exit 3', async () => {
    provided = { 'ups.status': ['OL'] };
    const unknown = await runCli(['probe', 'ups', '--driver', 'nut', '--host', '127.0.0.1', '--port', String(port), '--ups', 'nosuch']);
    expect(unknown.code).toBe(3);
    expect(unknown.err).toMatch(/UNKNOWN-UPS/);
    const closed = await runCli(['probe', 'ups', '--driver', 'nut', '--host', '127.0.0.1', '--port', '1', '--ups', 'rack', '--timeout-ms', '1000']);
    expect(closed.code).toBe(3);
    expect(closed.err).toMatch(/cannot connect to 127\.0\.0\.1:1/);
  });
});
