// The configuration files shipped in examples/ must always load: `npm start`
// runs the pair example, and operators copy the two-node one.

import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, parseConfigText } from '../../src/config/load';
import type { Config } from '../../src/config/types';

const EXAMPLES = join(__dirname, '..', '..', 'examples');
const PAIR = join(EXAMPLES, 'pair');
const ROOT = join(EXAMPLES, '..');

function loadOk(path: string): { config: Config; warnings: string[] } {
  const result = loadConfig(path);
  if (!result.ok) throw new Error(`${path} should load, got:\n${result.errors.join('\n')}`);
  return result;
}

describe('examples/pair', () => {
  // git keeps only the executable bit, so a fresh checkout may have the key file at 0644.
  beforeAll(() => chmodSync(join(PAIR, 'keys'), 0o600));

  test.each([
    ['node-a', 'node-b', 200, '127.0.0.1', '127.0.0.2'],
    ['node-b', 'node-a', 100, '127.0.0.2', '127.0.0.1'],
  ])('%s loads with its addresses, plug and resolved paths', (self, peer, priority, ownHost, peerHost) => {
    const { config, warnings } = loadOk(join(PAIR, `${self}.yaml`));
    expect(config.cluster).toEqual({ id: 'demo', waitForAll: true });
    expect(config.node).toEqual({ id: self, priority });
    expect(config.peer).toEqual({ id: peer });
    expect(config.heartbeat.keyFile).toBe(join(PAIR, 'keys'));
    expect(config.heartbeat.paths).toEqual([
      { name: 'crossover', bind: { host: ownHost, port: 5405 }, peer: { host: peerHost, port: 5405 }, intervalMs: 20, missMultiplier: 8 },
      { name: 'lan', bind: { host: ownHost, port: 5406 }, peer: { host: peerHost, port: 5406 }, intervalMs: 20, missMultiplier: 8 },
    ]);
    expect(config.fencing).toEqual({
      action: 'reboot',
      devices: [{ name: 'sim-power', type: 'sim-power', address: { host: '127.0.0.1', port: 5410 }, plug: peer, timeoutMs: 5000 }],
      monitorIntervalMs: 60000,
    });
    expect(config.resource.command).toEqual([join(PAIR, 'demo-service.sh')]);
    expect(config.stateDir).toBe(join(ROOT, '.run', 'pair', self));
    expect(config.controlSocket).toBe(join(ROOT, '.run', 'pair', self, 'control.sock'));
    expect(config.timeouts.startupWaitMs).toBe(5000);
    expect(config.timeouts.fenceDelayMs).toBe(60);
    expect(config.testing.faultInjection).toBe(true);
    expect(warnings).toContain('testing.faultInjection: true enables fault injection; never use it in production');
    // The loopback pair is a simulation: its shared peer host is not a network design flaw.
    expect(warnings.filter((w) => w.includes('same peer host'))).toEqual([]);
  });

  test('the two nodes mirror each other', () => {
    const a = loadOk(join(PAIR, 'node-a.yaml')).config;
    const b = loadOk(join(PAIR, 'node-b.yaml')).config;
    a.heartbeat.paths.forEach((pathA, i) => {
      expect(b.heartbeat.paths[i].bind).toEqual(pathA.peer);
      expect(b.heartbeat.paths[i].peer).toEqual(pathA.bind);
    });
    expect(b.fencing.devices).toEqual(
      a.fencing.devices.map((d) => (d.type === 'sim-power' ? { ...d, plug: a.node.id } : d)),
    );
  });
});

describe('examples/two-node', () => {
  // The key file lives in /etc/edge-ha on a real node, so only the text is checked here.
  test.each(['node-a', 'node-b'])('%s is valid and warning-free', (self) => {
    const dir = join(EXAMPLES, 'two-node');
    const result = parseConfigText(readFileSync(join(dir, `${self}.yaml`), 'utf8'), dir, `${self}.yaml`);
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.warnings).toEqual([]);
    const { config } = result;
    expect(config.stateDir).toBe('/var/lib/edge-ha');
    expect(config.controlSocket).toBe('/run/edge-ha/control.sock');
    const device = config.fencing.devices[0];
    expect(device.type === 'command' && device.command).toEqual(['/usr/sbin/fence_ipmilan']);
    expect(device.type === 'command' && device.options.lanplus).toBe('1');
    expect(config.heartbeat.paths.map((p) => p.name)).toEqual(['crossover', 'lan']);
    expect(config.heartbeat.paths[1].intervalMs).toBe(50);
  });
});
