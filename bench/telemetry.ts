// Telemetry benchmark. (a) End to end: the loopback pair publishing to a local
// broker (Mosquitto when installed, else the embedded aedes); N switchovers;
// for each role change, the time from the daemon emitting the transition to
// the message arriving at a subscriber: the durable JSON event (disk queue,
// fsync, QoS 1) and the Sparkplug NDATA carrying Node/Role. (b) Load: the
// publisher in one process with a 20 ms heartbeat timer beside it, fed events
// at rising rates; reports the sustained acknowledged publish rate and how
// late the heartbeat timer fires. Prints one JSON object with --json.
//
//   npm run bench:telemetry -- --json [--trials 20] [--port-base 27100]

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as mqtt from 'mqtt';
import type { DaemonEvent } from '../src/daemon/contract';
import { startEmbeddedBroker } from '../src/pair/broker';
import { findRepoRoot } from '../src/pair/repoRoot';
import { prepareRunDir } from '../src/pair/runDir';
import { PairSupervisor } from '../src/pair/supervisor';
import { decodePayload } from '../src/telemetry/sparkplug';
import type { EventPayload } from '../src/telemetry/json/types';
import { argNumber, quantiles, sleep, stablePair, waitFor } from './pairBench';
import { loadPhase } from './telemetryLoad';

async function localBroker(port: number): Promise<{ kind: string; url: string; stop: () => Promise<void> }> {
  if (spawnSync('/usr/sbin/mosquitto', ['-h']).status !== null) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-ha-bench-mosq-'));
    const conf = path.join(dir, 'm.conf');
    fs.writeFileSync(conf, `${process.getuid?.() === 0 ? 'user root\n' : ''}listener ${port} 127.0.0.1\nallow_anonymous true\nset_tcp_nodelay true\n`);
    const p: ChildProcess = spawn('/usr/sbin/mosquitto', ['-c', conf], { stdio: 'ignore' });
    await sleep(300);
    return { kind: 'mosquitto', url: `mqtt://127.0.0.1:${port}`, stop: async () => void p.kill('SIGTERM') };
  }
  const b = await startEmbeddedBroker('127.0.0.1', port);
  return { kind: 'aedes (embedded)', url: b.url, stop: b.close };
}

async function endToEnd(trials: number, portBase: number, say: (s: string) => void) {
  const repoRoot = findRepoRoot();
  if (!repoRoot) throw new Error('cannot find the edge-ha checkout');
  const broker = await localBroker(portBase + 3);
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-ha-bench-'));
  const prepared = await prepareRunDir({ exampleDir: path.join(repoRoot, 'examples', 'pair'), runDir, portBase, brokerUrl: broker.url });
  if (!prepared.ok) throw new Error(prepared.error);
  const sup = new PairSupervisor({ layout: prepared.layout, repoRoot });
  const eventLatency: number[] = [];
  const ndataLatency: number[] = [];
  const sub = await mqtt.connectAsync(broker.url, { protocolVersion: 4, clientId: 'bench-sub' });
  (sub.stream as unknown as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
  sub.on('message', (topic, payload) => {
    const now = Date.now();
    if (topic.endsWith('/events')) {
      const e = (JSON.parse(payload.toString()) as EventPayload).event as DaemonEvent;
      if (e.type === 'transition' && (e.transition.to === 'active' || e.transition.to === 'standby')) eventLatency.push(now - e.tsMs);
    } else if (topic.includes('/NDATA/')) {
      const p = decodePayload(payload);
      if (!p.ok) return;
      const role = p.value.metrics.find((m) => m.name === 'Node/Role');
      const at = p.value.metrics.find((m) => m.name === 'Last Transition/AtMs');
      if (role && at && typeof at.value !== 'boolean' && at.value !== null) ndataLatency.push(now - Number(at.value));
    }
  });
  await sub.subscribeAsync(['edge-ha/demo/+/events', 'spBv1.0/demo/NDATA/+'], { qos: 1 });
  await sup.start();
  try {
    for (let i = 0; i < trials; i++) {
      await waitFor('a stable pair', () => stablePair(sup), 20_000);
      await sleep(300);
      const r = await sup.switchover();
      say(`switchover ${i + 1}/${trials}: ${r.message}`);
    }
    await waitFor('a stable pair', () => stablePair(sup), 20_000);
    await sleep(500);
  } finally {
    await sup.stop();
    await sub.endAsync(true);
    await broker.stop();
    fs.rmSync(runDir, { recursive: true, force: true });
  }
  return { broker: broker.kind, switchovers: trials, eventToBrokerMs: quantiles(eventLatency), ndataRoleToBrokerMs: quantiles(ndataLatency) };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const json = argv.includes('--json');
  const trials = argNumber(argv, '--trials', 20);
  const portBase = argNumber(argv, '--port-base', 27100);
  const say = (s: string) => json || process.stderr.write(`${s}\n`);
  const e2e = await endToEnd(trials, portBase, say);
  const broker = await localBroker(portBase + 10);
  let load;
  try {
    load = await loadPhase(broker.url, say);
  } finally {
    await broker.stop();
  }
  const result = { bench: 'telemetry', ...e2e, load, target: { medianMs: 50 }, machine: { cpus: os.cpus().length, node: process.version } };
  process.stdout.write(json ? `${JSON.stringify(result)}\n` : `${JSON.stringify(result, null, 2)}\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`bench:telemetry failed: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
