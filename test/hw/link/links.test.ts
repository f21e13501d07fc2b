import net from 'node:net';
import { SerialPortMock } from 'serialport';
import { simGpioBackend, SimGpioChip } from '../../../hw/gpio/sim';
import { openGpioLine } from '../../../hw/gpio/line';
import type { GpioLine } from '../../../hw/gpio/types';
import { DataFanout } from '../../../hw/link/fanout';
import { gpioBacked } from '../../../hw/link/gpioModem';
import { PortModemLines, type ModemPort } from '../../../hw/link/modemLines';
import { reconnectingLink } from '../../../hw/link/reconnecting';
import { openSerialPortLink, type SerialPortConstructor } from '../../../hw/link/serialLink';
import { openTcpLink } from '../../../hw/link/tcpLink';
import { linkFactoryFromUrl } from '../../../hw/link/factory';
import { LinkOpenError } from '../../../hw/link/types';
import { ManualClock } from '../../../hw/ups/sim/manualClock';
import { timerSchedule } from '../../../hw/ups/schedule';

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

/** A port whose ioctls we script: records every set() and can fail like a pty. */
function scriptedPort(failWith: string | null = null) {
  const sets: Array<{ dtr: boolean; rts: boolean; brk: boolean }> = [];
  const port: ModemPort & { open: boolean } = {
    open: true,
    get isOpen() {
      return this.open;
    },
    set(flags, cb) {
      if (failWith) return cb(new Error(failWith));
      sets.push({ ...flags });
      cb(null);
    },
    get(cb) {
      if (failWith) return cb(new Error(failWith));
      cb(null, { cts: true, dsr: false, dcd: true });
    },
  };
  return { port, sets };
}

describe('PortModemLines', () => {
  it('always sends DTR, RTS and BREAK together, keeping the other line as last set', async () => {
    const clock = new ManualClock();
    const { port, sets } = scriptedPort();
    const modem = new PortModemLines(port, '/dev/ttyS1', clock.schedule);
    await modem.setDtr(false);
    await modem.setRts(false);
    await modem.setRts(true);
    const brk = modem.sendBreak(300);
    await flush();
    expect(sets.at(-1)).toEqual({ dtr: false, rts: true, brk: true });
    clock.advance(300);
    expect(await brk).toEqual({ ok: true, value: undefined });
    expect(sets).toEqual([
      { dtr: false, rts: true, brk: false },
      { dtr: false, rts: false, brk: false },
      { dtr: false, rts: true, brk: false },
      { dtr: false, rts: true, brk: true },
      { dtr: false, rts: true, brk: false },
    ]);
    expect(await modem.read()).toEqual({ ok: true, value: { cts: true, dsr: false, dcd: true } });
  });

  it('reports ENOTTY as a typed ioctl error naming the port, and a closed port as closed', async () => {
    const { port } = scriptedPort('Error: Inappropriate ioctl for device, cannot set');
    const modem = new PortModemLines(port, '/dev/pts/7', timerSchedule);
    const r = await modem.setDtr(true);
    expect(r).toEqual({
      ok: false,
      error: { kind: 'ioctl-failed', message: 'cannot set DTR on on /dev/pts/7: the device has no modem lines (a pseudo-terminal has none): Error: Inappropriate ioctl for device, cannot set' },
    });
    port.open = false;
    expect(await modem.read()).toMatchObject({ ok: false, error: { kind: 'closed' } });
    expect(await modem.sendBreak(-1)).toMatchObject({ ok: false, error: { kind: 'invalid-argument' } });
  });
});

describe('gpioBacked modem lines', () => {
  it('drives DTR/RTS/BREAK on GPIO outputs and reads CTS/DCD from inputs; unwired outputs are unsupported', async () => {
    const clock = new ManualClock();
    const chip = new SimGpioChip('lab', ['dtr', 'brk', 'cts', 'dcd']);
    const gclock = { schedule: clock.schedule, nowMs: () => clock.nowMs };
    const open = async (cfg: Parameters<typeof openGpioLine>[1]): Promise<GpioLine> => {
      const r = await openGpioLine(simGpioBackend(chip), cfg, gclock);
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    };
    const modem = gpioBacked(
      {
        dtr: await open({ name: 'dtr', chip: 'lab', offset: 0, direction: 'out', activeLow: true }),
        brk: await open({ name: 'brk', chip: 'lab', offset: 1, direction: 'out' }),
        cts: await open({ name: 'cts', chip: 'lab', offset: 2, direction: 'in' }),
        dcd: await open({ name: 'dcd', chip: 'lab', offset: 3, direction: 'in' }),
      },
      clock.schedule,
    );
    expect(await modem.setDtr(true)).toEqual({ ok: true, value: undefined });
    expect(chip.level('dtr')).toBe(0); // active-low: asserted is a low pin
    chip.drive('cts', 1);
    expect(await modem.read()).toEqual({ ok: true, value: { cts: true, dsr: false, dcd: false } });
    const rts = await modem.setRts(true);
    expect(rts).toEqual({ ok: false, error: { kind: 'unsupported', message: 'cannot set RTS on: no GPIO line is wired as RTS' } });
    const brk = modem.sendBreak(100);
    await flush();
    expect(chip.level('brk')).toBe(1);
    clock.advance(100);
    expect((await brk).ok).toBe(true);
    expect(chip.level('brk')).toBe(0);
    chip.failWrites('dtr', 'EIO');
    expect(await modem.setDtr(false)).toMatchObject({ ok: false, error: { kind: 'io-error', message: expect.stringContaining('EIO') } });
  });
});

describe('DataFanout', () => {
  it('hands early bytes to the first subscriber once and drops beyond the bound', async () => {
    const f = new DataFanout(4);
    f.deliver(Uint8Array.from([1, 2, 3]));
    f.deliver(Uint8Array.from([4, 5, 6]));
    expect(f.droppedBytes).toBe(2);
    const a: number[][] = [];
    const b: number[][] = [];
    f.subscribe((x) => a.push([...x]));
    f.subscribe((x) => b.push([...x]));
    await flush();
    f.deliver(Uint8Array.from([7]));
    expect(a).toEqual([[1, 2, 3, 4], [7]]);
    expect(b).toEqual([[7]]);
  });
});

describe('serialport backend (SerialPortMock)', () => {
  afterEach(() => SerialPortMock.binding.reset());

  it('opens with the settings, writes, refuses changes fixed at open, closes, and classifies open failures', async () => {
    SerialPortMock.binding.createPort('/dev/ttyMOCK0', { echo: false, record: true });
    const link = await openSerialPortLink({ path: '/dev/ttyMOCK0', settings: { baudRate: 2400 }, portClass: SerialPortMock as unknown as SerialPortConstructor });
    expect(link.description).toBe('serial /dev/ttyMOCK0');
    expect(link.line.settings).toEqual({ baudRate: 2400, dataBits: 8, parity: 'none', stopBits: 1 });
    await link.write(Buffer.from('Q1\r'));
    const unsupported = await link.line.apply({ parity: 'even' });
    expect(unsupported).toMatchObject({ ok: false, error: { kind: 'unsupported', message: expect.stringContaining('open a new link for 2400 8E1') } });
    const closed = new Promise<string>((r) => link.onClose(r));
    link.close();
    expect(await closed).toBe('closed by us');
    await expect(link.write(Buffer.from('x'))).rejects.toThrow('serial /dev/ttyMOCK0 is closed');

    const missing = await openSerialPortLink({ path: '/dev/ttyNOPE', portClass: SerialPortMock as unknown as SerialPortConstructor }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(LinkOpenError);
    const bad = await openSerialPortLink({ path: '/dev/ttyMOCK0', settings: { baudRate: 7 } }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ kind: 'invalid-config', message: 'serial /dev/ttyMOCK0: baud rate must be a whole number 50..4000000, got 7' });
  });
});

describe('TCP backend (ser2net style)', () => {
  let server: net.Server;
  let port: number;
  const sockets = new Set<net.Socket>();

  beforeAll(async () => {
    server = net.createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.write('RPS-10 Ready\r\n');
      s.on('data', (d) => s.write(`echo:${d.toString()}`));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as net.AddressInfo).port;
  });

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  });

  it('keeps the accept-time banner, round-trips, and has no modem lines', async () => {
    const link = await openTcpLink({ host: '127.0.0.1', port });
    await new Promise((r) => setTimeout(r, 30));
    const got: string[] = [];
    link.onData((b) => got.push(Buffer.from(b).toString()));
    await flush();
    await link.write(Buffer.from('?'));
    await waitUntil(() => got.join('') === 'RPS-10 Ready\r\necho:?');
    expect(await link.modem.setDtr(false)).toMatchObject({ ok: false, error: { kind: 'unsupported' } });
    expect(await link.line.apply({ baudRate: 9600 })).toMatchObject({ ok: true });
    expect(await link.line.apply({ baudRate: 2400 })).toMatchObject({ ok: false, error: { kind: 'unsupported' } });
    link.close();
  });

  it('reports the far end going away, and a refused connection as such', async () => {
    const link = await openTcpLink({ host: '127.0.0.1', port });
    const reason = new Promise<string>((r) => link.onClose(r));
    await waitUntil(() => sockets.size > 0);
    for (const s of sockets) s.destroy();
    expect(await reason).toMatch(/^tcp 127\.0\.0\.1:\d+ connection (closed by the far end|lost)/);
    const refused = await openTcpLink({ host: '127.0.0.1', port: 1 }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ kind: 'refused', message: expect.stringContaining('connection refused') });
  });

  it('reconnects through the URL factory after the server drops us', async () => {
    const f = linkFactoryFromUrl(`tcp://127.0.0.1:${port}`);
    if (!f.ok) throw new Error(f.error);
    const link = reconnectingLink({ open: f.value, clock: { schedule: timerSchedule, nowMs: () => Date.now() }, random: () => 0, backoff: { initialMs: 20 } });
    await waitUntil(() => link.state.state === 'connected');
    for (const s of sockets) s.destroy();
    await waitUntil(() => link.state.state === 'comm-lost');
    await waitUntil(() => link.state.state === 'connected');
    expect(link.state).toMatchObject({ reconnects: 1 });
    link.close();
  });
});

async function waitUntil(cond: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
