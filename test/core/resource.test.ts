// The managed resource (monitor, start and stop failures) and a clean shutdown
// that hands the service over without fencing.

import { HB_FLAG } from '../../src/core/types';
import { Pair, Solo, formedPair } from './harness';

describe('resource', () => {
  test('the active monitors the resource every monitorIntervalMs', () => {
    const h = formedPair();
    h.advance(3500);
    const at = h.acts('monitorResource', 'node-a').map((x) => x.atMs);
    expect(at.length).toBeGreaterThanOrEqual(3);
    // Monitor interval counted from the previous result (10 ms later).
    expect(at.slice(1).map((t, i) => t - at[i])).toEqual(at.slice(1).map(() => 1010));
    expect(h.acts('monitorResource', 'node-b')).toEqual([]);
  });

  test('a monitor failure on the active hands the service to an eligible peer', () => {
    const h = formedPair();
    h.crashResource('a');
    h.advanceUntil(() => h.role('b') === 'active' && h.running('b'), 2000);
    expect(h.role('a')).toBe('standby');
    const failed = h.acts('alarm', 'node-a').find((x) => x.a.alarm.id === 'resource-failed');
    expect(failed?.a).toMatchObject({ raised: true, alarm: { severity: 'critical', message: expect.stringMatching(/monitor: resource not running/) } });
    // node-a cleans up (stop) before handing over; node-b starts by handoff.
    expect(h.acts('stopResource', 'node-a').at(-1)?.a.reason).toMatch(/cleaning up after failure/);
    expect(h.acts('startResource', 'node-b').map((x) => x.a.cause)).toEqual(['handoff']);
    expect(h.acts('startResource', 'node-a')).toHaveLength(1);
    expect(h.acts('fence')).toEqual([]);
  });

  test('a start failure with no eligible peer is retried after restartDelayMs', () => {
    const h = new Pair({ resourceMs: null });
    h.completeStop('a');
    h.completeStop('b');
    h.command('b', { kind: 'standby' }); // node-b will not take the service
    h.advanceUntil(() => h.pendingOps('a').includes('start'), 500);
    h.completeStart('a', false);
    expect(h.status('a').alarms.find((a) => a.id === 'resource-failed')?.message).toMatch(/start failed/);
    expect(h.pendingOps('a')).toEqual(['stop']); // clean up first
    h.advance(50);
    h.completeStop('a');
    const stoppedAt = h.now;
    h.advanceUntil(() => h.pendingOps('a').includes('start'), 1000);
    expect(h.now - stoppedAt).toBe(400);
    expect(h.acts('startResource', 'node-a').map((x) => x.a.cause)).toEqual(['formation', 'recover']);
    expect(h.role('a')).toBe('active');
    expect(h.acts('startResource', 'node-b')).toEqual([]);
    h.completeStart('a');
    expect(h.status('a').alarms.map((a) => a.id)).not.toContain('resource-failed');
  });

  test('a stop failure raises stop-failed (critical) and the peer does not take over', () => {
    const h = formedPair({ resourceMs: null });
    h.command('a', { kind: 'switchover' });
    h.advance(20);
    h.completeStop('a', false);
    const alarm = h.status('a').alarms.find((a) => a.id === 'stop-failed');
    expect(alarm).toMatchObject({ severity: 'critical', message: expect.stringMatching(/node-a keeps it and node-b will not take over/) });
    for (let i = 0; i < 5; i++) {
      h.advance(200);
      if (h.pendingOps('a').includes('stop')) h.completeStop('a', false);
    }
    expect(h.role('a')).toBe('active');
    expect(h.acts('startResource', 'node-b')).toEqual([]);
    expect(h.acts('fence')).toEqual([]);
    // node-b sees a resource that is not known to be stopped (failed, or being stopped again).
    expect(['failed', 'stopping']).toContain(h.status('b').peer.resource);
    expect(h.role('b')).toBe('standby');
  });

  // BUG (retry storm): the stop-failed alarm says the node keeps the resource until the
  // operator fixes it and runs `online`, but manageOwnedResource() sees a failed resource
  // with an eligible peer and begins a new handoff in the same batch: a fresh stop is
  // issued immediately after every failed stop, with no backoff at all. A stop command
  // that fails fast turns into a tight loop.
  test('a failed stop is not retried at once', () => {
    const h = formedPair({ resourceMs: null });
    h.command('a', { kind: 'switchover' });
    h.completeStop('a', false);
    expect(h.pendingOps('a')).toEqual([]);
  });

  // BUG (busy loop): after a failed start with no eligible peer, the cleanup stop sets a
  // restart timer. If the operator then puts the node in standby mode, manageOwnedResource()
  // raises service-down and returns before the restart, but nextWakeMs() still counts the
  // (now past) restartAtMs for an active node with no operation: the shell spins.
  test('an active node in standby mode with a passed restart timer does not ask for a tick in the past', () => {
    const s = new Solo();
    s.boot();
    s.finish('stop');
    const ineligible = { role: 'standby' as const, resource: 'stopped' as const, flags: HB_FLAG.MODE_STANDBY | HB_FLAG.PEER_HEARD };
    s.hb(ineligible); // node-b is in standby mode: node-a forms alone
    s.finish('start', false);
    s.finish('stop'); // cleanup done: restart due at 400
    s.feed({ type: 'command', cmdId: 1, command: { kind: 'standby' } });
    s.now = 450;
    s.hb(ineligible);
    s.tick();
    expect(s.role).toBe('active');
    expect(s.core.nextWakeMs()).toBeGreaterThan(450);
  });
});

describe('shutdown', () => {
  test('shutdown on the active stops, hands off, and exits once the peer is active; no fence', () => {
    const h = formedPair({ resourceMs: null });
    const out = h.shutdown('a');
    expect(out.filter((a) => a.type !== 'send').map((a) => a.type)).toEqual(['transition', 'stopResource']);
    expect(h.role('a')).toBe('leaving');
    h.advance(1000); // the stop is slow: node-b must not start meanwhile
    expect(h.acts('startResource', 'node-b')).toEqual([]);
    expect(h.acts('exit')).toEqual([]);
    h.completeStop('a');
    h.advanceUntil(() => h.acts('exit').length > 0, 100);
    expect(h.role('b')).toBe('active');
    expect(h.acts('startResource', 'node-b').map((x) => [x.a.cause, x.a.epoch])).toEqual([['handoff', 2]]);
    expect(h.acts('exit', 'node-a')[0].atMs).toBeGreaterThan(h.acts('startResource', 'node-b')[0].atMs);
    h.completeStart('b');
    h.advance(5000);
    expect(h.acts('notice', 'node-b').some((x) => x.a.name === 'peer-left')).toBe(true);
    expect(h.acts('fence')).toEqual([]);
    expect(h.role('b')).toBe('active');
  });

  test('with the peer unable to answer, the leaver exits after shutdownLingerMs and the peer still takes over without fencing', () => {
    const h = formedPair({ resourceMs: null });
    h.cut(undefined, 'b'); // node-a no longer hears node-b; node-b still hears node-a
    h.shutdown('a');
    h.advance(50);
    h.completeStop('a');
    const stoppedAt = h.now;
    h.advanceUntil(() => h.acts('exit').length > 0, 3000);
    expect(h.acts('exit', 'node-a')[0].atMs).toBe(stoppedAt + 1500);
    h.advance(3000);
    expect(h.role('b')).toBe('active');
    expect(h.acts('startResource', 'node-b').map((x) => x.a.cause)).toEqual(['handoff']);
    expect(h.acts('fence')).toEqual([]);
  });

  test('a standby that shuts down leaves the owner alone', () => {
    const h = formedPair();
    h.shutdown('b');
    h.advanceUntil(() => !h.alive('b'), 500);
    h.advance(3000);
    expect(h.role('a')).toBe('active');
    expect(h.running('a')).toBe(true);
    expect(h.acts('fence')).toEqual([]);
    expect(h.acts('startResource', 'node-a')).toHaveLength(1);
  });
});
