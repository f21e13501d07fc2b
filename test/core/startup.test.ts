// Start-up rules: ensure-stopped at boot, wait_for_all, force-start, and no
// fence loop when a fenced node boots into a still-broken link.

import { HB_FLAG } from '../../src/core/types';
import { Pair, Solo, formedPair } from './harness';

const nonSend = (types: string[]) => types.filter((t) => t !== 'send');

describe('start-up', () => {
  test('boot persists the state, then makes sure the resource is stopped', () => {
    const s = new Solo({ persisted: { epoch: 4, incarnation: 7 }, incarnation: 8 });
    const out = s.boot();
    expect(nonSend(out.map((a) => a.type))).toEqual(['persist', 'stopResource', 'notice']);
    expect(out[0]).toEqual({ type: 'persist', state: { epoch: 4, incarnation: 8 } });
    expect(s.role).toBe('waiting');
    // It also announces itself at once on every path.
    expect(out.filter((a) => a.type === 'send').map((a) => a.type === 'send' && a.path)).toEqual(['crossover', 'lan']);
  });

  test('a node that boots alone stays waiting, raises waiting-for-peer after startupWaitMs, and never fences or starts', () => {
    const h = new Pair({ boot: ['a'] });
    h.advance(2999);
    expect(h.role('a')).toBe('waiting');
    expect(h.acts('alarm', 'node-a')).toEqual([]);
    h.advance(20_000);
    const alarms = h.acts('alarm', 'node-a');
    expect(alarms.map((x) => [x.atMs, x.a.alarm.id, x.a.alarm.severity, x.a.raised])).toEqual([[3000, 'waiting-for-peer', 'critical', true]]);
    expect(alarms[0].a.alarm.message).toMatch(/node-b not seen for 3000 ms since start-up \(wait_for_all\).*force-start/);
    expect(h.role('a')).toBe('waiting');
    expect(h.acts('fence')).toEqual([]);
    expect(h.acts('startResource')).toEqual([]);
    expect(h.acts('transition')).toEqual([]);
  });

  test('seeing the peer moves a waiting node to standby and clears the alarm', () => {
    const h = new Pair({ boot: ['a'] });
    h.advance(5000);
    h.boot('b');
    const at = h.advanceUntil(() => h.role('a') !== 'waiting', 100);
    expect(h.role('a')).toBe('standby');
    expect(h.acts('alarm', 'node-a').at(-1)).toMatchObject({ atMs: at, a: { raised: false, alarm: { id: 'waiting-for-peer' } } });
    expect(h.acts('transition', 'node-a')[0].a.transition).toMatchObject({ from: 'waiting', to: 'standby' });
  });

  test('force-start in waiting fences first and starts only after the fence is confirmed', () => {
    const h = new Pair({ boot: ['a'] });
    h.advance(100);
    const before = h.log.length;
    const r = h.command('a', { kind: 'force-start' });
    expect(r).toMatchObject({ ok: true, message: expect.stringMatching(/fencing node-b, then starting/) });
    const batch = h.log[before].batch;
    const types = nonSend(h.batchOf(batch).map((a) => a.type));
    // No fence delay: the operator asked for it; the fence record is written before the fence.
    expect(types.indexOf('persist')).toBeLessThan(types.indexOf('fence'));
    expect(h.role('a')).toBe('fencing');
    // Failed fences are retried (after 500, then 1000 ms); nothing starts meanwhile.
    h.failFence('a');
    h.advance(600);
    h.failFence('a');
    h.advance(1100);
    expect(h.acts('fence', 'node-a')).toHaveLength(3);
    expect(h.acts('startResource')).toEqual([]);
    expect(h.role('a')).toBe('fencing');
    h.confirmFence('a');
    const start = h.acts('startResource', 'node-a');
    expect(start).toHaveLength(1);
    expect(start[0].a).toMatchObject({ cause: 'fence', epoch: 1 });
    const startBatch = nonSend(h.batchOf(start[0].batch).map((a) => a.type));
    expect(startBatch.lastIndexOf('persist')).toBeLessThan(startBatch.indexOf('startResource'));
    expect(h.role('a')).toBe('active');
  });

  test('force-start is refused on a node that is not waiting', () => {
    const h = formedPair();
    const r = h.command('b', { kind: 'force-start' });
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/only for a node waiting.*standby/);
    h.advance(1000);
    expect(h.acts('fence')).toEqual([]);
  });

  test('with waitForAll off, a lone node fences after startupWaitMs (plus the fence delay), then starts on confirmation', () => {
    const h = new Pair({ boot: ['a'], a: { waitForAll: false } });
    h.advance(10_000, () => h.acts('fence').length > 0);
    const t = h.acts('transition', 'node-a');
    expect(t[0]).toMatchObject({ atMs: 3000, a: { transition: { from: 'waiting', to: 'fencing' } } });
    expect(h.acts('fence', 'node-a')[0].atMs).toBe(3000 + 300);
    expect(h.acts('alarm').filter((x) => x.a.alarm.id === 'waiting-for-peer')).toEqual([]);
    expect(h.acts('startResource')).toEqual([]);
    h.confirmFence('a');
    expect(h.acts('startResource', 'node-a').map((x) => x.a.cause)).toEqual(['fence']);
  });
});

describe('no fence loop', () => {
  test('a fenced node that boots while the link is still cut stays waiting and fences nobody', () => {
    const h = formedPair();
    h.cut();
    h.advanceUntil(() => h.acts('fence', 'node-a').length > 0, 1000);
    h.confirmFence('a'); // node-b is powered off
    const epochB = h.stored('b')?.epoch;
    h.advance(500);
    h.boot('b'); // fresh incarnation, its persisted state, link still cut
    expect(h.status('b').epoch).toBe(epochB);
    expect(h.status('b').incarnation).toBe(2);
    h.advance(30_000);
    expect(h.role('b')).toBe('waiting');
    expect(h.acts('fence', 'node-b')).toEqual([]);
    expect(h.acts('startResource', 'node-b')).toEqual([]);
    expect(h.status('b').alarms.map((a) => a.id)).toContain('waiting-for-peer');
    // The survivor does not fence again either: the peer is confirmed off.
    expect(h.acts('fence', 'node-a')).toHaveLength(1);
    expect(h.role('a')).toBe('active');
    h.heal();
    h.advanceUntil(() => h.role('b') === 'standby', 500);
    h.advance(2000);
    expect(h.acts('fence')).toHaveLength(1);
    expect(h.role('a')).toBe('active');
    expect(h.status('a').peer.state).toBe('up');
  });
});

describe('replayed heartbeats after a restart', () => {
  test('a handoff addressed to an earlier life of this node is not taken; the same offer addressed to this life is', () => {
    const s = new Solo({ persisted: { epoch: 3, incarnation: 6 }, incarnation: 7 });
    s.boot();
    s.finish('stop');
    // A recording from when this node was incarnation 6: the peer had stopped and handed over.
    s.hb({ role: 'standby', resource: 'stopped', epoch: 3, flags: HB_FLAG.HANDOFF, priority: 255, peerIncarnation: 6 });
    s.now += 50;
    s.tick();
    expect(s.acts('startResource')).toEqual([]);
    expect(s.role).toBe('standby');
    // The live peer answering this life (incarnation 7) with the same offer is taken.
    s.hb({ role: 'standby', resource: 'stopped', epoch: 3, flags: HB_FLAG.HANDOFF, priority: 255, peerIncarnation: 7, seq: 50 });
    expect(s.acts('startResource').map((x) => x.a.cause)).toEqual(['handoff']);
  });

  test('formation waits for a heartbeat addressed to this life', () => {
    const s = new Solo({ incarnation: 9 });
    s.boot();
    s.finish('stop');
    s.hb({ role: 'standby', resource: 'stopped', priority: 1, peerIncarnation: 8 });
    s.now += 50;
    s.tick();
    expect(s.acts('startResource')).toEqual([]);
    s.hb({ role: 'standby', resource: 'stopped', priority: 1, peerIncarnation: 9, seq: 60 });
    expect(s.acts('startResource').map((x) => x.a.cause)).toEqual(['formation']);
  });
});
