// runSimDevice over a real PTY: a serial client opens the link path and talks
// Q1 / APC bytes while JSON control lines steer the device.

import { SerialPort } from 'serialport';
import { existsSync } from 'node:fs';
import { parseControlLine } from '../../../hw/simdevice/control';
import { ManualClock } from '../../../hw/ups/sim/manualClock';
import { startSim } from './helpers';

const haveSocat = existsSync('/usr/bin/socat');
if (!haveSocat) console.warn('sim-device tests skipped: socat is not installed (Debian package socat)');
const describePty = haveSocat ? describe : describe.skip;

async function openPort(path: string): Promise<{ port: SerialPort; ask(bytes: string, waitMs?: number): Promise<string>; close(): Promise<void> }> {
  const port = new SerialPort({ path, baudRate: 2400, autoOpen: false });
  await new Promise<void>((res, rej) => port.open((e) => (e ? rej(e) : res())));
  let got = '';
  port.on('data', (b: Buffer) => (got += b.toString('latin1')));
  return {
    port,
    ask: async (bytes, waitMs = 300) => {
      got = '';
      port.write(bytes);
      await new Promise((r) => setTimeout(r, waitMs));
      return got;
    },
    close: () => new Promise((r) => port.close(() => r())),
  };
}

describePty('sim-device ups-megatec on a pty', () => {
  it('answers Q1 on the link and follows set / unplug / plug / garbage commands', async () => {
    const h = await startSim({ kind: 'ups-megatec' });
    const port = await openPort(h.link);
    try {
      expect(h.replies[0]).toMatchObject({ ready: true, kind: 'ups-megatec', link: h.link, state: { onBattery: false } });
      expect(await port.ask('Q1\r')).toBe('(230.0 230.0 230.0 020 50.0 13.0 30.0 00001001\r');
      expect(await h.send({ set: { onBattery: true, charge: 50 } })).toMatchObject({ ok: true, command: 'set', state: { onBattery: true, charge: 50 } });
      // On battery: b7 set, input 0; charge 50 % of a 12 V pack is 11.7 V on NUT's 10.4..13.0 scale.
      expect(await port.ask('Q1\r')).toBe('(000.0 000.0 230.0 020 50.0 11.7 30.0 10001001\r');
      expect(await h.send({ unplug: true })).toMatchObject({ ok: true, state: { unplugged: true } });
      expect(await port.ask('Q1\r')).toBe('');
      await h.send({ plug: true });
      expect(await port.ask('Q1\r')).toMatch(/^\(000\.0 .* 10001001\r$/);
    } finally {
      await port.close();
      await h.stop();
    }
    expect(existsSync(h.link)).toBe(false); // socat removed its link
  });

  it('delivers a garbage burst of exactly N bytes', async () => {
    const h = await startSim({ kind: 'ups-megatec' });
    const port = await openPort(h.link);
    try {
      let got = 0;
      port.port.on('data', (b: Buffer) => (got += b.length));
      await h.send({ garbage: 100 });
      await new Promise((r) => setTimeout(r, 300));
      expect(got).toBe(100);
    } finally {
      await port.close();
      await h.stop();
    }
  });

  it('answers bad control lines with a clear error and keeps going', async () => {
    const h = await startSim({ kind: 'ups-apcsmart' });
    try {
      expect(await h.send('not json')).toMatchObject({ ok: false, error: expect.stringContaining('not JSON') });
      expect(await h.send({ fly: true })).toMatchObject({ ok: false, error: expect.stringContaining('unknown command "fly"') });
      expect(await h.send({ set: { charge: 140 } })).toMatchObject({ ok: false, error: 'set.charge must be a number from 0 to 100' });
      expect(await h.send('x'.repeat(5000))).toMatchObject({ ok: false, error: expect.stringContaining('longer than 4096') });
      expect(await h.send({ status: true })).toMatchObject({ ok: true, state: { onBattery: false, charge: 100 } });
    } finally {
      await h.stop();
    }
  });
});

describePty('sim-device ups-apcsmart', () => {
  it('speaks APC Smart on the link and starts from a dump', async () => {
    const h = await startSim({ kind: 'ups-apcsmart', fromDump: '/work/shared/fixtures/nut-ddl/APC__Smart-UPS_2200__apcsmart__2.2.0__01.dev' });
    const port = await openPort(h.link);
    try {
      expect(await port.ask('Y')).toBe('SM\r\n');
      expect(await port.ask('Q')).toBe('10\r\n'); // the dump is on battery
      expect(await port.ask('f')).toBe('089.0\r\n');
      await h.send({ set: { onBattery: false } });
      await new Promise((r) => setTimeout(r, 100));
      expect(await port.ask('Q')).toBe('08\r\n');
    } finally {
      await port.close();
      await h.stop();
    }
  });

  it('drains the battery while on battery and raises low battery at 20 %', async () => {
    const clock = new ManualClock();
    const h = await startSim({ kind: 'ups-apcsmart', schedule: clock.schedule, drainTickMs: 1000 });
    try {
      await h.send({ drain: { percentPerMin: 50 } });
      clock.advance(60_000);
      expect(await h.send({ status: true })).toMatchObject({ state: { charge: 100 } }); // on line: no drain
      await h.send({ set: { onBattery: true } });
      clock.advance(60_000);
      expect(await h.send({ status: true })).toMatchObject({ state: { charge: 50, lowBattery: false } });
      clock.advance(37_000);
      expect(await h.send({ status: true })).toMatchObject({ state: { lowBattery: true } });
      clock.advance(60_000);
      expect(await h.send({ status: true })).toMatchObject({ state: { charge: 0 } });
    } finally {
      await h.stop();
    }
  });

  it('refuses an unknown kind and a missing dump with a clear message', async () => {
    await expect(startSim({ kind: 'ups-voltronic' })).rejects.toThrow('unknown device kind "ups-voltronic"');
    await expect(startSim({ kind: 'ups-megatec', fromDump: '/nonexistent.dev' })).rejects.toThrow('cannot read dump /nonexistent.dev');
  });
});

describe('parseControlLine', () => {
  it('accepts the documented commands', () => {
    expect(parseControlLine('{"set":{"onBattery":true}}')).toEqual({ ok: true, value: { kind: 'set', set: { onBattery: true } } });
    expect(parseControlLine('{"drain":{"percentPerMin":2}}')).toEqual({ ok: true, value: { kind: 'drain', percentPerMin: 2 } });
    expect(parseControlLine('{"unplug":true}')).toEqual({ ok: true, value: { kind: 'unplug' } });
    expect(parseControlLine('{"garbage":16}')).toEqual({ ok: true, value: { kind: 'garbage', bytes: 16 } });
  });

  it('never throws on arbitrary text and explains every refusal', () => {
    const fc = require('fast-check') as typeof import('fast-check');
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.json()), (line) => {
        const r = parseControlLine(line);
        if (!r.ok) expect(r.error.length).toBeGreaterThan(5);
      }),
    );
  });
});
