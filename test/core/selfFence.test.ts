// Watchdog self-fencing (sbd's rule), operator confirmation (meatware), and
// the random and priority parts of the fence delay.

import type { CoreAction } from '../../src/core/types';
import { Pair, Solo, formedPair } from './harness';

const SELF = { selfFence: true } as const;
const answer = (h: Pair, k: 'a' | 'b', mayProceed: boolean, reason = mayProceed ? 'witness granted' : 'witness refused: held by the other node') =>
  h.event(k, { type: 'arbiter', mayProceed, reason }, `arbiter ${mayProceed ? 'yes' : 'no'}`);

function partitioned(): Pair {
  const h = formedPair({ a: SELF, b: SELF });
  h.cut();
  h.advanceUntil(() => h.acts('askArbiter', 'node-a').length > 0 && h.acts('askArbiter', 'node-b').length > 0, 2000);
  return h;
}

describe('self-fencing', () => {
  test('a partition: both ask the arbitrator; the refused standby self-fences and never takes over', () => {
    const h = partitioned();
    answer(h, 'a', true);
    answer(h, 'b', false);
    const sf = h.acts('selfFence', 'node-b');
    expect(sf).toHaveLength(1);
    expect(sf[0].a.reason).toContain('witness refused');
    expect(h.status('b').arbiter.state).toBe('denied');
    expect(h.status('b').alarms.map((x) => x.id)).toContain('self-fence');
    h.advance(5000);
    expect(h.acts('fence', 'node-b')).toEqual([]); // a self-fenced node fences nobody
    expect(h.acts('startResource', 'node-b')).toEqual([]);
    // The granted owner fences (the watchdog wait) and keeps the service.
    h.advanceUntil(() => h.acts('fence', 'node-a').length > 0, 1000);
    h.confirmFence('a');
    expect(h.role('a')).toBe('active');
    expect(h.running('a')).toBe(true);
  });

  test('a refused owner stops the resource and gives up the service; the survivor takes over only after its yes', () => {
    const h = partitioned();
    answer(h, 'a', false, 'arbitrator unreachable: ping 10.0.0.1 timed out');
    expect(h.role('a')).toBe('standby');
    expect(h.pendingOps('a')).toContain('stop');
    h.advanceUntil(() => h.acts('fence', 'node-b').length > 0, 2000);
    // The wait confirms before the arbitrator has answered node-b: held, no takeover yet.
    h.confirmFence('b');
    expect(h.acts('startResource', 'node-b')).toEqual([]);
    expect(h.role('b')).toBe('fencing');
    answer(h, 'b', true);
    expect(h.role('b')).toBe('active');
    expect(h.acts('startResource', 'node-b').map((x) => x.a.cause)).toEqual(['fence']);
  });

  test('the peer heard again: a grant is released, a late answer changes nothing', () => {
    const h = partitioned();
    answer(h, 'a', true);
    h.heal();
    h.advanceUntil(() => h.acts('releaseArbiter', 'node-a').length > 0, 2000);
    h.advanceUntil(() => h.status('b').peer.state === 'up' && h.role('b') === 'standby', 2000);
    const late = answer(h, 'b', false);
    expect(late.filter((x: CoreAction) => x.type === 'selfFence')).toEqual([]);
    expect(h.role('a')).toBe('active');
  });

  test('without self-fencing configured nothing asks an arbitrator', () => {
    const h = formedPair();
    h.cut();
    h.advance(2000);
    expect(h.acts('askArbiter')).toEqual([]);
    expect(h.status('a').arbiter.state).toBe('off');
  });
});

describe('operator confirmation (edge-ha fence confirm)', () => {
  function ownerDiesFenceFails(): Pair {
    const h = formedPair();
    h.powerOff('a');
    h.advanceUntil(() => h.acts('fence', 'node-b').length > 0, 2000);
    h.failFence('b', 'pdu unreachable');
    return h;
  }

  test('the fence-failed alarm says how to confirm by hand; confirming takes over with a persisted record', () => {
    const h = ownerDiesFenceFails();
    const alarm = h.status('b').alarms.find((x) => x.id === 'fence-failed');
    expect(alarm?.message).toContain('edge-ha fence confirm node-a');
    const r = h.command('b', { kind: 'confirm-fenced', target: 'node-a' });
    expect(r.ok).toBe(true);
    expect(h.role('b')).toBe('active');
    expect(h.acts('startResource', 'node-b').map((x) => x.a.cause)).toEqual(['fence']);
    expect(h.stored('b')?.lastFence).toMatchObject({ target: 'node-a', result: 'confirmed', reason: expect.stringContaining('operator') });
    expect(h.status('b').alarms.map((x) => x.id)).not.toContain('fence-failed');
  });

  test('refused while the peer is heard, for another node, and twice', () => {
    const h = formedPair();
    const heard = h.command('b', { kind: 'confirm-fenced', target: 'node-a' });
    expect(heard).toMatchObject({ ok: false });
    expect(heard.message).toMatch(/heard on crossover/);
    expect(h.command('b', { kind: 'confirm-fenced', target: 'node-x' }).ok).toBe(false);
    expect(h.role('b')).toBe('standby');
    const g = ownerDiesFenceFails();
    expect(g.command('b', { kind: 'confirm-fenced', target: 'node-a' }).ok).toBe(true);
    expect(g.command('b', { kind: 'confirm-fenced', target: 'node-a' })).toMatchObject({ ok: false, message: 'node-a is already confirmed off' });
  });

  test('a node waiting alone at start-up (wait_for_all) starts once the operator confirms the peer is off', () => {
    const h = new Pair({ boot: ['b'] });
    h.advance(4000);
    expect(h.role('b')).toBe('waiting');
    expect(h.command('b', { kind: 'confirm-fenced', target: 'node-a' }).ok).toBe(true);
    h.advanceUntil(() => h.running('b'), 1000);
    expect(h.role('b')).toBe('active');
  });
});

describe('fence delay', () => {
  function lossDelay(config: ConstructorParameters<typeof Solo>[0], peer: Parameters<Solo['hb']>[0]): number {
    const s = new Solo(config);
    s.boot();
    s.hb(peer);
    s.hb(peer, 'lan');
    s.finish('stop', true, false);
    s.tick();
    s.runTo(5000);
    const lost = s.log.find((e) => e.action?.type === 'transition' && e.action.transition.to === 'fencing');
    const fence = s.acts('fence')[0];
    if (!lost || !fence) throw new Error(s.transcript());
    return fence.atMs - lost.atMs;
  }

  test('a random part drawn from the seed: the same seed gives the same delay, within base..base+random', () => {
    const cfg = (seed: number) => ({ config: { fenceDelayRandomMs: 200 }, seed });
    const peer = { role: 'active' as const, resource: 'running' as const, epoch: 1 };
    const delays = [1, 2, 3, 4, 5].map((seed) => lossDelay(cfg(seed), peer));
    for (const d of delays) {
      expect(d).toBeGreaterThanOrEqual(300);
      expect(d).toBeLessThanOrEqual(501);
    }
    expect(new Set(delays).size).toBeGreaterThan(1);
    expect(lossDelay(cfg(3), peer)).toBe(delays[2]);
  });

  test('when neither node owned the service, the node that is not preferred waits the base delay once more', () => {
    const owner = lossDelay({}, { role: 'active', resource: 'running', epoch: 1 });
    // peerIncarnation 0: the peer has not heard node-a yet, so neither forms the cluster before the loss.
    const preferredPeer = lossDelay({}, { role: 'standby', resource: 'stopped', priority: 200, peerIncarnation: 0 });
    const lesserPeer = lossDelay({}, { role: 'standby', resource: 'stopped', priority: 50, peerIncarnation: 0 });
    expect(owner).toBe(300);
    expect(preferredPeer).toBe(600);
    expect(lesserPeer).toBe(300);
  });
});
