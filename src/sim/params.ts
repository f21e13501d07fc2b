// Swarm testing: every seed draws its own configuration (heartbeat timing,
// path count, loss, fence and resource latencies), not just its own faults,
// so the simulator explores settings a fixed config would never reach.

import type { Prng } from './prng';
import type { CoreConfig } from '../core/types';

export interface SimParams {
  paths: { name: string; intervalMs: number; missMultiplier: number }[];
  netDelayMinMs: number;
  netDelayJitterMs: number;
  baseLoss: number;
  fenceDelayMs: number;
  fenceLatencyMs: number;
  fenceTimeoutMs: number;
  fenceAction: 'off' | 'reboot';
  /** Power-off to power-on, for a reboot fence. */
  rebootDelayMs: number;
  /** Power-on to daemon start. */
  bootDelayMs: number;
  startMs: number;
  stopMs: number;
  monitorIntervalMs: number;
  waitForAll: boolean;
  startupWaitMs: number;
  priorityA: number;
  priorityB: number;
  /** Probability that one state write fails (exercises the persist-before-act rule). */
  persistFailProb: number;
  chaosMs: number;
}

const PATH_NAMES = ['crossover', 'lan', 'serial'];

export function drawParams(r: Prng): SimParams {
  const intervalMs = r.pick([10, 20, 20, 25, 50, 100]);
  const nPaths = r.pick([1, 2, 2, 2, 3]);
  const paths = PATH_NAMES.slice(0, nPaths).map((name, i) => ({
    name,
    intervalMs: i === 2 ? intervalMs * 2 : intervalMs,
    missMultiplier: r.int(4, 10),
  }));
  return {
    paths,
    netDelayMinMs: r.real(0.05, 2),
    netDelayJitterMs: r.real(0, intervalMs * 0.3),
    baseLoss: r.chance(0.5) ? 0 : r.real(0, 0.2),
    fenceDelayMs: r.pick([0, 20, 60, 60, 200]),
    fenceLatencyMs: r.int(2, 150),
    fenceTimeoutMs: r.pick([500, 1000, 3000]),
    fenceAction: r.pick(['off', 'reboot'] as const),
    rebootDelayMs: r.int(100, 3000),
    bootDelayMs: r.int(50, 1500),
    startMs: r.int(1, 300),
    stopMs: r.int(1, 300),
    monitorIntervalMs: r.pick([0, 500, 2000]),
    waitForAll: r.chance(0.8),
    startupWaitMs: r.int(300, 4000),
    priorityA: r.pick([100, 100, 200]),
    priorityB: r.pick([100, 150]),
    persistFailProb: r.chance(0.15) ? 0.05 : 0,
    chaosMs: r.int(8000, 20000),
  };
}

export function coreConfigFor(p: SimParams, self: 'a' | 'b'): CoreConfig {
  const other = self === 'a' ? 'b' : 'a';
  return {
    clusterId: 'sim',
    nodeId: `node-${self}`,
    peerId: `node-${other}`,
    priority: self === 'a' ? p.priorityA : p.priorityB,
    paths: p.paths.map((x) => ({ ...x })),
    fenceDeviceNames: ['sim-switch'],
    waitForAll: p.waitForAll,
    startupWaitMs: p.startupWaitMs,
    fenceDelayMs: p.fenceDelayMs,
    fenceTimeoutMs: p.fenceTimeoutMs,
    fenceRetryMs: 200,
    fenceRetryMaxMs: 3000,
    monitorIntervalMs: p.monitorIntervalMs,
    restartDelayMs: 500,
    shutdownLingerMs: 300,
    fenceDelayRandomMs: 0,
    powerCriticalShutdown: true,
    powerShutdownWaitMs: 5000,
    selfFence: false,
  };
}

/** The longest a healthy standby may take to hold the resource after the active crashes. */
export function failoverBoundMs(p: SimParams): number {
  const detect = Math.max(...p.paths.map((x) => x.intervalMs * x.missMultiplier));
  const maxInterval = Math.max(...p.paths.map((x) => x.intervalMs));
  const netMax = p.netDelayMinMs + p.netDelayJitterMs;
  // detection + tick and stall-guard slack + fence delay + fence + persist/start
  return detect + 3 * maxInterval + netMax + p.fenceDelayMs + p.fenceLatencyMs + p.startMs + 5;
}
