// Fencing topology: levels tried in order, every device of a level must
// confirm, and the outcome says which levels were tried. Against the real
// simulated power switch (one plug per device).

import { Fencer } from '../../../src/shell/fence/fencer';
import { SimPowerFenceDevice } from '../../../src/shell/fence/simPowerDevice';
import { fenceLevelsFor } from '../../../src/shell/fence/topology';
import { createMemoryPowerBackend, type MemoryPowerBackend } from '../../../src/simpower/memoryBackend';
import { startSimPowerServer, type SimPowerServer } from '../../../src/simpower/server';
import type { Config, FenceDeviceConfig } from '../../../src/config/types';

let backend: MemoryPowerBackend;
let server: SimPowerServer;

beforeEach(async () => {
  backend = createMemoryPowerBackend({ ipmi: true, psu1: true, psu2: true, spare: true });
  const r = await startSimPowerServer({ host: '127.0.0.1', port: 0, backend, rebootDelayMs: 5000 });
  if (!r.ok) throw new Error(r.reason);
  server = r;
});
afterEach(async () => {
  await server.close();
});

function cfg(name: string, plug = name, timeoutMs = 1000): Extract<FenceDeviceConfig, { type: 'sim-power' }> {
  return { name, type: 'sim-power', address: { host: '127.0.0.1', port: server.port }, plug, timeoutMs };
}
const dev = (name: string, timeoutMs = 1000) => new SimPowerFenceDevice(cfg(name, name, timeoutMs));

describe('fencing levels', () => {
  it('a working first level wins and later levels are not touched', async () => {
    const fencer = new Fencer({ levels: [[dev('ipmi')], [dev('psu1'), dev('psu2')]], timeoutMs: 3000 });
    const out = await fencer.fence('n2', 'off');
    expect(out).toMatchObject({ confirmedOff: true, device: 'ipmi' });
    expect(out.levels).toEqual([{ level: 1, devices: ['ipmi'], ok: true, reason: 'ipmi confirmed n2 is off' }]);
    expect(backend.history).toEqual([{ plug: 'ipmi', op: 'off' }]);
  });

  it('a level with two devices needs both: one fails → the next level is tried', async () => {
    server.setFault('psu2', 'lie');
    const fencer = new Fencer({ levels: [[dev('psu1'), dev('psu2')], [dev('spare')]], timeoutMs: 3000 });
    const out = await fencer.fence('n2', 'off');
    expect(out).toMatchObject({ confirmedOff: true, device: 'spare' });
    expect(out.levels.map((l) => [l.level, l.devices, l.ok])).toEqual([
      [1, ['psu1', 'psu2'], false],
      [2, ['spare'], true],
    ]);
    expect(out.levels[0]?.reason).toBe('psu2 reported off but status still reads on');
    expect(out.attempts.map((a) => [a.level, a.device, a.step, a.ok])).toEqual([
      [1, 'psu1', 'off', true],
      [1, 'psu1', 'status', true],
      [1, 'psu2', 'off', true],
      [1, 'psu2', 'status', false],
      [2, 'spare', 'off', true],
      [2, 'spare', 'status', true],
    ]);
  });

  it('both devices of a level confirming makes the level (and the fence) succeed', async () => {
    const out = await new Fencer({ levels: [[dev('psu1'), dev('psu2')]], timeoutMs: 3000 }).fence('n2', 'off');
    expect(out).toMatchObject({ confirmedOff: true, device: 'psu1+psu2', reason: 'psu1+psu2 confirmed n2 is off' });
    expect(backend.isOn('psu1') || backend.isOn('psu2')).toBe(false);
  });

  it('all levels failing: the reason names each level and each device failure', async () => {
    server.setFault('ipmi', 'fail');
    server.setFault('psu1', 'lie');
    const fencer = new Fencer({ levels: [[dev('ipmi')], [dev('psu2'), dev('psu1')]], timeoutMs: 3000 });
    const out = await fencer.fence('n2', 'off');
    expect(out.confirmedOff).toBe(false);
    expect(out.device).toBeNull();
    expect(out.reason).toMatch(
      /^fencing n2 failed: ipmi: off of n2 failed: .*ERR relay fault.*; level 2 \(psu2\+psu1\): psu1 reported off but status still reads on$/,
    );
    expect(out.levels.map((l) => l.ok)).toEqual([false, false]);
  });

  it('reboot of a two-device level: all off and confirmed, then all on; judged on the off half', async () => {
    const out = await new Fencer({ levels: [[dev('psu1'), dev('psu2')]], timeoutMs: 3000 }).fence('n2', 'reboot');
    expect(out).toMatchObject({ confirmedOff: true, reason: 'psu1+psu2 confirmed n2 is off; powered it back on' });
    expect(backend.history).toEqual([
      { plug: 'psu1', op: 'off' },
      { plug: 'psu2', op: 'off' },
      { plug: 'psu1', op: 'on' },
      { plug: 'psu2', op: 'on' },
    ]);
  });

  it('the overall timeout cuts a level short and reports it as failed; later levels never run', async () => {
    server.setFault('psu2', 'hang');
    const fencer = new Fencer({ levels: [[dev('psu1'), dev('psu2', 5000)], [dev('spare')]], timeoutMs: 300 });
    const out = await fencer.fence('n2', 'off');
    expect(out.confirmedOff).toBe(false);
    expect(out.reason).toBe('fencing n2 timed out after 300 ms waiting for psu2 off');
    expect(out.levels).toEqual([
      { level: 1, devices: ['psu1', 'psu2'], ok: false, reason: 'cut short: the fence timed out after 300 ms' },
    ]);
    expect(backend.isOn('spare')).toBe(true);
  });
});

describe('fenceLevelsFor (from the configuration)', () => {
  const fencing = (levels?: string[][]): Config['fencing'] => ({
    monitorIntervalMs: 60_000,
    action: 'off',
    devices: [cfg('ipmi'), cfg('psu1'), cfg('psu2')],
    ...(levels ? { levels } : {}),
  });

  it('without levels each device is its own level, in config order', () => {
    expect(new Fencer({ levels: fenceLevelsFor(fencing()), timeoutMs: 1 }).topology).toEqual([['ipmi'], ['psu1'], ['psu2']]);
  });

  it('with levels, the same device object serves every level that names it', () => {
    const levels = fenceLevelsFor(fencing([['psu1', 'psu2'], ['psu1']]));
    expect(levels.map((l) => l.map((d) => d.name))).toEqual([['psu1', 'psu2'], ['psu1']]);
    expect(levels[0]?.[0]).toBe(levels[1]?.[0]);
  });

  it('drives the devices the config names (end to end)', async () => {
    server.setFault('ipmi', 'fail');
    const out = await new Fencer({ levels: fenceLevelsFor(fencing([['ipmi'], ['psu1', 'psu2']])), timeoutMs: 3000 }).fence('n2', 'off');
    expect(out).toMatchObject({ confirmedOff: true, device: 'psu1+psu2' });
  });
});
