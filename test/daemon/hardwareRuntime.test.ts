// The node's hardware, running as the daemon runs it: a Megatec UPS simulator
// behind a TCP link (ser2net style), a real mdstat file, the rules, and the
// NUT server read by Debian's own `upsc`. Readings must arrive as the core's
// health events with the right level, kind and reason.

import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseConfigText } from '../../src/config/load';
import type { HardwareConfig } from '../../src/config/types';
import { HardwareRuntime } from '../../src/daemon/hardware/runtime';
import { createSimUps, type SimUps } from '../../hw/simdevice/simUps';
import { loadSeedVars } from '../../hw/simdevice/runSimDevice';
import { timerSchedule } from '../../hw/ups/schedule';
import { variant } from '../config/fixtures';

const FIXTURES = join(__dirname, '../../../shared/fixtures/mdstat');
const HEALTHY_MDSTAT = `Personalities : [raid1]
md0 : active raid1 sdb1[1] sda1[0]
      1048512 blocks super 1.2 [2/2] [UU]

unused devices: <none>
`;

/** Both members of a mirror failed: no data left. */
const DEAD_MDSTAT = `Personalities : [raid1]
md0 : active raid1 sdb1[1](F) sda1[0](F)
      1048512 blocks super 1.2 [2/0] [__]

unused devices: <none>
`;

interface Seen {
  source: string;
  level: string;
  reason: string;
  kind: string;
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

function hardwareConfig(dir: string, port: number, nutPort: number, extra: Record<string, unknown> = {}): HardwareConfig {
  const r = parseConfigText(
    variant((d) => {
      d.hardware = {
        ups: { driver: 'megatec', link: `tcp://127.0.0.1:${port}`, pollIntervalMs: 100, serve: { bind: `127.0.0.1:${nutPort}` } },
        raid: [{ driver: 'md', mdstat: join(dir, 'mdstat'), pollIntervalMs: 100 }],
        ...extra,
      };
    }),
    dir,
    'test.yaml',
  );
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.config.hardware;
}

/** One simulated Megatec UPS served over TCP, one connection at a time (as ser2net does). */
async function serveUps(ups: SimUps): Promise<net.Server> {
  const server = net.createServer((socket) => {
    const stop = ups.device.onOutput((bytes) => socket.write(bytes));
    socket.on('data', (b) => ups.device.receive(new Uint8Array(b)));
    socket.on('close', stop);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

async function until<T>(what: string, f: () => T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('hardware runtime: readings to health events', () => {
  let dir: string;
  let ups: SimUps;
  let server: net.Server;
  let rt: HardwareRuntime | null = null;
  let nutPort = 0;
  const seen: Seen[] = [];
  const readings: Array<{ device: string; values: Record<string, unknown> }> = [];
  const last = (source: string) => [...seen].reverse().find((e) => e.source === source);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edge-ha-hw-'));
    writeFileSync(join(dir, 'mdstat'), HEALTHY_MDSTAT);
    ups = createSimUps('ups-megatec', loadSeedVars('ups-megatec'), timerSchedule);
    server = await serveUps(ups);
    nutPort = await freePort();
    seen.length = 0;
    readings.length = 0;
  });

  afterEach(async () => {
    await rt?.stop();
    rt = null;
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function start(extra: Record<string, unknown> = {}): HardwareRuntime {
    const port = (server.address() as net.AddressInfo).port;
    rt = new HardwareRuntime(hardwareConfig(dir, port, nutPort, extra), {
      health: (e) => seen.push(e),
      reading: (device, _kind, values) => readings.push({ device, values }),
      log: () => undefined,
      nowMs: () => performance.now(),
    });
    return rt;
  }

  test('UPS: on line -> on battery (alarm) -> low battery (critical power) -> back on line', async () => {
    await start().start();
    await until('UPS ok', () => (last('ups')?.level === 'ok' ? true : undefined));
    expect(last('ups')).toMatchObject({ kind: 'power', reason: expect.stringContaining('status OL') });
    ups.setOnBattery(true);
    const ob = await until('on battery', () => (last('ups')?.level === 'degraded' ? last('ups') : undefined));
    expect(ob.reason).toMatch(/^UPS on battery \(status OB/);
    ups.setLowBattery(true);
    const lb = await until('critical', () => (last('ups')?.level === 'critical' ? last('ups') : undefined));
    expect(lb).toMatchObject({ kind: 'power' });
    expect(lb.reason).toMatch(/^UPS power critical: .*status OB LB/);
    ups.setLowBattery(false);
    ups.setOnBattery(false);
    await until('ok again', () => (last('ups')?.level === 'ok' ? true : undefined));
    expect(readings.some((r) => r.device === 'ups' && typeof r.values['ups.status'] === 'string')).toBe(true);
  });

  test('RAID: a real capture with a failed member is degraded (alarm only); a dead array is critical, or degraded under rules.raidFailed alarm', async () => {
    await start().start();
    await until('raid ok', () => (last('raid:md0')?.level === 'ok' ? true : undefined));
    copyFileSync(join(FIXTURES, 'mdstat-failed'), join(dir, 'mdstat'));
    const degraded = await until('raid degraded', () => (last('raid:md0')?.level === 'degraded' ? last('raid:md0') : undefined));
    expect(degraded.kind).toBe('storage');
    writeFileSync(join(dir, 'mdstat'), DEAD_MDSTAT);
    const dead = await until('raid critical', () => (last('raid:md0')?.level === 'critical' ? last('raid:md0') : undefined));
    expect(dead.kind).toBe('storage');
    await rt?.stop();
    seen.length = 0;
    await start({ rules: { raidFailed: 'alarm' } }).start();
    const alarmed = await until('raid seen', () => last('raid:md0'));
    expect(alarmed.level).toBe('degraded');
    expect(alarmed.reason).toContain('rules.raidFailed is alarm');
  });

  test('the NUT server answers Debian\'s upsc with the simulator\'s status', async () => {
    const r = start();
    await r.start();
    await until('UPS ok', () => (last('ups')?.level === 'ok' ? true : undefined));
    const serving = await until('NUT server', () => r.status().ups?.serving ?? undefined);
    const upsc = async () => (await promisify(execFile)('upsc', [`ups@${serving}`, 'ups.status'])).stdout.trim();
    expect(await upsc()).toBe('OL');
    ups.setOnBattery(true);
    ups.setLowBattery(true);
    await until('critical', () => (last('ups')?.level === 'critical' ? true : undefined));
    expect(await upsc()).toBe('OB LB');
  });

  test('a UPS that does not answer is reported as comm lost, never thrown', async () => {
    ups.setUnplugged(true);
    await start().start();
    const lost = await until('comm lost', () => (last('ups')?.reason.startsWith('UPS communication lost') ? last('ups') : undefined), 8000);
    expect(lost.level).toBe('degraded');
    expect(rt?.status().ups?.commLost).toBe(true);
  });
});
