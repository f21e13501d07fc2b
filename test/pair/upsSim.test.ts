// The pair's UPS simulator on TCP, read through the link URL the daemon gets
// (tcp://HOST:PORT) by the project's Megatec driver, as `edge-ha probe` does.
import net from 'node:net';
import { probeUps } from '../../src/cli/hardware/upsProbe';
import { startUpsSimServer, type UpsSimServer } from '../../src/pair/upsSim';

describe('the pair\'s Megatec UPS simulator on TCP', () => {
  let server: UpsSimServer;
  let link: string;
  beforeAll(async () => {
    const started = await startUpsSimServer('127.0.0.1', 0);
    if (!started.ok) throw new Error(started.reason);
    server = started.server;
    link = `tcp://127.0.0.1:${server.address.port}`;
  });
  afterAll(() => server.close());

  const status = async () => {
    const report = await probeUps({ driver: 'megatec', link }, 3000);
    if (report.status === undefined) throw new Error(`unreadable: ${report.reason}`);
    return { tokens: report.status, health: report.health, input: report.reading?.['input.voltage'] };
  };

  test('on line, on battery, battery low, back on line: what Q1 answers follows', async () => {
    expect(await status()).toMatchObject({ health: 'ok' });
    expect((await status()).tokens).toContain('OL');

    expect(server.apply('battery')).toMatch(/on battery/);
    const onBattery = await status();
    expect(onBattery.tokens).toContain('OB');
    expect(onBattery.tokens).not.toContain('LB');
    expect(onBattery.input).toBe(0);
    expect(onBattery.health).toBe('warning');

    server.apply('low');
    const low = await status();
    expect(low.tokens).toEqual(expect.arrayContaining(['OB', 'LB']));
    expect(low.health).toBe('critical');

    server.apply('line');
    const back = await status();
    expect(back.tokens).toContain('OL');
    expect(back.tokens).not.toContain('LB');
    expect(back.health).toBe('ok');
    expect(server.ups.state()).toMatchObject({ onBattery: false, lowBattery: false, charge: 100 });
  });

  test('one user at a time, like a serial port: a new connection replaces the old one', async () => {
    const first = net.connect(server.address.port, '127.0.0.1');
    await new Promise((resolve) => first.once('connect', resolve));
    const closed = new Promise((resolve) => first.once('close', resolve));
    // A daemon that comes back after a crash connects again and is served.
    expect((await status()).tokens).toContain('OL');
    await closed;
    expect(first.destroyed).toBe(true);
  });
});
