// Critical power, like upsmon: a peer with good power takes the service by a
// handoff and the node on the dying UPS shuts down; when both UPSes are
// critical the owner stops the service cleanly, the standby shuts down first
// and the owner last. Nothing of this ever fences.

import { HB_FLAG } from '../../src/core/types';
import { formedPair, type Pair } from './harness';

const exits = (h: Pair, node?: string) => h.acts('exit', node);

describe('critical power on one node', () => {
  test("the active's UPS goes critical while the peer's power is fine: planned switchover, then the node shuts down", () => {
    const h = formedPair();
    h.power('a', 'critical', 'ups: on battery and low battery (OB LB)');
    h.advanceUntil(() => h.role('b') === 'active' && h.running('b'), 2000);
    expect(h.acts('startResource', 'node-b').map((x) => x.a.cause)).toEqual(['handoff']);
    h.advanceUntil(() => exits(h, 'node-a').length > 0, 3000);
    const exit = exits(h, 'node-a')[0].a;
    expect(exit).toMatchObject({ powerOff: true });
    expect(exit.reason).toContain('OB LB');
    expect(h.acts('fence')).toEqual([]);
    // node-b saw node-a leave cleanly: no fence, keeps running alone.
    h.advance(2000);
    expect(h.acts('fence')).toEqual([]);
    expect(h.role('b')).toBe('active');
  });

  test('the standby on a critical UPS shuts down at once and the active keeps the service', () => {
    const h = formedPair();
    h.power('b', 'critical');
    h.advanceUntil(() => exits(h, 'node-b').length > 0, 2000);
    expect(exits(h, 'node-b')[0].a.powerOff).toBe(true);
    h.advance(2000);
    expect(h.role('a')).toBe('active');
    expect(h.running('a')).toBe(true);
    expect(h.acts('stopResource', 'node-a').length).toBe(1); // the boot stop only
    expect(h.acts('fence')).toEqual([]);
  });

  test('the peer reads the POWER_CRITICAL flag from the heartbeat', () => {
    const h = formedPair({ b: { powerCriticalShutdown: false } });
    expect(h.status('a').power).toEqual({ critical: false, peerCritical: false, shutdown: null });
    h.power('b', 'critical');
    h.advance(200);
    expect(h.status('a').power.peerCritical).toBe(true);
    expect(h.status('b').power.critical).toBe(true);
    h.power('b', 'ok');
    h.advance(200);
    expect(h.status('a').power.peerCritical).toBe(false);
  });

  test('rule `switchover` (powerCriticalShutdown off): the handoff happens, the node stays up', () => {
    const h = formedPair({ a: { powerCriticalShutdown: false } });
    h.power('a', 'critical');
    h.advanceUntil(() => h.role('b') === 'active' && h.running('b'), 2000);
    h.advance(5000);
    expect(exits(h)).toEqual([]);
    expect(h.role('a')).toBe('standby');
  });
});

describe('both UPSes critical', () => {
  test('the active stops the service (no handoff), the standby shuts down first, the active last', () => {
    const h = formedPair();
    h.power('b', 'critical');
    h.power('a', 'critical');
    h.advanceUntil(() => exits(h, 'node-a').length > 0, 10_000);
    const bExit = exits(h, 'node-b')[0];
    const aExit = exits(h, 'node-a')[0];
    expect(bExit.atMs).toBeLessThan(aExit.atMs);
    expect(aExit.a.powerOff).toBe(true);
    expect(h.running('a')).toBe(false);
    expect(h.acts('startResource', 'node-b')).toEqual([]);
    expect(h.acts('fence')).toEqual([]);
    // The stop was issued (for the handoff it first tried, or for the power) before the exit.
    const stops = h.acts('stopResource', 'node-a');
    expect(stops.length).toBe(2);
    expect(stops[1].atMs).toBeLessThan(aExit.atMs);
  });

  test('the owner learns the peer is critical first: it stops for the power, not for a handoff', () => {
    const h = formedPair({ b: { powerCriticalShutdown: false } });
    h.power('b', 'critical');
    h.advance(100);
    h.power('a', 'critical');
    const stop = h.acts('stopResource', 'node-a').at(-1);
    expect(stop?.a.reason).toMatch(/power critical .*node-b's power is critical too: stopping the service/);
    expect(h.status('a').alarms.find((x) => x.id === 'power-critical')?.message).toContain('then shutting down');
  });

  test('a critical peer that does not shut down holds the owner at most powerShutdownWaitMs', () => {
    // node-b's power is critical but its rule is only `switchover`, so it stays up.
    const h = formedPair({ b: { powerCriticalShutdown: false } });
    h.power('b', 'critical');
    h.advance(100);
    h.power('a', 'critical');
    h.advanceUntil(() => !h.running('a'), 1000);
    const stoppedAt = h.now;
    h.advanceUntil(() => exits(h, 'node-a').length > 0, 10_000);
    const waited = exits(h, 'node-a')[0].atMs - stoppedAt;
    expect(waited).toBeGreaterThanOrEqual(5000); // testConfig: powerShutdownWaitMs 5000
    expect(waited).toBeLessThan(5000 + 1500 + 100); // plus the leave linger
    expect(h.acts('startResource', 'node-b')).toEqual([]);
  });

  test('power back before the stop completes: the service is started again and nobody shuts down', () => {
    const h = formedPair({ resourceMs: null });
    h.power('b', 'critical');
    h.advanceUntil(() => exits(h, 'node-b').length > 0, 2000);
    h.power('a', 'critical');
    h.advance(50);
    expect(h.pendingOps('a')).toContain('stop');
    h.power('a', 'ok');
    h.completeStop('a');
    h.advanceUntil(() => h.pendingOps('a').includes('start'), 3000);
    h.completeStart('a');
    h.advance(6000);
    expect(exits(h, 'node-a')).toEqual([]);
    expect(h.role('a')).toBe('active');
  });
});

test('the flag bit is part of the known heartbeat flags', () => {
  expect(HB_FLAG.POWER_CRITICAL).toBe(1 << 6);
});
