import * as net from 'node:net';
import { createFenceDevice } from '../../../src/shell/fence/createDevice';
import { CommandFenceDevice } from '../../../src/shell/fence/commandDevice';
import { SimPowerFenceDevice } from '../../../src/shell/fence/simPowerDevice';
import { createMemoryPowerBackend } from '../../../src/simpower/memoryBackend';
import { startSimPowerServer } from '../../../src/simpower/server';

function device(port: number, plug = 'p2', timeoutMs = 500): SimPowerFenceDevice {
  return new SimPowerFenceDevice({ name: 'sim', type: 'sim-power', address: { host: '127.0.0.1', port }, plug, timeoutMs });
}

/** A TCP server that answers every connection with `reply` (or closes at once when null). */
async function fakeSwitch(reply: string | null): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    if (reply === null) s.end();
    else s.once('data', () => s.write(reply));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describe('SimPowerFenceDevice', () => {
  it('switches the configured plug and reads its status', async () => {
    const backend = createMemoryPowerBackend({ p2: true });
    const started = await startSimPowerServer({ host: '127.0.0.1', port: 0, backend, rebootDelayMs: 0 });
    if (!started.ok) throw new Error(started.reason);
    try {
      const d = device(started.port);
      expect(await d.status('n2')).toMatchObject({ state: 'on', reason: 'plug p2 (n2) is on' });
      expect(await d.off('n2')).toMatchObject({ ok: true, reason: 'switch turned plug p2 (n2) off' });
      expect(await d.status('n2')).toMatchObject({ state: 'off' });
      expect((await d.monitor()).ok).toBe(true);
      expect((await d.on('n2')).ok).toBe(true);
      expect(backend.isOn('p2')).toBe(true);
      const wrongPlug = await device(started.port, 'p9').off('n2');
      expect(wrongPlug.ok).toBe(false);
      expect(wrongPlug.reason).toContain('answered: ERR unknown plug "p9"');
    } finally {
      await started.close();
    }
  });

  it('reports a refused connection', async () => {
    const fake = await fakeSwitch(null);
    await fake.close(); // nothing listens on this port any more
    const r = await device(fake.port).off('n2');
    expect(r.ok).toBe(false);
    expect(r.reason).toContain('ECONNREFUSED');
    expect((await device(fake.port).status('n2')).state).toBe('unknown');
  });

  it('treats garbage, a wrong state and a silent close as failures', async () => {
    const garbage = await fakeSwitch('HELLO THERE\n');
    const wrong = await fakeSwitch('OK ON\n');
    const silent = await fakeSwitch(null);
    try {
      const g = await device(garbage.port).off('n2');
      expect(g).toMatchObject({ ok: false });
      expect(g.reason).toContain('unexpected reply "HELLO THERE"');
      const w = await device(wrong.port).off('n2');
      expect(w).toMatchObject({ ok: false, reason: 'off of n2 failed: switch answered "OK ON"' });
      const s = await device(silent.port).status('n2');
      expect(s.state).toBe('unknown');
      expect(s.reason).toContain('closed the connection without a reply');
    } finally {
      await Promise.all([garbage.close(), wrong.close(), silent.close()]);
    }
  });

  it('refuses a plug name the protocol cannot carry without connecting', async () => {
    const r = await device(1, 'p2\nOFF p1').off('n2');
    expect(r).toMatchObject({ ok: false });
    expect(r.reason).toContain('is not valid for the switch');
  });
});

describe('createFenceDevice', () => {
  it('builds the device type the config names', () => {
    const cmd = createFenceDevice({ name: 'ipmi', type: 'command', command: ['/bin/true'], options: {}, timeoutMs: 1000 });
    const sim = createFenceDevice({ name: 'sim', type: 'sim-power', address: { host: '127.0.0.1', port: 1 }, plug: 'p', timeoutMs: 1000 });
    expect(cmd).toBeInstanceOf(CommandFenceDevice);
    expect(sim).toBeInstanceOf(SimPowerFenceDevice);
    expect([cmd.name, sim.name]).toEqual(['ipmi', 'sim']);
  });
});
