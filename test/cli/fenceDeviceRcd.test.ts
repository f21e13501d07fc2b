// `edge-ha fence-device rcd-serial` against a socat pty pair. A pty has no
// modem lines, so what this path can really observe is: the port opens (and
// is locked), every DTR/RTS ioctl fails, and that failure is the fence's
// reason, even while the sense input already reads off. The power-good sense
// comes from the simulated GPIO backend; status and on only read it.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSerialPortLink } from '../../hw/link/serialLink';
import { runFenceCli } from './fenceHelpers';
import { RelayWorld, waitUntil } from './fenceGpioWorld';

const hasSocat = spawnSync('which', ['socat']).status === 0;
if (!hasSocat) console.warn('socat not installed: skipping the rcd-serial pty tests (apt-get install socat)');
const describeIfSocat = hasSocat ? describe : describe.skip;

describeIfSocat('fence-device rcd-serial over a socat pty', () => {
  let dir: string;
  let tty: string;
  let socat: ChildProcess;
  let world: RelayWorld;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-ha-rcd-'));
    tty = path.join(dir, 'ttyRCD');
    socat = spawn('socat', [`pty,raw,echo=0,link=${tty}`, `pty,raw,echo=0,link=${path.join(dir, 'ttyPEER')}`], { stdio: 'ignore' });
    await waitUntil(() => fs.existsSync(tty) && fs.existsSync(path.join(dir, 'ttyPEER')), 4000);
  });
  afterAll(async () => {
    if (socat.exitCode === null) {
      const gone = new Promise((r) => socat.once('exit', r));
      socat.kill('SIGTERM');
      await gone;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    // Nothing drives the sense from the cable here (it cannot move): the peer's power is set by the test.
    world = new RelayWorld(dir, 'lie');
    await world.start(true);
  });
  afterEach(() => world.stop());

  const rcd = (action: string, ...extra: string[]) =>
    runFenceCli([
      'fence-device', 'rcd-serial', '--action', action, '--port', tty, '--sense-chip', 'gpiochip1', '--sense-line', '2',
      '--gpio-backend', 'sim', '--sim-file', world.inputs, '--pulse-ms', '50', '--timeout', '600', ...extra,
    ]);

  it('status and on read the sense only: on → 0, off → 2, on waits for on', async () => {
    expect(await rcd('status')).toMatchObject({ code: 0, out: expect.stringMatching(/reads on/) });
    await world.setPowered(false);
    expect(await rcd('status')).toMatchObject({ code: 2 });
    const on = rcd('on');
    setTimeout(() => void world.setPowered(true), 150);
    expect(await on).toMatchObject({ code: 0, out: expect.stringMatching(/the reset cable has no on action; target "peer" reads on/) });
  });

  it('off on a port without modem lines fails with that reason, even though the sense already reads off', async () => {
    await world.setPowered(false);
    for (const signal of ['dtr', 'rts']) {
      const r = await rcd('off', '--signal', signal);
      expect(r.code).toBe(1);
      expect(r.out).toBe('');
      expect(r.err).toMatch(/^edge-ha: rcd-serial off failed: .*cannot reset "peer": .*no modem lines \(a pseudo-terminal has none\)/);
    }
  });

  it('monitor opens the port and reports the missing modem lines', async () => {
    const r = await rcd('monitor');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no modem lines/);
  });

  it('a port another process holds, or one that does not exist, fails to open', async () => {
    const holder = await openSerialPortLink({ path: tty });
    try {
      const busy = await rcd('off');
      expect(busy.code).toBe(1);
      expect(busy.err).toMatch(/reset cable port failed to open: .*/);
    } finally {
      holder.close();
    }
    const missing = await runFenceCli([
      'fence-device', 'rcd-serial', '--action', 'off', '--port', path.join(dir, 'ttyNONE'), '--sense-chip', 'c', '--sense-line', '0',
      '--gpio-backend', 'sim', '--sim-file', world.inputs, '--timeout', '300',
    ]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/reset cable port failed to open/);
  });
});

describe('fence-device rcd-serial: bad options', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--sense-chip', 'c', '--sense-line', '0'], /rcd-serial needs --port PATH/],
    [['--port', 'tcp://127.0.0.1:4001', '--sense-chip', 'c', '--sense-line', '0'], /--port: the reset cable needs a local serial port's modem lines/],
    [['--port', 'ttyS1', '--sense-chip', 'c', '--sense-line', '0'], /--port: link URL "ttyS1": a serial path must be absolute/],
    [['--port', '/dev/ttyS1', '--sense-line', '0'], /rcd-serial needs --sense-chip NAME --sense-line N/],
    [['--port', '/dev/ttyS1', '--sense-chip', 'c'], /rcd-serial needs --sense-line N/],
    [['--port', '/dev/ttyS1', '--sense-chip', 'c', '--sense-line', '0', '--signal', 'cts'], /--signal: expected dtr or rts, got "cts"/],
    [['--port', '/dev/ttyS1', '--sense-chip', 'c', '--sense-line', '0', '--pulse-ms', '40000'], /--pulse-ms: expected an integer 1\.\.30000/],
    [['--port', '/dev/ttyS1', '--sense-chip', 'c', '--sense-line', '0', '--chip', 'x'], /rcd-serial does not take --chip/],
  ];
  it.each(cases)('%j', async (args, reason) => {
    const r = await runFenceCli(['fence-device', 'rcd-serial', '--action', 'off', ...args]);
    expect(r).toMatchObject({ code: 1, out: '' });
    expect(r.err).toMatch(reason);
  });
});
