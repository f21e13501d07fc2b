import fc from 'fast-check';
import * as net from 'node:net';
import { createMemoryPowerBackend, type MemoryPowerBackend } from '../../src/simpower/memoryBackend';
import { startSimPowerServer, type SimPowerServer } from '../../src/simpower/server';
import type { PowerBackend } from '../../src/simpower/types';
import { talk } from './talk';

const REBOOT_DELAY_MS = 150;
let backend: MemoryPowerBackend;
let server: SimPowerServer;

async function start(b: PowerBackend): Promise<SimPowerServer> {
  const r = await startSimPowerServer({ host: '127.0.0.1', port: 0, backend: b, rebootDelayMs: REBOOT_DELAY_MS });
  if (!r.ok) throw new Error(r.reason);
  return r;
}

beforeEach(async () => {
  backend = createMemoryPowerBackend({ p1: true, p2: false });
  server = await start(backend);
});
afterEach(async () => {
  await server.close();
});

const ask = async (line: string): Promise<string | undefined> => (await talk(server.port, `${line}\n`)).lines[0];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('sim power switch: commands', () => {
  it('answers STATUS, OFF, ON and LIST, and really switches the backend', async () => {
    expect(await ask('STATUS p1')).toBe('OK ON');
    expect(await ask('STATUS p2')).toBe('OK OFF');
    expect(await ask('LIST')).toBe('OK p1=ON p2=OFF');
    expect(await ask('OFF p1')).toBe('OK OFF');
    expect(backend.isOn('p1')).toBe(false);
    expect(await ask('ON p2')).toBe('OK ON');
    expect(backend.isOn('p2')).toBe(true);
    expect(await ask('LIST')).toBe('OK p1=OFF p2=ON');
    expect(backend.history).toEqual([
      { plug: 'p1', op: 'off' },
      { plug: 'p2', op: 'on' },
    ]);
  });

  it('accepts \\r\\n, lower-case verbs, blank lines and several commands per connection, answered in order', async () => {
    const c = await talk(server.port, '\r\nstatus p1\r\n  \nOff p1\nSTATUS p1\r\n', { expectLines: 3 });
    expect(c.lines).toEqual(['OK ON', 'OK OFF', 'OK OFF']);
  });

  it('answers a command from a client that half-closes right after sending it', async () => {
    const c = await talk(server.port, 'OFF p1\n', { halfClose: true, expectLines: 99 });
    expect(c.lines).toEqual(['OK OFF']);
    expect(c.closed).toBe(true);
    expect(backend.isOn('p1')).toBe(false);
  });

  it('REBOOT answers OK OFF after the off half and powers on after rebootDelayMs', async () => {
    const t0 = Date.now();
    expect(await ask('REBOOT p1')).toBe('OK OFF');
    expect(backend.isOn('p1')).toBe(false);
    expect(Date.now() - t0).toBeLessThan(REBOOT_DELAY_MS);
    await sleep(REBOOT_DELAY_MS + 100);
    expect(backend.isOn('p1')).toBe(true);
    expect(backend.history).toEqual([
      { plug: 'p1', op: 'off' },
      { plug: 'p1', op: 'on' },
    ]);
  });

  it('an OFF during a reboot delay cancels the pending power-on', async () => {
    expect(await ask('REBOOT p1')).toBe('OK OFF');
    expect(await ask('OFF p1')).toBe('OK OFF');
    await sleep(REBOOT_DELAY_MS + 100);
    expect(backend.isOn('p1')).toBe(false);
  });
});

describe('sim power switch: bad input', () => {
  it.each([
    ['STATUS nope', 'ERR unknown plug "nope"'],
    ['OFF P1', 'ERR unknown plug "P1"'],
    ['HELLO', 'ERR unknown command'],
    ['OFF', 'ERR usage: OFF <plug>'],
    ['ON p1 p2', 'ERR usage: ON <plug>'],
    ['LIST all', 'ERR usage: LIST'],
    ['STATUS p\u00e91', 'ERR unknown command'],
  ])('%j → %j', async (line, reply) => {
    const c = await talk(server.port, Buffer.from(`${line}\n`, 'latin1'));
    expect(c.lines).toEqual([reply]);
  });

  it('answers binary garbage with ERR unknown command and keeps serving', async () => {
    const c = await talk(server.port, Buffer.from([0x00, 0xff, 0x1b, 0x5b, 0x41, 0x0a, ...Buffer.from('STATUS p1\n')]), {
      expectLines: 2,
    });
    expect(c.lines).toEqual(['ERR unknown command', 'OK ON']);
  });

  it('accepts a 128-byte line but answers a 129-byte line with ERR line too long and closes', async () => {
    const ok = await talk(server.port, `${'X'.repeat(128)}\r\n`, { expectLines: 1 });
    expect(ok.lines).toEqual(['ERR unknown command']);
    const long = await talk(server.port, `STATUS p1\n${'X'.repeat(129)}\nSTATUS p1\n`, { expectLines: 99 });
    expect(long.lines).toEqual(['OK ON', 'ERR line too long']);
    expect(long.closed).toBe(true);
  });

  it('does not wait for a newline to refuse an endless line', async () => {
    const c = await talk(server.port, 'A'.repeat(10_000), { expectLines: 99 });
    expect(c.lines).toEqual(['ERR line too long']);
    expect(c.closed).toBe(true);
  });

  it('survives arbitrary bytes and still answers the next client', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (bytes) => {
        await talk(server.port, Buffer.from(bytes), { waitMs: 30, expectLines: 99 });
        expect(await ask('STATUS p2')).toBe('OK OFF');
      }),
      { numRuns: 25 },
    );
  });
});

describe('sim power switch: faults', () => {
  it('fail: every command on the plug answers ERR relay fault, other plugs are unaffected', async () => {
    expect(server.setFault('p1', 'fail')).toBe(true);
    expect(await ask('OFF p1')).toBe('ERR relay fault');
    expect(await ask('STATUS p1')).toBe('ERR relay fault');
    expect(backend.isOn('p1')).toBe(true);
    expect(await ask('STATUS p2')).toBe('OK OFF');
    expect(server.setFault('p1', 'none')).toBe(true);
    expect(await ask('OFF p1')).toBe('OK OFF');
  });

  it('hang: no answer at all, the connection stays open', async () => {
    server.setFault('p1', 'hang');
    const c = await talk(server.port, 'OFF p1\n', { waitMs: 300 });
    expect(c).toEqual({ lines: [], closed: false });
    expect(backend.isOn('p1')).toBe(true);
  });

  it('lie: OFF and REBOOT answer OK OFF without cutting power, STATUS tells the truth', async () => {
    server.setFault('p1', 'lie');
    expect(await ask('OFF p1')).toBe('OK OFF');
    expect(await ask('REBOOT p1')).toBe('OK OFF');
    expect(await ask('STATUS p1')).toBe('OK ON');
    expect(backend.history).toEqual([]);
  });

  it('setFault on an unknown plug reports false', () => {
    expect(server.setFault('nope', 'fail')).toBe(false);
  });

  it('reports a backend that fails to power off', async () => {
    const failing: PowerBackend = {
      plugs: () => ['p9'],
      isOn: () => true,
      powerOff: () => Promise.reject(new Error('daemon pid 123 would not die\n')),
      powerOn: () => Promise.resolve(),
    };
    const s = await start(failing);
    try {
      const c = await talk(s.port, 'OFF p9\n');
      expect(c.lines).toEqual(['ERR power off failed: daemon pid 123 would not die']);
    } finally {
      await s.close();
    }
  });
});

describe('startSimPowerServer', () => {
  it('refuses plug names the protocol cannot carry', async () => {
    const r = await startSimPowerServer({
      host: '127.0.0.1',
      port: 0,
      backend: createMemoryPowerBackend({ 'bad plug': true }),
      rebootDelayMs: 0,
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain('plug name "bad plug" cannot be used');
  });

  it('reports a port already in use instead of throwing', async () => {
    const r = await startSimPowerServer({ host: '127.0.0.1', port: server.port, backend, rebootDelayMs: 0 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain('EADDRINUSE');
  });

  it('close() drops open connections, including hung ones', async () => {
    server.setFault('p1', 'hang');
    const socket = net.createConnection({ host: '127.0.0.1', port: server.port });
    await new Promise((r) => socket.once('connect', r));
    socket.write('OFF p1\n');
    const closed = new Promise((r) => socket.once('close', r));
    await sleep(50);
    await server.close();
    await closed;
    const after = await talk(server.port, 'LIST\n', { waitMs: 300 });
    expect(after.lines).toEqual([]);
  });
});
