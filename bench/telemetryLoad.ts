// The load half of bench/telemetry.ts: a real TelemetryPublisher (MQTT link,
// fsync'd disk queue) in this process, beside a 20 ms timer standing for the
// heartbeat sender; events offered at rising rates. A rate is "sustained" when
// the queue does not grow over the step; the timer's lateness shows what
// telemetry costs the heartbeats sharing its event loop.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfigText } from '../src/config/load';
import type { DaemonEvent, DaemonStatus } from '../src/daemon/contract';
import { createLogger } from '../src/shell/log';
import { createTelemetry } from '../src/telemetry/context';
import { quantiles, sleep } from './pairBench';

const RATES_PER_S = [100, 500, 1000, 2000, 4000];
const STEP_MS = 3000;
const HEARTBEAT_MS = 20;

function status(): DaemonStatus {
  const peer = { state: 'up', role: 'standby', epoch: 3, resource: 'stopped', health: 'ok', incarnation: 2 } as const;
  return {
    core: { nodeId: 'node-a', peerId: 'node-b', role: 'active', mode: 'normal', epoch: 3, incarnation: 5, resource: 'running', health: 'ok', peer, paths: [], fence: { state: 'idle', attempts: 0, lastResult: null }, alarms: [], transitions: [] },
    pid: process.pid,
    uptimeMs: 1,
    clusterId: 'bench',
    resourceName: 'svc',
    rejects: {},
    paths: {},
    faultInjection: false,
    telemetry: null,
  } as unknown as DaemonStatus;
}

export async function loadPhase(url: string, say: (s: string) => void) {
  const repoRoot = path.resolve(__dirname, '..', '..');
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-ha-bench-tel-'));
  const text = fs.readFileSync(path.join(repoRoot, 'examples', 'pair', 'node-a.yaml'), 'utf8');
  const parsed = parseConfigText(text, path.join(repoRoot, 'examples', 'pair'), 'node-a.yaml');
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  const config = { ...parsed.config, stateDir, cluster: { ...parsed.config.cluster, id: 'bench' }, telemetry: { ...parsed.config.telemetry, broker: { ...parsed.config.telemetry.broker, url }, queue: { maxRecords: 1_000_000 } } };
  const log = createLogger({ level: 'error', format: 'json', stream: { fd: null, write: () => true } });
  const t = await createTelemetry(config, { status, command: async () => ({ ok: true, message: '' }), log, wallMs: () => Date.now(), monoMs: () => performance.now() }, { version: 'bench' });
  if (!t.ok) throw new Error(t.error);
  const pub = t.value;
  pub.start();
  while (pub.status().broker.state !== 'connected') await sleep(20);
  const steps = [];
  try {
    for (const rate of RATES_PER_S) {
      const late: number[] = [];
      let expected = performance.now() + HEARTBEAT_MS;
      const hb = setInterval(() => {
        const now = performance.now();
        late.push(Math.max(0, now - expected));
        expected = now + HEARTBEAT_MS;
      }, HEARTBEAT_MS);
      const before = pub.status();
      const t0 = performance.now();
      let offered = 0;
      while (performance.now() - t0 < STEP_MS) {
        const due = Math.floor(((performance.now() - t0) / 1000) * rate);
        for (; offered < due; offered++) pub.onEvent(event(offered));
        await sleep(5);
      }
      const elapsedS = (performance.now() - t0) / 1000;
      clearInterval(hb);
      const after = pub.status();
      const published = after.published.events - before.published.events;
      const backlogGrowth = after.queue.events - before.queue.events;
      steps.push({ offeredPerS: rate, publishedPerS: Math.round(published / elapsedS), backlogGrowth, sustained: backlogGrowth <= rate * 0.05, heartbeatTimerLateMs: quantiles(late) });
      say(`load ${rate}/s: published ${Math.round(published / elapsedS)}/s, backlog +${backlogGrowth}, heartbeat timer late p99 ${quantiles(late).p99Ms} ms`);
      // Let the backlog drain before the next step.
      const end = performance.now() + 20_000;
      while (pub.status().queue.pending > 0 && performance.now() < end) await sleep(50);
    }
  } finally {
    await pub.stop();
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
  const sustained = steps.filter((s) => s.sustained).map((s) => s.offeredPerS);
  return { stepMs: STEP_MS, steps, maxSustainedEventsPerS: sustained.length ? Math.max(...sustained) : 0 };
}

function event(i: number): DaemonEvent {
  return { type: 'notice', node: 'node-a', tsMs: Date.now(), name: 'peer-seen', message: `bench event ${i}` };
}
