// Every decision carries a readable reason, and the core is deterministic:
// the same events always give the same actions.

import { ClusterCore } from '../../src/core/core';
import type { CoreAction, CoreEvent } from '../../src/core/types';
import { A, B, peerHb, testConfig } from './fixtures';
import { Pair, formedPair } from './harness';

const PEER_LOST = /peer lost on all paths \(crossover: \d+ ms silent, lan: \d+ ms silent\); fencing node-b via /;
const JUNK = /undefined|NaN|\[object|null ms|Infinity/;

/** A run through most rules: formation, switchover, bad health, partition and fence, restart, shutdown. */
function busyDay(): Pair {
  const h = formedPair();
  h.command('a', { kind: 'switchover' });
  h.advance(500);
  h.health('b', 'critical');
  h.advance(500);
  h.health('b', 'ok');
  h.cut('lan');
  h.advance(500);
  h.cut();
  h.advance(800);
  h.confirmFence('a');
  h.heal();
  h.advance(500);
  h.boot('b');
  h.advance(1000);
  h.command('b', { kind: 'maintenance' });
  h.command('b', { kind: 'online' });
  h.shutdown('a');
  h.advance(3000);
  return h;
}

describe('reasons', () => {
  test('every transition, alarm and notice carries a non-empty readable text', () => {
    const h = busyDay();
    const transitions = h.acts('transition');
    expect(new Set(transitions.map((x) => x.a.transition.to))).toEqual(new Set(['standby', 'active', 'fencing', 'leaving']));
    for (const x of transitions) {
      expect(x.a.transition.reason.length).toBeGreaterThan(10);
      expect(x.a.transition.reason).not.toMatch(JUNK);
      expect(x.a.transition.atMs).toBe(x.atMs);
    }
    for (const x of h.acts('alarm')) expect(x.a.alarm.message).not.toMatch(JUNK);
    for (const x of h.acts('notice')) expect(x.a.message.length).toBeGreaterThan(5);
    for (const x of h.acts('fence')) expect(x.a.reason).toMatch(/^fencing node-[ab] \(attempt \d+\) via ipmi, pdu$/);
    for (const x of h.acts('startResource')) expect(x.a.reason.length).toBeGreaterThan(10);
  });

  test('the standby\'s peer-lost transition names every path\'s silence and the fence devices', () => {
    const h = formedPair({ b: { priority: 200 } }); // node-b owns, node-a is the standby
    expect(h.role('b')).toBe('active');
    h.cut();
    h.advanceUntil(() => h.role('a') === 'fencing', 1000);
    const t = h.acts('transition', 'node-a').at(-1)?.a.transition;
    expect(t?.reason).toMatch(PEER_LOST);
    expect(t?.reason).toMatch(/after 300 ms \(fence delay: the owner fences first\)$/);
  });

  test('the owner\'s fence notice says the same, and that it fences without delay', () => {
    const h = formedPair();
    h.cut();
    h.advanceUntil(() => h.acts('fence', 'node-a').length > 0, 1000);
    const fired = h.acts('notice', 'node-a').find((x) => x.a.name === 'fence-fired');
    expect(fired?.a.message).toMatch(PEER_LOST);
    expect(fired?.a.message).toMatch(/we own the service, no delay/);
  });
});

describe('determinism', () => {
  test('the same scripted run of a pair gives the same transcript and actions, twice', () => {
    const one = busyDay();
    const two = busyDay();
    expect(one.log.length).toBeGreaterThan(200);
    expect(two.log).toEqual(one.log);
  });

  test('the same event sequence fed to two fresh cores yields identical action lists', () => {
    const events: CoreEvent[] = [
      { type: 'resourceResult', nowMs: 10, opId: 1, op: 'stop', ok: true, running: false, reason: 'ok' },
      { type: 'heartbeat', nowMs: 12, path: 'lan', hb: peerHb({ seq: 1 }) },
      { type: 'resourceResult', nowMs: 30, opId: 2, op: 'start', ok: true, running: true, reason: 'ok' },
      { type: 'heartbeat', nowMs: 40, path: 'crossover', hb: peerHb({ seq: 2, health: 'degraded' }) },
      { type: 'command', nowMs: 60, cmdId: 1, command: { kind: 'switchover' } },
      { type: 'tick', nowMs: 400 },
      { type: 'tick', nowMs: 800 },
      { type: 'fenceResult', nowMs: 900, fenceId: 1, confirmedOff: false, reason: 'timeout' },
      { type: 'tick', nowMs: 1500 },
    ];
    const run = (): CoreAction[][] => {
      const core = new ClusterCore({ config: testConfig(A, B), persisted: { epoch: 2, incarnation: 1 }, incarnation: 2 });
      return [core.boot(0), ...events.map((e) => core.handle(e))];
    };
    const first = run();
    expect(first.flat().some((a) => a.type === 'fence')).toBe(true);
    expect(run()).toEqual(first);
  });
});
