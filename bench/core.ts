// Cost of the pure core on the heartbeat path, and simulator throughput.
// Prints one JSON object. Median of 5 runs; machines here are noisy.

import { ClusterCore } from '../src/core/core';
import type { CoreConfig, Heartbeat } from '../src/core/types';
import { runMany } from '../src/sim/runner';

const cfg: CoreConfig = {
  clusterId: 'bench', nodeId: 'node-a', peerId: 'node-b', priority: 100,
  paths: [{ name: 'crossover', intervalMs: 20, missMultiplier: 8 }, { name: 'lan', intervalMs: 20, missMultiplier: 8 }],
  fenceDeviceNames: ['x'], waitForAll: true, startupWaitMs: 30000, fenceDelayMs: 60, fenceTimeoutMs: 20000,
  fenceRetryMs: 1000, fenceRetryMaxMs: 30000, monitorIntervalMs: 2000, restartDelayMs: 2000, shutdownLingerMs: 1000,
  fenceDelayRandomMs: 0, powerCriticalShutdown: true, powerShutdownWaitMs: 15000, selfFence: false,
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function heartbeatNsPerOp(n: number): number {
  const core = new ClusterCore({ config: cfg, persisted: undefined, incarnation: 1 });
  core.boot(0);
  const hb: Heartbeat = { clusterId: 'bench', nodeId: 'node-b', incarnation: 1, seq: 0, pathId: 0, role: 'standby', epoch: 0, resource: 'stopped', health: 'ok', priority: 50, flags: 0, txTimeMs: 1, echoTxTimeMs: 0, echoHoldMs: 0, peerIncarnation: 1 };
  const t0 = process.hrtime.bigint();
  for (let i = 1; i <= n; i++) {
    const now = i * 10;
    core.handle({ type: 'heartbeat', nowMs: now, path: i % 2 ? 'crossover' : 'lan', hb: { ...hb, seq: i, pathId: i % 2 ? 0 : 1 } });
    if (i % 2 === 0) core.handle({ type: 'tick', nowMs: now + 1 });
  }
  return Number(process.hrtime.bigint() - t0) / (n * 1.5);
}

const runs = 5;
const hbNs: number[] = [];
const simPerSec: number[] = [];
for (let r = 0; r < runs; r++) {
  hbNs.push(heartbeatNsPerOp(200_000));
  const s = runMany(1 + r * 200, 200);
  simPerSec.push(s.scenarios / s.seconds);
}
process.stdout.write(`${JSON.stringify({
  bench: 'core',
  coreEventNsMedian: Math.round(median(hbNs)),
  coreEventsPerSecondMedian: Math.round(1e9 / median(hbNs)),
  simScenariosPerSecondMedian: Math.round(median(simPerSec)),
  simScenariosPerMinuteMedian: Math.round(median(simPerSec) * 60),
  runs,
})}\n`);
