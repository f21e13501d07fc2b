// The daemon's path to the serial devices: config entries → fenceLevelsFor →
// the Fencer, over real TCP to the fence simulators. An lcus board confirms
// through the device its senseDevice names, whatever order they are listed in.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MemoryPower } from '../../../hw/fence';
import { startFenceSimServer, type FenceSimServer } from '../../../hw/fence/simServer';
import type { FenceDeviceConfig } from '../../../src/config/types';
import { Fencer } from '../../../src/shell/fence/fencer';
import { fenceLevelsFor } from '../../../src/shell/fence/topology';

const servers: FenceSimServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function sim(kind: 'lcus' | 'rps10' | 'apc-pdu', power: MemoryPower, lie = false, password = 'pw') {
  const r = await startFenceSimServer({ kind, host: '127.0.0.1', port: 0, power, password, faults: { lie } });
  if (!r.ok) throw new Error(r.reason);
  servers.push(r);
  return { host: '127.0.0.1', port: r.port };
}

test('lcus listed before its sense device: fencing confirms through the RPS-10 and the channel is off', async () => {
  const power = new MemoryPower();
  const devices: FenceDeviceConfig[] = [
    { name: 'relay', type: 'lcus', address: await sim('lcus', power), channel: 2, senseDevice: 'rps', timeoutMs: 1500 },
    { name: 'rps', type: 'rps10', address: await sim('rps10', power), outlet: 2, waitForReady: true, timeoutMs: 1500 },
  ];
  const levels = fenceLevelsFor({ action: 'off', devices, levels: [['relay']] });
  const outcome = await new Fencer({ levels, timeoutMs: 5000 }).fence('node-b', 'off');
  expect(outcome.confirmedOff).toBe(true);
  expect(power.isOn(2)).toBe(false);
});

test('an lcus board that ignores the frame is not confirmed', async () => {
  const power = new MemoryPower();
  const devices: FenceDeviceConfig[] = [
    { name: 'rps', type: 'rps10', address: await sim('rps10', power), outlet: 2, waitForReady: true, timeoutMs: 1500 },
    { name: 'relay', type: 'lcus', address: await sim('lcus', power, true), channel: 2, senseDevice: 'rps', timeoutMs: 800 },
  ];
  const levels = fenceLevelsFor({ action: 'off', devices, levels: [['relay']] });
  const outcome = await new Fencer({ levels, timeoutMs: 5000 }).fence('node-b', 'off');
  expect(outcome.confirmedOff).toBe(false);
  expect(power.isOn(2)).toBe(true);
});

describe('apc-pdu password file, read at use', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-ha-pdu-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a rotated password is picked up without rebuilding the device; a loosened mode stops it', async () => {
    const power = new MemoryPower();
    const file = path.join(dir, 'pw');
    fs.writeFileSync(file, 'old-secret-81\n', { mode: 0o600 });
    const pdu = { name: 'pdu', type: 'apc-pdu' as const, outlet: 3, login: 'apc', passwordFile: file, console: 'aos' as const, timeoutMs: 1500 };
    const device = fenceLevelsFor({ action: 'off', devices: [{ ...pdu, address: await sim('apc-pdu', power, false, 'new-secret-92') }] })[0]![0]!;
    const before = await device.status('node-b');
    expect(before.state).toBe('unknown');
    expect(before.reason).not.toContain('old-secret-81');
    fs.writeFileSync(file, 'new-secret-92\n');
    expect(await device.status('node-b')).toMatchObject({ state: 'on' });
    fs.chmodSync(file, 0o640);
    const loose = await device.status('node-b');
    expect(loose.state).toBe('unknown');
    expect(loose.reason).toMatch(/mode 0640; expected 0600 or stricter/);
  });
});
