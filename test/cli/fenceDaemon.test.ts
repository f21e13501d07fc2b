// `edge-ha fence <node>` through a real daemon: the control command `fence`
// runs the daemon's fencing topology on the peer, records it in the fence
// history, and never makes the core take over. One daemon, alone (its peer
// never appears, so with waitForAll the core itself never fences), and the
// real simulated power switch.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfigText } from '../../src/config/load';
import type { DaemonStatus } from '../../src/daemon/contract';
import { Daemon } from '../../src/daemon/daemon';
import { controlRequest } from '../../src/shell/control';
import { createLogger } from '../../src/shell/log';
import { createMemoryPowerBackend, type MemoryPowerBackend } from '../../src/simpower/memoryBackend';
import { startSimPowerServer, type SimPowerServer } from '../../src/simpower/server';
import { runFenceCli } from './fenceHelpers';

let dir: string;
let daemon: Daemon;
let backend: MemoryPowerBackend;
let power: SimPowerServer;
const base = 21000 + Math.floor(Math.random() * 20000);
const sock = () => `${dir}/a/control.sock`;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-ha-fence-daemon-'));
  fs.writeFileSync(`${dir}/keys`, `1 ${'cd'.repeat(32)}\n`, { mode: 0o600 });
  fs.writeFileSync(`${dir}/res.sh`, '#!/bin/sh\ncase "$1" in monitor) exit 7;; esac\nexit 0\n', { mode: 0o755 });
  // Level 1: the peer's "BMC" (its plug fails); level 2: the outlet that really powers node-b.
  backend = createMemoryPowerBackend({ 'bmc-b': true, 'node-b': true });
  const started = await startSimPowerServer({ host: '127.0.0.1', port: 0, backend, rebootDelayMs: 10_000 });
  if (!started.ok) throw new Error(started.reason);
  power = started;
  power.setFault('bmc-b', 'fail');
  const yaml = `
cluster: { id: test }
node: { id: node-a }
peer: { id: node-b }
heartbeat:
  keyFile: ${dir}/keys
  paths: [{ name: crossover, bind: "127.0.0.1:${base}", peer: "127.0.0.2:${base}" }]
fencing:
  action: off
  devices:
    - { name: bmc, type: sim-power, address: "127.0.0.1:${power.port}", plug: bmc-b, timeoutMs: 500 }
    - { name: outlet, type: sim-power, address: "127.0.0.1:${power.port}", plug: node-b, timeoutMs: 500 }
  levels: [[bmc], [outlet]]
resource: { name: demo, type: command, command: ["${dir}/res.sh"], monitorIntervalMs: 0 }
stateDir: ${dir}/a
controlSocket: ${dir}/a/control.sock
timeouts: { startupWaitMs: 60000 }
logging: { level: error, format: json }
`;
  const cfg = parseConfigText(yaml, dir, 'node-a.yaml');
  if (!cfg.ok) throw new Error(cfg.errors.join('\n'));
  daemon = new Daemon(cfg.config, createLogger({ level: 'error', format: 'json', stream: { write: () => true } as never }));
  await daemon.start();
});

afterAll(async () => {
  daemon.shutdown('test end');
  await daemon.done;
  await power.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('--status reads the power of the peer from every device and changes nothing', async () => {
  const r = await runFenceCli(['fence', 'node-b', '--status', '-s', sock()]);
  // One device reads on: the peer is on, whatever the broken BMC says (exit 0: on).
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/^node-b is on\n/);
  expect(r.out).toContain('  outlet: on (plug node-b (node-b) is on)');
  expect(r.out).toMatch(/ {2}bmc: unknown \(.*ERR relay fault/);
  expect(backend.history).toEqual([]);
});

test('without --yes (and no terminal to ask on) nothing is fenced', async () => {
  const r = await runFenceCli(['fence', 'node-b', '--off', '-s', sock()]);
  expect(r).toMatchObject({ code: 1, err: 'edge-ha: not fencing node-b: not confirmed (type the node name at the prompt, or pass --yes)\n' });
  await expect(controlRequest(sock(), 'fence', { target: 'node-b', action: 'off' })).rejects.toThrow(/needs the operator's confirmation/);
  expect(backend.history).toEqual([]);
});

test('the node itself, or an unknown node, cannot be fenced through it', async () => {
  await expect(controlRequest(sock(), 'fence', { target: 'node-a', action: 'off', confirmed: true })).rejects.toThrow(
    /cannot fence "node-a": this node's fence devices fence its peer node-b only/,
  );
  const r = await runFenceCli(['fence', 'node-c', '--off', '--yes', '-s', sock()]);
  expect(r.code).toBe(1);
  expect(r.err).toMatch(/cannot fence "node-c"/);
});

test('--off --yes runs the topology (level 1 fails, level 2 confirms), records it, and the core does not take over', async () => {
  const before = (await controlRequest(sock(), 'status')) as DaemonStatus;
  const r = await runFenceCli(['fence', 'node-b', '--off', '--yes', '-s', sock(), '--json']);
  expect(r.code).toBe(0);
  const reply = JSON.parse(r.out);
  expect(reply).toMatchObject({ target: 'node-b', action: 'off', confirmedOff: true, device: 'outlet' });
  expect(reply.levels.map((l: { level: number; devices: string[]; ok: boolean }) => [l.level, l.devices, l.ok])).toEqual([
    [1, ['bmc'], false],
    [2, ['outlet'], true],
  ]);
  expect(backend.isOn('node-b')).toBe(false);
  const after = (await controlRequest(sock(), 'status')) as DaemonStatus;
  expect(after.core.role).toBe(before.core.role);
  expect(after.core.role).not.toBe('active');
  expect(after.core.epoch).toBe(before.core.epoch);
  expect(fs.existsSync(`${dir}/a/running`)).toBe(false);
  // Recorded: requested before, finished after, as an operator's fence.
  const lines = fs.readFileSync(`${dir}/a/fence-history.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  expect(lines.map((l) => [l.phase, l.origin, l.action])).toEqual([
    ['requested', 'operator', 'off'],
    ['finished', 'operator', 'off'],
  ]);
  expect(lines[1]).toMatchObject({ result: 'confirmed', device: 'outlet' });
  // The BMC still cannot answer: off is not proven by every device, so the state is unknown (exit 1).
  const status = await runFenceCli(['fence', 'node-b', '--status', '-s', sock()]);
  expect(status.code).toBe(1);
  expect(status.out).toMatch(/^node-b is unknown\n/);
  expect(status.out).toContain('outlet: off');
  power.setFault('bmc-b', 'none');
  backend.set('bmc-b', false);
  expect((await runFenceCli(['fence', 'node-b', '--status', '-s', sock()])).code).toBe(2);
  power.setFault('bmc-b', 'fail');
});

test('fence history through the daemon and from the state directory agree', async () => {
  const viaDaemon = JSON.parse((await runFenceCli(['fence', 'history', '-s', sock(), '--json'])).out);
  const viaFiles = JSON.parse((await runFenceCli(['fence', 'history', '--state-dir', `${dir}/a`, '--json'])).out);
  expect(viaDaemon).toEqual(viaFiles);
  expect(viaDaemon).toHaveLength(1);
  expect(viaDaemon[0]).toMatchObject({ origin: 'operator', target: 'node-b', result: 'confirmed', device: 'outlet' });
});

test('a fence that fails on every level is exit 1 with each level in the reason', async () => {
  power.setFault('node-b', 'fail');
  const r = await runFenceCli(['fence', 'node-b', '--reboot', '--yes', '-s', sock()]);
  power.setFault('node-b', 'none');
  expect(r.code).toBe(1);
  expect(r.err).toMatch(/^edge-ha: fencing node-b failed: bmc: .*ERR relay fault.*; outlet: .*ERR relay fault/);
});
