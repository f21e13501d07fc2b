import type { DaemonStatus } from '../../src/daemon/contract';
import type { NodeSnapshot } from '../../src/pair/events';
import { formatEvent, formatOutcome, formatStatus, type LineContext } from '../../src/pair/format';
import { keyCommand } from '../../src/pair/view';
import { renderView, visibleLength } from '../../src/pair/viewRender';

const ctx = (json: boolean): LineContext => ({ json, roleOf: (node) => (node === 'node-a' ? { role: 'fencing', epoch: 3 } : { role: null, epoch: null }) });

function status(role: 'active' | 'standby', overrides: Partial<DaemonStatus['core']> = {}): DaemonStatus {
  return {
    pid: 42,
    uptimeMs: 1000,
    clusterId: 'demo',
    resourceName: 'demo',
    rejects: {},
    paths: {},
    faultInjection: true,
    telemetry: null,
    core: {
      nodeId: 'node-a', peerId: 'node-b', role, mode: 'normal', epoch: 7, incarnation: 2, resource: 'running', health: 'ok',
      peer: { state: 'up', role: 'standby', epoch: 7, resource: 'stopped', health: 'ok', incarnation: 1 },
      paths: [
        { name: 'crossover', up: true, lastHeardAgeMs: 12, rttMs: 0.42, deadlineMs: 160 },
        { name: 'lan', up: false, lastHeardAgeMs: 2400, rttMs: null, deadlineMs: 160 },
      ],
      fence: { state: 'idle', attempts: 0, lastResult: null },
      power: { critical: false, peerCritical: false, shutdown: null },
      arbiter: { state: 'off', reason: null },
      alarms: [{ id: 'path-down:lan', severity: 'warning', message: 'lan silent' }],
      transitions: [],
      ...overrides,
    },
  };
}

describe('script-mode lines', () => {
  const transition = { type: 'transition' as const, tMs: 1234.4, node: 'node-b', from: 'standby' as const, to: 'active' as const, epoch: 2, reason: 'node-a fenced' };

  test('a transition as text and as JSON', () => {
    expect(formatEvent(transition, ctx(false))).toBe('t=1234ms node-b standby -> active (epoch 2): node-a fenced');
    expect(JSON.parse(formatEvent(transition, ctx(true)))).toEqual({ t: 1234, node: 'node-b', role: 'active', from: 'standby', epoch: 2, reason: 'node-a fenced', type: 'transition' });
  });

  test('other events carry the node\'s last known role and epoch in JSON', () => {
    const fence = { type: 'fence' as const, tMs: 50, node: 'node-a', phase: 'done' as const, target: 'node-b', confirmedOff: true, reason: 'OFF confirmed' };
    expect(formatEvent(fence, ctx(false))).toBe('t=50ms node-a fenced node-b: confirmed off: OFF confirmed');
    expect(formatEvent({ ...fence, phase: 'fired', reason: 'peer lost' }, ctx(false))).toBe('t=50ms node-a fencing node-b: peer lost');
    expect(JSON.parse(formatEvent(fence, ctx(true)))).toEqual({ t: 50, node: 'node-a', role: 'fencing', epoch: 3, reason: 'OFF confirmed', type: 'fence', phase: 'done', target: 'node-b', confirmedOff: true });
    const exit = { type: 'daemon-exit' as const, tMs: 7, node: 'node-b', pid: 9, cause: 'unexpected' as const, code: 2, signal: null, detail: 'bad config' };
    expect(formatEvent(exit, ctx(false))).toBe('t=7ms node-b daemon ended (unexpected, exit code 2): bad config');
    expect(JSON.parse(formatEvent(exit, ctx(true)))).toMatchObject({ t: 7, node: 'node-b', role: null, epoch: null, type: 'daemon-exit', reason: 'daemon ended (unexpected, exit code 2): bad config' });
  });

  test('control characters from a daemon are escaped in text', () => {
    expect(formatEvent({ ...transition, reason: 'a\x1b[2Jb\nc' }, ctx(false))).toBe('t=1234ms node-b standby -> active (epoch 2): a\\x1b[2Jb\\x0ac');
  });

  test('command replies and errors', () => {
    expect(formatOutcome(10, { ok: false, message: 'no node is active', command: 'crash active' }, ctx(false))).toBe('t=10ms error: no node is active');
    expect(JSON.parse(formatOutcome(10, { ok: true, message: 'killed', command: 'crash a', node: 'node-a' }, ctx(true)))).toEqual({
      t: 10, node: 'node-a', role: 'fencing', epoch: 3, reason: 'killed', type: 'command', command: 'crash a', ok: true,
    });
  });

  test('status lines, reachable or not', () => {
    expect(formatStatus(5, { node: 'node-a', ok: true, status: status('active') }, ctx(false))).toBe(
      't=5ms node-a status: active epoch 7, mode normal, resource running, peer up (standby); ' +
        'paths crossover up (heard 12ms ago, rtt 0.4ms), lan DOWN (heard 2400ms ago); alarms: path-down:lan',
    );
    const down = { node: 'node-b', ok: false as const, error: 'no daemon is listening', powered: false, daemonRunning: false };
    expect(formatStatus(5, down, ctx(false))).toBe('t=5ms node-b status: power off: no daemon is listening');
    expect(JSON.parse(formatStatus(5, down, ctx(true)))).toMatchObject({ t: 5, node: 'node-b', role: null, epoch: null, type: 'status' });
  });
});

describe('renderView', () => {
  const snap = (id: string, over: Partial<NodeSnapshot> = {}): NodeSnapshot => ({
    id, powered: true, pid: 100, frozen: false, booting: false, role: 'active', epoch: 7,
    transitions: [{ tMs: 1500, from: 'standby', to: 'active', epoch: 7, reason: 'peer lost' }], lastExit: null, hardware: null, hung: false, ...over,
  });

  test.each([60, 100, 160])('every row is exactly %d columns wide, coloured or not', (width) => {
    for (const colour of [true, false]) {
      const lines = renderView({
        tMs: 3000, width, height: 50, colour, messages: ['t=1ms node-a daemon started (pid 100)'],
        nodes: [
          { snap: snap('node-a'), status: { node: 'node-a', ok: true, status: status('active') } },
          { snap: snap('node-b', { powered: false, pid: null, role: null }), status: null },
        ],
      });
      expect(lines.map(visibleLength)).toEqual(lines.map(() => width));
    }
  });

  test('shows roles, paths, alarms, a powered-off node, transitions and the keys', () => {
    const text = renderView({
      tMs: 3000, width: 140, height: 50, colour: false, messages: [],
      nodes: [
        { snap: snap('node-a'), status: { node: 'node-a', ok: true, status: status('active') } },
        { snap: snap('node-b', { powered: false, pid: null, role: null, transitions: [] }), status: null },
      ],
    }).join('\n');
    expect(text).toContain('node-a  ACTIVE  epoch 7');
    expect(text).toMatch(/ crossover\s+up\s+heard 12ms ago\s+rtt 0\.4ms/);
    expect(text).toMatch(/ lan\s+DOWN\s+heard 2\.4s ago\s+rtt -/);
    expect(text).toContain('resource demo: running'); // mode normal, health ok: not shown
    expect(text).toContain('alarms: path-down:lan');
    expect(text).toContain('node-b  POWER OFF');
    expect(text).toMatch(/1\.5s standby -> active \(e7\) peer lost/);
    expect(text).toContain('c crash active | f freeze active 5 s | x cut crossover | a cut all | h heal | s switchover | q quit');
  });

  test('fits the terminal height: recent messages give way first, the key legend stays', () => {
    const model = (height: number) => ({
      tMs: 0, width: 70, height, colour: false, messages: Array.from({ length: 20 }, (_, i) => `message ${i}`),
      nodes: [
        { snap: snap('node-a'), status: { node: 'node-a', ok: true as const, status: status('active') } },
        { snap: snap('node-b'), status: { node: 'node-b', ok: true as const, status: status('standby', { mode: 'maintenance', health: 'degraded' }) } },
      ],
    });
    const tall = renderView(model(60)).join('\n');
    expect(tall).toContain('message 19');
    expect(tall).not.toContain('message 11'); // at most 8
    expect(tall).toContain('resource demo: running, mode maintenance, health degraded');
    for (const height of [10, 24, 30]) {
      const lines = renderView(model(height));
      expect(lines.length).toBeLessThanOrEqual(height);
      expect(lines.slice(-2).join(' ')).toMatch(/keys: c crash active .*\| q quit/);
    }
    expect(renderView(model(24)).join('\n')).not.toContain('message');
  });

  test('a frozen daemon and a crashed one say so', () => {
    const text = renderView({
      tMs: 0, width: 120, height: 50, colour: false, messages: [],
      nodes: [
        { snap: snap('node-a', { frozen: true }), status: { node: 'node-a', ok: false, error: 'timeout', powered: true, daemonRunning: true } },
        { snap: snap('node-b', { pid: null, role: null, lastExit: { tMs: 1, cause: 'crash', detail: '' } }), status: null },
      ],
    }).join('\n');
    expect(text).toContain('FROZEN (SIGSTOP)');
    expect(text).toContain('DAEMON DOWN (crash)');
    const booting = renderView({ tMs: 0, width: 120, height: 50, colour: false, messages: [], nodes: [{ snap: snap('node-a', { pid: null, booting: true }), status: null }] });
    expect(booting.join('\n')).toContain('node-a  BOOTING');
  });
});

describe('keyCommand', () => {
  test('each key of the legend maps to the script command of the same name', () => {
    expect(['c', 'f', 'x', 'a', 'h', 's', 'q', '\x03', '\x04'].map(keyCommand)).toEqual([
      { kind: 'crash', target: 'active' },
      { kind: 'freeze', target: 'active', seconds: 5 },
      { kind: 'cut', path: 'crossover' },
      { kind: 'cut', path: 'all' },
      { kind: 'heal' },
      { kind: 'switchover' },
      { kind: 'quit' },
      { kind: 'quit' },
      { kind: 'quit' },
    ]);
    for (const key of ['C', 'z', ' ', '\r', 'é']) expect(keyCommand(key)).toBeNull();
  });
});
