// The part of the configuration the pure core needs (src/core/types.ts).
// Addresses, commands and file paths stay with the shell.

import type { CoreConfig } from '../core/types';
import type { Config } from './types';

export function toCoreConfig(config: Config): CoreConfig {
  const t = config.timeouts;
  return {
    clusterId: config.cluster.id,
    nodeId: config.node.id,
    peerId: config.peer.id,
    priority: config.node.priority,
    paths: config.heartbeat.paths.map((p) => ({ name: p.name, intervalMs: p.intervalMs, missMultiplier: p.missMultiplier })),
    fenceDeviceNames: config.fencing.devices.map((d) => d.name),
    waitForAll: config.cluster.waitForAll,
    startupWaitMs: t.startupWaitMs,
    fenceDelayMs: t.fenceDelayMs,
    fenceTimeoutMs: t.fenceTimeoutMs,
    fenceRetryMs: t.fenceRetryMs,
    fenceRetryMaxMs: t.fenceRetryMaxMs,
    monitorIntervalMs: config.resource.monitorIntervalMs,
    restartDelayMs: t.restartDelayMs,
    shutdownLingerMs: t.shutdownLingerMs,
    fenceDelayRandomMs: t.fenceDelayRandomMs,
    powerCriticalShutdown: config.hardware.rules.upsCritical === 'shutdown',
    powerShutdownWaitMs: t.powerShutdownWaitMs,
    selfFence: config.fencing.arbitrator !== undefined,
  };
}
