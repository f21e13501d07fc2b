// Fencing: a standby that loses its peer waits the fence delay, writes the
// fence record, fences, retries failures with backoff and only starts after a
// confirmed fence; the owner fences at once, so it wins a symmetric partition.

import type { CoreAction } from '../../src/core/types';
import { Pair, formedPair } from './harness';

const types = (actions: CoreAction[]) => actions.map((a) => a.type).filter((t) => t !== 'send');

/** node-a (the owner) dies; returns the pair once node-b has fired its first fence. */
function ownerDies(): { h: Pair; lostAt: number } {
  const h = formedPair();
  h.powerOff('a');
  h.advanceUntil(() => h.role('b') === 'fencing', 1000);
  const lostAt = h.now;
  h.advanceUntil(() => h.acts('fence', 'node-b').length > 0, 1000);
  return { h, lostAt };
}

describe('standby loses its peer', () => {
  test('goes to fencing, waits fenceDelayMs, writes the fence record, then fences', () => {
    const { h, lostAt } = ownerDies();
    const fence = h.acts('fence', 'node-b')[0];
    expect(fence.atMs - lostAt).toBe(300);
    expect(fence.a).toMatchObject({ target: 'node-a', targetIncarnation: 1, fenceId: 1 });
    const batch = h.batchOf(fence.batch);
    expect(types(batch)).toEqual(['persist', 'fence']);
    expect(batch[0]).toMatchObject({ type: 'persist', state: { lastFence: { fenceId: 1, target: 'node-a' } } });
    expect(h.role('b')).toBe('fencing');
    expect(h.acts('startResource', 'node-b')).toEqual([]);
  });

  test('a failed fence raises fence-failed and retries with doubling backoff, capped, never starting', () => {
    const { h } = ownerDies();
    for (let i = 0; i < 4; i++) {
      h.failFence('b');
      h.advanceUntil(() => h.acts('fence', 'node-b').length > i + 1, 5000);
    }
    const at = h.acts('fence', 'node-b').map((x) => x.atMs);
    expect(at.slice(1).map((t, i) => t - at[i])).toEqual([500, 1000, 2000, 2000]);
    const failed = h.acts('alarm', 'node-b').filter((x) => x.a.alarm.id === 'fence-failed');
    expect(failed[0].a).toMatchObject({ raised: true, alarm: { severity: 'critical' } });
    expect(failed[0].a.alarm.message).toMatch(/attempt 1\): device unreachable; retrying in 500 ms\. Not taking over/);
    expect(h.acts('startResource', 'node-b')).toEqual([]);
    expect(h.role('b')).toBe('fencing');
    // The fence record of each attempt is written before that attempt.
    for (const f of h.acts('fence', 'node-b')) expect(types(h.batchOf(f.batch))).toContain('persist');
  });

  test('a confirmed fence makes it active: epoch + 1, fence record and epoch persisted before the start', () => {
    const { h } = ownerDies();
    h.failFence('b');
    h.advanceUntil(() => h.acts('fence', 'node-b').length === 2, 1000);
    h.confirmFence('b');
    expect(h.role('b')).toBe('active');
    const start = h.acts('startResource', 'node-b');
    // Above the fenced owner's epoch (1), not just above its own (0).
    expect(start.map((x) => [x.a.cause, x.a.epoch])).toEqual([['fence', 2]]);
    const batch = h.batchOf(start[0].batch);
    const kinds = types(batch);
    expect(kinds.indexOf('persist')).toBeLessThan(kinds.indexOf('transition'));
    expect(kinds.lastIndexOf('persist')).toBeLessThan(kinds.indexOf('startResource'));
    expect(batch.find((a) => a.type === 'persist')).toMatchObject({ state: { lastFence: { fenceId: 2, result: 'confirmed' } } });
    expect(h.stored('b')?.epoch).toBe(2);
    expect(h.status('b').alarms.map((a) => a.id).sort()).toEqual(['peer-fenced']);
  });

  test('a fence with no result after fenceTimeoutMs + 1000 counts as failed', () => {
    const { h } = ownerDies();
    const firedAt = h.acts('fence', 'node-b')[0].atMs;
    h.advanceUntil(() => h.acts('fence', 'node-b').length === 2, 10_000);
    const failed = h.acts('alarm', 'node-b').find((x) => x.a.alarm.id === 'fence-failed');
    expect(failed?.atMs).toBe(firedAt + 2000 + 1000);
    expect(failed?.a.alarm.message).toMatch(/no result from the fence device after 3000 ms/);
    expect(h.acts('fence', 'node-b')[1].atMs).toBe(firedAt + 3000 + 500);
    expect(h.acts('startResource', 'node-b')).toEqual([]);
  });

  test('the peer heard again before the fence fires cancels it', () => {
    const h = formedPair();
    h.cut();
    h.advanceUntil(() => h.role('b') === 'fencing', 1000);
    h.heal();
    h.advance(1000);
    expect(h.acts('fence', 'node-b')).toEqual([]);
    expect(h.role('b')).toBe('standby');
  });
});

describe('symmetric partition', () => {
  test('the owner fences at once, the standby only after the fence delay; the standby never starts', () => {
    const h = formedPair();
    h.cut();
    h.advance(1000);
    const lostA = h.acts('alarm', 'node-a').find((x) => x.a.alarm.id === 'peer-lost');
    const lostB = h.acts('transition', 'node-b').find((x) => x.a.transition.to === 'fencing');
    const [fa] = h.acts('fence', 'node-a');
    const [fb] = h.acts('fence', 'node-b');
    expect(fa.atMs).toBe(lostA?.atMs);
    expect(fa.batch).toBe(lostA?.batch); // no delay at all
    expect(fb.atMs).toBe((lostB?.atMs ?? NaN) + 300);
    expect(fa.atMs).toBeLessThan(fb.atMs);
    expect(h.acts('startResource', 'node-b')).toEqual([]);
    h.confirmFence('a'); // the owner's fence wins: node-b is powered off
    h.advance(2000);
    expect(h.acts('startResource', 'node-b')).toEqual([]);
    expect(h.role('a')).toBe('active');
    expect(h.running('a')).toBe(true);
    expect(h.acts('startResource', 'node-a')).toHaveLength(1); // formation only: no restart
  });

  test('when the owner\'s fence is confirmed within the delay, the standby never even fences', () => {
    const h = formedPair();
    h.cut();
    h.advanceUntil(() => h.acts('fence', 'node-a').length > 0, 1000);
    h.advance(100);
    h.confirmFence('a');
    h.advance(2000);
    expect(h.acts('fence', 'node-b')).toEqual([]);
    expect(h.acts('startResource', 'node-b')).toEqual([]);
    expect(h.status('a').peer.state).toBe('fenced');
  });

  test('an asymmetric partition (node-b deaf): the owner pre-empts the fencing standby', () => {
    const h = formedPair();
    h.cut(undefined, 'a'); // node-b hears nothing, node-a still hears node-b
    h.advance(1000);
    const [fa] = h.acts('fence', 'node-a');
    const [fb] = h.acts('fence', 'node-b');
    expect(fa).toBeDefined();
    expect(fa.atMs).toBeLessThan(fb.atMs);
    expect(h.acts('alarm', 'node-a').some((x) => x.a.alarm.id === 'peer-fencing-us')).toBe(true);
    h.confirmFence('a');
    h.advance(1000);
    expect(h.acts('startResource', 'node-b')).toEqual([]);
  });
});
