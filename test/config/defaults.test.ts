// Defaults, per-path inheritance, relative path resolution, the mapping to the
// core's config, and the re-loadable effective configuration.

import { parse, stringify } from 'yaml';
import { parseConfigText } from '../../src/config/load';
import { toFileForm } from '../../src/config/render';
import { toCoreConfig } from '../../src/config/toCore';
import type { Config } from '../../src/config/types';
import { MINIMAL_YAML, variant } from './fixtures';

function configOf(text: string, baseDir = '/etc/edge-ha'): Config {
  const result = parseConfigText(text, baseDir, 'edge-ha.yaml');
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.config;
}

test('every default is filled in', () => {
  const config = configOf(MINIMAL_YAML);
  expect(config.cluster.waitForAll).toBe(true);
  expect(config.node.priority).toBe(100);
  expect(config.heartbeat.paths.map((p) => [p.intervalMs, p.missMultiplier])).toEqual([[20, 8], [20, 8]]);
  expect(config.fencing.action).toBe('reboot');
  expect(config.fencing.devices[0]).toEqual({
    name: 'ipmi', type: 'command', command: ['fence_ipmilan'], options: {}, timeoutMs: 20000,
  });
  expect(config.resource).toEqual({
    name: 'svc', type: 'command', command: ['/usr/bin/svc-wrapper'],
    startTimeoutMs: 20000, stopTimeoutMs: 20000, monitorTimeoutMs: 5000, monitorIntervalMs: 2000,
  });
  expect(config.timeouts).toEqual({
    startupWaitMs: 30000, fenceDelayMs: 60, fenceTimeoutMs: 20000, fenceRetryMs: 1000,
    fenceRetryMaxMs: 30000, restartDelayMs: 2000, shutdownLingerMs: 1000, fenceDelayRandomMs: 20, powerShutdownWaitMs: 15000,
  });
  expect(config.hardware.rules).toEqual({ upsCritical: 'shutdown', upsOnBattery: 'alarm', raidFailed: 'switchover', raidDegraded: 'alarm', carrierLost: 'alarm' });
  expect(config.hardware.ups).toBeUndefined();
  expect(config.hardware.raid).toEqual([]);
  expect(config.hardware.shutdownCommand).toEqual(['/sbin/shutdown', '-h', 'now']);
  expect(config.logging).toEqual({ level: 'info', format: 'auto' });
  expect(config.testing).toEqual({ faultInjection: false });
});

test('a sim-power device gets its own timeout default, and options become strings', () => {
  const config = configOf(variant((d) => {
    d.fencing.devices = [
      { name: 'sim', type: 'sim-power', address: '[::1]:5410', plug: 'b' },
      { name: 'ipmi', type: 'command', command: 'fence_ipmilan --verbose', options: { ipport: 623, lanplus: true } },
    ];
  }));
  expect(config.fencing.devices).toEqual([
    { name: 'sim', type: 'sim-power', address: { host: '::1', port: 5410 }, plug: 'b', timeoutMs: 5000 },
    { name: 'ipmi', type: 'command', command: ['fence_ipmilan', '--verbose'], options: { ipport: '623', lanplus: 'true' }, timeoutMs: 20000 },
  ]);
});

test('YAML 1.2: `action: off` is the string off, not false', () => {
  expect(configOf(MINIMAL_YAML + 'logging:\n  level: debug\n').logging.level).toBe('debug');
  expect(configOf(variant((d) => (d.fencing.action = 'off'))).fencing.action).toBe('off');
  expect(configOf(MINIMAL_YAML.replace('fencing:\n', 'fencing:\n  action: off\n')).fencing.action).toBe('off');
});

test('path timing: heartbeat-level values are defaults that a path can override', () => {
  const config = configOf(variant((d) => {
    d.heartbeat.intervalMs = 50;
    d.heartbeat.missMultiplier = 4;
    d.heartbeat.paths[1].intervalMs = 100;
  }));
  expect(config.heartbeat.paths.map((p) => [p.name, p.intervalMs, p.missMultiplier])).toEqual([
    ['crossover', 50, 4],
    ['lan', 100, 4],
  ]);
  // The section-wide values are folded into the paths and do not survive as keys.
  expect(Object.keys(config.heartbeat).sort()).toEqual(['keyFile', 'paths']);
});

test('relative paths resolve against the configuration file directory', () => {
  const config = configOf(variant((d) => {
    d.heartbeat.keyFile = './keys';
    d.stateDir = '../state/a';
    d.controlSocket = 'run/control.sock';
    d.resource.command = '../bin/svc.sh --flag ./not-a-program';
    d.fencing.devices[0].command = ['./fence_local', '../x'];
    d.fencing.devices.push({ name: 'path', type: 'command', command: 'bin/fence' });
  }), '/opt/edge/conf');
  expect(config.heartbeat.keyFile).toBe('/opt/edge/conf/keys');
  expect(config.stateDir).toBe('/opt/edge/state/a');
  expect(config.controlSocket).toBe('/opt/edge/conf/run/control.sock');
  // Only the program is resolved, and only when it starts with ./ or ../.
  expect(config.resource.command).toEqual(['/opt/edge/bin/svc.sh', '--flag', './not-a-program']);
  expect(config.fencing.devices.map((d) => d.type === 'command' && d.command)).toEqual([
    ['/opt/edge/conf/fence_local', '../x'],
    ['bin/fence'],
  ]);
});

test('absolute paths and PATH programs are left alone', () => {
  const config = configOf(MINIMAL_YAML, '/somewhere/else');
  expect(config.stateDir).toBe('/var/lib/edge-ha');
  expect(config.fencing.devices[0].type === 'command' && config.fencing.devices[0].command).toEqual(['fence_ipmilan']);
});

test('toCoreConfig carries the ids, path timing, device names and timeouts', () => {
  const config = configOf(variant((d) => {
    d.node.priority = 7;
    d.cluster.waitForAll = false;
    d.heartbeat.paths[1].missMultiplier = 3;
    d.fencing.devices.push({ name: 'pdu', type: 'sim-power', address: 'pdu.local:5410', plug: '4' });
    d.resource.monitorIntervalMs = 0;
    d.timeouts = { startupWaitMs: 1, fenceDelayMs: 2, fenceTimeoutMs: 3, fenceRetryMs: 4, fenceRetryMaxMs: 5, restartDelayMs: 6, shutdownLingerMs: 7, fenceDelayRandomMs: 8, powerShutdownWaitMs: 9 };
    d.hardware = { rules: { upsCritical: 'switchover' } };
  }));
  expect(toCoreConfig(config)).toEqual({
    clusterId: 'c1', nodeId: 'a', peerId: 'b', priority: 7,
    paths: [
      { name: 'crossover', intervalMs: 20, missMultiplier: 8 },
      { name: 'lan', intervalMs: 20, missMultiplier: 3 },
    ],
    fenceDeviceNames: ['ipmi', 'pdu'],
    waitForAll: false,
    startupWaitMs: 1, fenceDelayMs: 2, fenceTimeoutMs: 3, fenceRetryMs: 4, fenceRetryMaxMs: 5,
    monitorIntervalMs: 0, restartDelayMs: 6, shutdownLingerMs: 7,
    fenceDelayRandomMs: 8, powerCriticalShutdown: false, powerShutdownWaitMs: 9, selfFence: false,
  });
});

test('the effective configuration in file form loads back to the same Config', () => {
  const config = configOf(variant((d) => {
    d.heartbeat.paths[0].bind = '[fe80::1%eth1]:5405';
    d.heartbeat.paths[0].peer = '[fe80::2%eth1]:5405';
    d.fencing.devices.push({ name: 'sim', type: 'sim-power', address: 'localhost:5410', plug: 'b' });
  }));
  const text = stringify(toFileForm(config));
  expect(parse(text).heartbeat.paths[0].bind).toBe('[fe80::1%eth1]:5405');
  expect(configOf(text, '/unrelated/dir')).toEqual(config);
});

describe('warnings', () => {
  function warningsOf(text: string): string[] {
    const result = parseConfigText(text, '/etc/edge-ha', 'edge-ha.yaml');
    if (!result.ok) throw new Error(result.errors.join('\n'));
    return result.warnings;
  }

  test('the minimal configuration has none', () => {
    expect(warningsOf(MINIMAL_YAML)).toEqual([]);
  });

  test('risky but legal settings are warned about, each once', () => {
    const warnings = warningsOf(variant((d) => {
      d.heartbeat.paths = [{ ...d.heartbeat.paths[0], intervalMs: 10, missMultiplier: 9 }];
      d.timeouts = { fenceDelayMs: 0 };
      d.fencing.devices[0].timeoutMs = 25000;
      d.cluster.waitForAll = false;
      d.resource.monitorIntervalMs = 0;
    }));
    expect(warnings).toEqual([
      'heartbeat.paths[0] (crossover): detection time 90 ms (intervalMs 10 x missMultiplier 9) is under 100 ms; ' +
        'a short stall of either host can look like a dead peer and cause a fence',
      'heartbeat.paths: only one heartbeat path; a single cable, NIC or switch failure looks like a dead peer ' +
        'and the peer gets fenced (add a second, independent path)',
      'timeouts.fenceDelayMs: 0 lets both nodes fence each other at the same moment when the heartbeat paths ' +
        'fail together (a fence race); keep a small delay such as the default 60',
      'fencing.devices[0] (ipmi): timeoutMs 25000 is longer than timeouts.fenceTimeoutMs 20000; the fence is ' +
        'counted as failed while the device may still be working',
      'cluster.waitForAll: false lets a node that boots alone fence its peer and start the service after ' +
        'timeouts.startupWaitMs (30000 ms) without ever having seen it',
      'resource.monitorIntervalMs: 0 turns monitoring off; a crashed service is not noticed',
    ]);
  });

  test('a detection time of exactly 100 ms is not warned about', () => {
    expect(warningsOf(variant((d) => (d.heartbeat.intervalMs = 50, d.heartbeat.missMultiplier = 2)))).toEqual([]);
  });

  test('paths that all reach the same peer host are not independent', () => {
    const warnings = warningsOf(variant((d) => (d.heartbeat.paths[1].peer = '192.168.77.2:5406')));
    expect(warnings).toEqual([
      'heartbeat.paths: every path goes to the same peer host 192.168.77.2; the paths are not independent ' +
        '(give each path its own network)',
    ]);
  });

  test('YAML warnings (an unknown tag) are passed on with their position', () => {
    expect(warningsOf(MINIMAL_YAML.replace('id: c1', 'id: !custom c1'))).toEqual([
      'edge-ha.yaml:3:7: YAML warning: Unresolved tag: !custom',
    ]);
  });
});
