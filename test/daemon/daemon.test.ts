// Two real daemons in this process on loopback: real UDP heartbeats with
// HMAC, real state directories, the real control socket and a command
// resource. Checks the daemon glue; failover by power-off is tested end to end
// by the pair supervisor tests (separate processes).

import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfigText } from '../../src/config/load';
import type { Config } from '../../src/config/types';
import type { CommandReply, DaemonStatus } from '../../src/daemon/contract';
import { Daemon } from '../../src/daemon/daemon';
import { controlRequest } from '../../src/shell/control';
import { createLogger } from '../../src/shell/log';

let dir: string;
const base = 21000 + Math.floor(Math.random() * 20000);
const KEY = '1 ' + 'ab'.repeat(32) + '\n';

function yamlFor(self: 'a' | 'b'): string {
  const other = self === 'a' ? 'b' : 'a';
  const ip = (n: string) => (n === 'a' ? '127.0.0.1' : '127.0.0.2');
  return `
cluster: { id: test }
node: { id: node-${self}, priority: ${self === 'a' ? 200 : 100} }
peer: { id: node-${other} }
heartbeat:
  keyFile: ${dir}/keys
  paths:
    - { name: crossover, bind: "${ip(self)}:${base}", peer: "${ip(other)}:${base}" }
    - { name: lan, bind: "${ip(self)}:${base + 1}", peer: "${ip(other)}:${base + 1}" }
fencing:
  monitorIntervalMs: 300
  devices: [{ name: sim, type: sim-power, address: "127.0.0.1:${base + 2}", plug: node-${other}, timeoutMs: 500 }]
resource: { name: demo, type: command, command: ["${dir}/res.sh"], monitorIntervalMs: 0 }
stateDir: ${dir}/${self}
controlSocket: ${dir}/${self}/control.sock
timeouts: { startupWaitMs: 2000, shutdownLingerMs: 500 }
logging: { level: error, format: json }
`;
}

function load(self: 'a' | 'b'): Config {
  const r = parseConfigText(yamlFor(self), dir, `node-${self}.yaml`);
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.config;
}

const quiet = () => createLogger({ level: 'error', format: 'json', stream: { write: () => true } as never });
const status = (n: 'a' | 'b') => controlRequest(`${dir}/${n}/control.sock`, 'status') as Promise<DaemonStatus>;

async function until(what: string, cond: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (await cond().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for: ${what}`);
}

let a: Daemon;
let b: Daemon;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-ha-daemon-'));
  fs.writeFileSync(`${dir}/keys`, KEY, { mode: 0o600 });
  // A resource that records its state in a file next to the node's state.
  fs.writeFileSync(`${dir}/res.sh`, '#!/bin/sh\nf="$EDGE_HA_STATE_DIR/running"\ncase "$1" in\n start) touch "$f";;\n stop) rm -f "$f";;\n monitor) [ -f "$f" ] || exit 7;;\nesac\nexit 0\n', { mode: 0o755 });
  a = new Daemon(load('a'), quiet());
  b = new Daemon(load('b'), quiet());
  await a.start();
  await b.start();
});

afterAll(async () => {
  a.shutdown('test end');
  b.shutdown('test end');
  await Promise.all([a.done, b.done]);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the preferred node forms the cluster and runs the resource; the status tells it', async () => {
  await until('node-a active', async () => (await status('a')).core.role === 'active' && fs.existsSync(`${dir}/a/running`));
  const sa = await status('a');
  const sb = await status('b');
  expect(sa.core.epoch).toBe(1);
  expect(sb.core.role).toBe('standby');
  expect(sb.core.peer.role).toBe('active');
  expect(sa.core.paths.map((p) => p.up)).toEqual([true, true]);
  expect(sa.paths.crossover?.received).toBeGreaterThan(0);
  expect(fs.existsSync(`${dir}/b/running`)).toBe(false);
  // The epoch was persisted before the resource started.
  expect(JSON.parse(fs.readFileSync(`${dir}/a/core.json`, 'utf8')).epoch).toBe(1);
  expect(fs.statSync(`${dir}/a/control.sock`).mode & 0o077).toBe(0);
});

test('short and forged datagrams are rejected and counted, and change nothing', async () => {
  const sock = dgram.createSocket('udp4');
  const send = (buf: Buffer) => new Promise<void>((r) => sock.send(buf, base, '127.0.0.2', () => r()));
  await send(Buffer.from('garbage that is not a heartbeat'));
  const forged = Buffer.alloc(120, 0);
  forged.write('EH', 0, 'latin1');
  forged[2] = 1;
  forged[3] = 1;
  forged[4] = 1;
  await send(forged);
  sock.close();
  await until('rejects counted', async () => Object.keys((await status('b')).rejects).length >= 2);
  const sb = await status('b');
  expect(sb.rejects.truncated ?? 0).toBeGreaterThanOrEqual(1);
  expect(sb.rejects['bad-mac'] ?? 0).toBeGreaterThanOrEqual(1);
  expect(sb.core.role).toBe('standby');
});

test('switchover moves the service without fencing; commands answer with reasons', async () => {
  const refused = (await controlRequest(`${dir}/b/control.sock`, 'force-start')) as CommandReply;
  expect(refused.ok).toBe(false);
  expect(refused.message).toMatch(/only for a node waiting/);
  const r = (await controlRequest(`${dir}/a/control.sock`, 'switchover')) as CommandReply;
  expect(r).toEqual({ ok: true, message: 'switching over to node-b' });
  await until('node-b active', async () => (await status('b')).core.role === 'active' && fs.existsSync(`${dir}/b/running`));
  expect(fs.existsSync(`${dir}/a/running`)).toBe(false);
  const sb = await status('b');
  expect(sb.core.epoch).toBe(2);
  expect(sb.core.fence.attempts).toBe(0);
  expect(sb.core.transitions.at(-1)?.reason).toMatch(/handed it over/);
  await expect(controlRequest(`${dir}/a/control.sock`, 'inject', { action: 'cut', path: 'all' })).rejects.toThrow(/fault injection is disabled/);
});

test('a fence device that does not answer raises an alarm before any fence needs it, shown by status', async () => {
  // Nothing listens at the sim-power address of this test: every monitor call fails.
  await until('fence-device alarm', async () => (await status('a')).core.alarms.some((x) => x.id === 'fence-device:sim'), 8000);
  const sa = await status('a');
  const alarm = sa.core.alarms.find((x) => x.id === 'fence-device:sim');
  expect(alarm?.severity).toBe('critical');
  expect(alarm?.message).toMatch(/sim/);
  expect(sa.fenceDevices?.[0]).toMatchObject({ device: 'sim', alarmRaised: true });
  expect(sa.fenceDevices?.[0]?.consecutiveFailures).toBeGreaterThanOrEqual(2);
});

test('fence-confirm: refused without the explicit confirmation, and while the peer is heard', async () => {
  await expect(controlRequest(`${dir}/b/control.sock`, 'fence-confirm', { target: 'node-a' })).rejects.toThrow(/explicit confirmation/);
  const r = (await controlRequest(`${dir}/b/control.sock`, 'fence-confirm', { target: 'node-a', confirmed: true })) as CommandReply;
  expect(r.ok).toBe(false);
  expect(r.message).toMatch(/node-a is heard on/);
});
