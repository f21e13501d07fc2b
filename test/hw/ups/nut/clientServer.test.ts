// Our NUT client against our NUT server over loopback TCP, and the server's
// answers line by line (errors, login rules, read-only refusals, bounds).

import { connect } from 'node:net';
import { NutClient } from '../../../../hw/ups/nut/client';
import { readNutReading } from '../../../../hw/ups/nut/reading';
import { NutServer } from '../../../../hw/ups/nut/server';
import type { NutProvided } from '../../../../hw/ups/nut/serverCommands';
import { connectTcp } from '../../../../hw/ups/nut/tcpTransport';
import { timerSchedule } from '../../../../hw/ups/schedule';
import type { UpsReading } from '../../../../hw/ups/model';

const reading: UpsReading = { 'ups.status': ['OB', 'LB'], 'battery.charge': 12, 'ups.model': 'Smart "UPS" \\ 1500', 'input.voltage': 0 };
let current: NutProvided = reading;

async function withServer<T>(fn: (port: number, server: NutServer) => Promise<T>, extra: Partial<ConstructorParameters<typeof NutServer>[0]> = {}): Promise<T> {
  const server = new NutServer({
    port: 0,
    ups: [{ name: 'su', description: 'rack UPS' }, { name: 'other' }],
    provider: (name) => (name === 'su' ? current : 'not-connected'),
    users: { mon: { password: 'pw', upsmon: true }, viewer: { password: 'v' } },
    ...extra,
  });
  const { port } = await server.listen();
  try {
    return await fn(port, server);
  } finally {
    await server.close();
  }
}

/** Raw request/answer lines, as a telnet user would see them. */
async function raw(port: number, lines: string[], expectLines: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port });
    let buf = '';
    const timer = setTimeout(() => (s.destroy(), reject(new Error(`got only: ${buf}`))), 3000);
    s.on('data', (d) => {
      buf += d.toString();
      const got = buf.split('\n').filter((l) => l !== '');
      if (got.length >= expectLines) {
        clearTimeout(timer);
        s.destroy();
        resolve(got);
      }
    });
    s.on('connect', () => s.write(lines.map((l) => `${l}\n`).join('')));
  });
}

const client = async (port: number) => new NutClient(await connectTcp({ host: '127.0.0.1', port }), { schedule: timerSchedule }, { requestTimeoutMs: 2000 });

beforeEach(() => (current = reading));

describe('client <-> server', () => {
  it('reads back the exact reading the provider holds, quotes and backslashes included', async () => {
    await withServer(async (port) => {
      const c = await client(port);
      expect(await c.netver()).toEqual({ ok: true, value: '1.3' });
      expect((await c.ver()).ok).toBe(true);
      expect(await c.listUps()).toEqual({ ok: true, value: [{ name: 'su', description: 'rack UPS' }, { name: 'other', description: 'Description unavailable' }] });
      const r = await readNutReading(c, 'su');
      expect(r.ok && r.value.reading).toEqual({ ...reading, 'ups.status': ['OB', 'LB'] });
      expect(await c.getVar('su', 'ups.model')).toEqual({ ok: true, value: 'Smart "UPS" \\ 1500' });
      expect(await c.logout()).toEqual({ ok: true, value: undefined });
      expect(c.isClosed).toBe(true);
    });
  });

  it('maps ERR answers to typed errors: unknown UPS, missing variable, stale data, driver gone', async () => {
    await withServer(async (port) => {
      const c = await client(port);
      expect(await c.getVar('nosuch', 'ups.status')).toMatchObject({ ok: false, error: { kind: 'nut', code: 'UNKNOWN-UPS' } });
      expect(await c.getVar('su', 'no.such')).toMatchObject({ ok: false, error: { kind: 'nut', code: 'VAR-NOT-SUPPORTED' } });
      expect(await c.listVars('other')).toMatchObject({ ok: false, error: { kind: 'nut', code: 'DRIVER-NOT-CONNECTED' } });
      current = 'stale';
      const stale = await c.listVars('su');
      expect(stale).toMatchObject({ ok: false, error: { kind: 'nut', code: 'DATA-STALE' } });
      expect(!stale.ok && stale.error.message).toContain('stale');
      expect(await c.getVar('su x', 'ups.status')).toMatchObject({ ok: false, error: { kind: 'invalid-request' } });
      c.close();
    });
  });

  it('enforces USERNAME/PASSWORD/LOGIN rules and counts logins', async () => {
    await withServer(async (port) => {
      const a = await client(port);
      expect(await a.login('su')).toMatchObject({ ok: false, error: { code: 'USERNAME-REQUIRED' } });
      expect(await a.authenticate('mon', 'pw')).toEqual({ ok: true, value: undefined });
      expect(await a.login('su')).toEqual({ ok: true, value: undefined });
      expect(await a.login('su')).toMatchObject({ ok: false, error: { code: 'ALREADY-LOGGED-IN' } });
      const b = await client(port);
      await b.authenticate('viewer', 'v');
      expect(await b.login('su')).toMatchObject({ ok: false, error: { code: 'ACCESS-DENIED' } }); // not an upsmon user
      expect(await raw(port, ['GET NUMLOGINS su'], 1)).toEqual(['NUMLOGINS su 1']);
      a.close();
      b.close();
    });
  });

  it('refuses writes as read-only and answers the rest as upsd does', async () => {
    await withServer(async (port) => {
      const lines = await raw(
        port,
        ['SET VAR su ups.delay.shutdown "5"', 'INSTCMD su load.off', 'FSD su', 'PRIMARY su', 'BOGUS', 'LIST CMD su', 'GET UPSDESC su', 'GET VAR su', 'LIST VAR', 'STARTTLS', 'GET TYPE su battery.charge', 'HELP', 'GET VAR su "unterminated'],
        14,
      );
      expect(lines).toEqual([
        'ERR ACCESS-DENIED',
        'ERR ACCESS-DENIED',
        'ERR ACCESS-DENIED',
        'ERR ACCESS-DENIED',
        'ERR UNKNOWN-COMMAND',
        'BEGIN LIST CMD su',
        'END LIST CMD su',
        'UPSDESC su "rack UPS"',
        'ERR INVALID-ARGUMENT',
        'ERR INVALID-ARGUMENT',
        'ERR FEATURE-NOT-CONFIGURED',
        'TYPE su battery.charge NUMBER',
        'Commands: HELP VER GET LIST SET INSTCMD LOGIN LOGOUT USERNAME PASSWORD STARTTLS',
        'ERR INVALID-ARGUMENT',
      ]);
    });
  });

  it('answers an overlong line with ERR TOO-LONG and keeps serving; drops connections over the limit', async () => {
    await withServer(
      async (port, server) => {
        expect(await raw(port, ['GET VAR su ' + 'x'.repeat(100), 'NETVER'], 2)).toEqual(['ERR TOO-LONG', '1.3']);
        while (server.connectionCount > 0) await new Promise((r) => setTimeout(r, 10));
        const first = await client(port);
        expect((await first.netver()).ok).toBe(true);
        const second = await client(port);
        const refused = await second.netver();
        expect(refused).toMatchObject({ ok: false, error: { kind: 'closed' } });
        expect(server.connectionCount).toBe(1);
        first.close();
      },
      { maxLineBytes: 64, maxConnections: 1 },
    );
  });

  it('times out on a silent server and closes, so a late answer cannot be misread', async () => {
    const { createServer } = await import('node:net');
    const silent = createServer((socket) => socket.resume()); // reads, never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    const c = new NutClient(await connectTcp({ host: '127.0.0.1', port }), { schedule: timerSchedule }, { requestTimeoutMs: 100 });
    expect(await c.ver()).toMatchObject({ ok: false, error: { kind: 'timeout' } });
    expect(await c.ver()).toMatchObject({ ok: false, error: { kind: 'closed' } });
    await new Promise<void>((r) => silent.close(() => r()));
  });
});
