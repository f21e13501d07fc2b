// Settings that are legal but risky. They do not stop the daemon; the
// operator sees them at start-up and in `edge-ha config-check`.

import { unusedDevices } from './fenceLevels';
import type { Config } from './types';
import { PING_TIE_WARNING } from '../arbiter/ping';

/** Below this, scheduling hiccups of a busy host can look like a dead peer. */
export const MIN_SAFE_DETECTION_MS = 100;

export function configWarnings(config: Config): string[] {
  return [...heartbeatWarnings(config), ...fencingWarnings(config), ...otherWarnings(config)];
}

function heartbeatWarnings(config: Config): string[] {
  const warnings: string[] = [];
  const paths = config.heartbeat.paths;
  paths.forEach((p, i) => {
    const detectionMs = p.intervalMs * p.missMultiplier;
    if (detectionMs >= MIN_SAFE_DETECTION_MS) return;
    warnings.push(
      `heartbeat.paths[${i}] (${p.name}): detection time ${detectionMs} ms ` +
        `(intervalMs ${p.intervalMs} x missMultiplier ${p.missMultiplier}) is under ${MIN_SAFE_DETECTION_MS} ms; ` +
        'a short stall of either host can look like a dead peer and cause a fence',
    );
  });
  if (paths.length === 1) {
    warnings.push(
      'heartbeat.paths: only one heartbeat path; a single cable, NIC or switch failure looks like a dead peer ' +
        'and the peer gets fenced (add a second, independent path)',
    );
  }
  const peerHosts = new Set(paths.map((p) => p.peer.host.toLowerCase()));
  // On loopback the paths are a simulation (`edge-ha pair`), not a network design.
  if (paths.length > 1 && peerHosts.size === 1 && !isLoopback([...peerHosts][0])) {
    warnings.push(
      `heartbeat.paths: every path goes to the same peer host ${[...peerHosts][0]}; ` +
        'the paths are not independent (give each path its own network)',
    );
  }
  return warnings;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function fencingWarnings(config: Config): string[] {
  const warnings: string[] = [];
  const t = config.timeouts;
  if (t.fenceDelayMs === 0) {
    warnings.push(
      'timeouts.fenceDelayMs: 0 lets both nodes fence each other at the same moment when the heartbeat ' +
        'paths fail together (a fence race); keep a small delay such as the default 60',
    );
  }
  if (t.fenceTimeoutMs === 0) {
    warnings.push('timeouts.fenceTimeoutMs: 0 makes every fence fail at once, so this node never takes over');
  }
  config.fencing.devices.forEach((d, i) => {
    if (d.timeoutMs <= t.fenceTimeoutMs) return;
    warnings.push(
      `fencing.devices[${i}] (${d.name}): timeoutMs ${d.timeoutMs} is longer than timeouts.fenceTimeoutMs ` +
        `${t.fenceTimeoutMs}; the fence is counted as failed while the device may still be working`,
    );
  });
  const levels = config.fencing.levels;
  const unused = levels === undefined ? [] : unusedDevices(levels, config.fencing.devices.map((d) => d.name));
  if (unused.length > 0) {
    warnings.push(
      `fencing.levels: device${unused.length > 1 ? 's' : ''} ${unused.join(', ')} ${unused.length > 1 ? 'are' : 'is'} ` +
        'in fencing.devices but in no level, so never used to fence',
    );
  }
  const starved = starvedLevel(config);
  if (starved !== null) warnings.push(starved);
  return warnings;
}

/**
 * A hung device uses its whole timeout twice (off, then the status read-back): when the levels before
 * one can take all of timeouts.fenceTimeoutMs that way, that level is never tried when it is needed.
 */
function starvedLevel(config: Config): string | null {
  const levels = config.fencing.levels;
  if (levels === undefined) return null;
  const timeoutOf = new Map(config.fencing.devices.map((d) => [d.name, d.timeoutMs]));
  const limitMs = config.timeouts.fenceTimeoutMs;
  let worstMs = 0;
  for (const [i, level] of levels.entries()) {
    if (i > 0 && worstMs >= limitMs) {
      return (
        `fencing.levels[${i}]: the levels before it can take ${worstMs} ms when their devices hang ` +
        `(off + status, each up to the device's timeoutMs), which is at least timeouts.fenceTimeoutMs ${limitMs}; ` +
        'this level may never be tried (shorten the device timeouts or lengthen fenceTimeoutMs)'
      );
    }
    worstMs += level.reduce((sum, name) => sum + 2 * (timeoutOf.get(name) ?? 0), 0);
  }
  return null;
}

function otherWarnings(config: Config): string[] {
  const warnings: string[] = [];
  if (config.fencing.arbitrator?.type === 'ping') warnings.push(`fencing.arbitrator: ${PING_TIE_WARNING}`);
  if (!config.cluster.waitForAll) {
    warnings.push(
      'cluster.waitForAll: false lets a node that boots alone fence its peer and start the service ' +
        `after timeouts.startupWaitMs (${config.timeouts.startupWaitMs} ms) without ever having seen it`,
    );
  }
  if (config.resource.monitorIntervalMs === 0) {
    warnings.push('resource.monitorIntervalMs: 0 turns monitoring off; a crashed service is not noticed');
  }
  if (config.testing.faultInjection) {
    warnings.push('testing.faultInjection: true enables fault injection; never use it in production');
  }
  return warnings;
}
