// The per-path failure detector, the stall guard, and how heartbeats that
// arrive out of order (or from an older life of the peer) are treated.

import { HB_FLAG } from '../../src/core/types';
import { DETECT_MS } from './fixtures';
import { Solo, formedPair } from './harness';

describe('failure detector', () => {
  test('cutting one of two paths raises path-down (warning) on both nodes, and nothing else happens', () => {
    const h = formedPair();
    const cutAt = h.now;
    const transitionsBefore = h.acts('transition').length;
    h.cut('lan');
    h.advance(1000);
    for (const n of ['node-a', 'node-b']) {
      const down = h.acts('alarm', n).filter((x) => x.a.alarm.id === 'path-down:lan');
      expect(down.map((x) => [x.a.raised, x.a.alarm.severity])).toEqual([[true, 'warning']]);
      expect(down[0].atMs - cutAt).toBeGreaterThanOrEqual(DETECT_MS - 100);
      expect(down[0].atMs - cutAt).toBeLessThanOrEqual(DETECT_MS + 100 + 1);
      expect(down[0].a.alarm.message).toMatch(/still heard on crossover/);
    }
    expect(h.acts('fence')).toEqual([]);
    expect(h.acts('transition')).toHaveLength(transitionsBefore);
    expect([h.role('a'), h.role('b')]).toEqual(['active', 'standby']);
    expect(h.status('a').paths.map((p) => [p.name, p.up])).toEqual([['crossover', true], ['lan', false]]);

    const healAt = h.now;
    h.heal('lan');
    h.advance(300);
    for (const n of ['node-a', 'node-b']) {
      const cleared = h.acts('alarm', n).filter((x) => x.a.alarm.id === 'path-down:lan' && !x.a.raised);
      expect(cleared).toHaveLength(1);
      expect(cleared[0].atMs - healAt).toBeLessThanOrEqual(100 + 1);
    }
    expect(h.status('a').alarms).toEqual([]);
  });

  test('cutting every path loses the peer after intervalMs x missMultiplier, naming every path\'s silence', () => {
    const h = formedPair();
    const cutAt = h.now;
    h.cut();
    h.advance(1000);
    const lost = h.acts('alarm').filter((x) => x.a.raised && x.a.alarm.id === 'peer-lost');
    expect(lost.map((x) => x.node).sort()).toEqual(['node-a', 'node-b']);
    for (const x of lost) {
      // The last heartbeat before the cut was at most one interval (50 ms on crossover) old.
      expect(x.atMs - cutAt).toBeGreaterThanOrEqual(DETECT_MS - 50);
      expect(x.atMs - cutAt).toBeLessThanOrEqual(DETECT_MS + 50);
      const m = /\(crossover: (\d+) ms silent, lan: (\d+) ms silent\)/.exec(x.a.alarm.message);
      expect(m).not.toBeNull();
      // Both paths are past their 200 ms deadline, and the numbers are real silences.
      expect(Number(m?.[1])).toBeGreaterThan(DETECT_MS);
      expect(Number(m?.[2])).toBeGreaterThan(DETECT_MS);
      expect(Number(m?.[2])).toBeLessThanOrEqual(DETECT_MS + 100 + 1);
    }
    // Path alarms are folded into peer-lost, not left behind.
    expect(h.status('a').alarms.map((a) => a.id)).not.toContain('path-down:lan');
  });
});

/** node-b, active, heard on both paths every 50 ms from now until `untilMs`. */
function pump(s: Solo, untilMs: number): void {
  for (; s.now <= untilMs; s.now += 50) {
    s.hb({ role: 'active', resource: 'running', epoch: 1 }, 'crossover');
    s.hb({ role: 'active', resource: 'running', epoch: 1 }, 'lan');
  }
  s.now = untilMs;
}

/** A Solo standby that hears node-b active on both paths every 50 ms until `untilMs`. */
function heardStandby(untilMs: number): Solo {
  const s = new Solo();
  s.boot();
  s.finish('stop');
  pump(s, untilMs);
  expect(s.role).toBe('standby');
  return s;
}

describe('stall guard', () => {
  test('a process that resumes after a long freeze does not judge the peer on stale silence when heartbeats are waiting', () => {
    const s = heardStandby(1000);
    s.now = 3000; // frozen for 2 s; its timer fires first
    s.tick();
    expect(s.role).toBe('standby');
    expect(s.core.status(s.now).peer.state).toBe('lost'); // the paths are down...
    expect(s.acts('alarm').filter((x) => x.a.alarm.id === 'peer-lost')).toEqual([]); // ...but no decision yet
    expect(s.core.nextWakeMs()).toBeLessThanOrEqual(3000 + 2 * 50);
    pump(s, 3500); // what queued up while frozen, then the usual stream
    expect(s.acts('transition').map((x) => x.a.transition.to)).toEqual(['standby']);
    expect(s.acts('fence')).toEqual([]);
  });

  test('in a pair: a frozen standby that resumes with heartbeats queued does not fence the owner', () => {
    const h = formedPair();
    h.freeze('b');
    h.advance(1000); // node-a hears nothing from node-b and fences it; the device fails
    expect(h.acts('fence', 'node-a')).toHaveLength(1);
    h.failFence('a');
    h.thaw('b'); // its timer fires first, then a second of node-a's heartbeats
    h.advance(2000);
    expect(h.acts('transition', 'node-b').map((x) => x.a.transition.to)).toEqual(['standby']);
    expect(h.acts('fence', 'node-b')).toEqual([]);
    // node-a hears node-b again: its pending retry is cancelled, it keeps the service.
    expect(h.acts('fence', 'node-a')).toHaveLength(1);
    expect([h.role('a'), h.role('b')]).toEqual(['active', 'standby']);
  });

  test('just after a stall, a queued handoff offer is not taken until heartbeats are fresh', () => {
    const s = heardStandby(1000);
    s.now = 3000;
    s.tick();
    const offer = { role: 'standby' as const, resource: 'stopped' as const, flags: HB_FLAG.HANDOFF | HB_FLAG.PEER_HEARD };
    s.hb(offer); // written by node-b before our stall: node-b may have moved on since
    expect(s.role).toBe('standby');
    for (s.now = 3050; s.now <= 3150 && s.role === 'standby'; s.now += 50) s.hb(offer);
    const took = s.acts('transition').at(-1);
    expect(took?.a.transition).toMatchObject({ from: 'standby', to: 'active' });
    expect(took?.atMs).toBe(3100); // the suspension (2 x 50 ms) is over
  });

  test('the suspension is brief: with nothing waiting, the peer is lost 2 x the smallest interval after resuming', () => {
    const s = heardStandby(1000);
    s.now = 3000;
    s.tick();
    s.runTo(4000);
    const t = s.acts('transition').at(-1);
    expect(t).toMatchObject({ atMs: 3000 + 100, a: { transition: { from: 'standby', to: 'fencing' } } });
  });

  test('gaps up to 2.5 x the smallest interval do not suspend anything', () => {
    const s = heardStandby(1000);
    for (s.now = 1120; s.now < 1400; s.now += 120) s.tick(); // 120 ms gaps < 125 ms
    s.runTo(1400);
    expect(s.acts('transition').at(-1)?.a.transition.to).toBe('fencing');
    expect(s.acts('transition').at(-1)?.atMs).toBeLessThanOrEqual(1000 + DETECT_MS + 50);
  });

  // BUG (boundary): the guard only trips on gaps above 2.5 x the smallest interval, but
  // the config allows missMultiplier 2, i.e. a detection time of 2 x interval. A stall
  // between 2x and 2.5x the interval then declares the peer lost on stale silence, and
  // an owner fences at once (delay 0) although the heartbeats are sitting in the socket.
  test('with missMultiplier 2 on every path, a stall just past the detection time does not fence', () => {
    const paths = [
      { name: 'crossover', intervalMs: 50, missMultiplier: 2 },
      { name: 'lan', intervalMs: 50, missMultiplier: 2 },
    ];
    const s = new Solo({ config: { paths } });
    s.boot();
    s.finish('stop');
    s.hb({ role: 'standby', resource: 'stopped' }, 'crossover');
    s.hb({ role: 'standby', resource: 'stopped' }, 'lan');
    s.finish('start');
    expect(s.role).toBe('active');
    s.now = 110; // frozen 110 ms: over the 100 ms detection time, under the 125 ms guard
    s.tick();
    s.hb({ role: 'standby', resource: 'stopped' }); // was waiting in the socket
    expect(s.acts('fence')).toEqual([]);
  });
});

describe('stale heartbeats', () => {
  test('a lower seq (reordered across paths) keeps its path alive but does not roll back the peer\'s state', () => {
    const s = new Solo();
    s.boot();
    s.finish('stop');
    s.hb({ seq: 10, role: 'standby', resource: 'stopped', epoch: 2 }, 'crossover');
    s.now = 20;
    s.hb({ seq: 9, role: 'active', resource: 'running', epoch: 5, health: 'critical' }, 'lan');
    const st = s.core.status(s.now);
    expect(st.peer).toMatchObject({ role: 'standby', resource: 'stopped', epoch: 2, health: 'ok' });
    expect(st.paths.find((p) => p.name === 'lan')).toMatchObject({ up: true, lastHeardAgeMs: 0 });
    expect(s.acts('alarm').filter((x) => x.a.alarm.id === 'two-active')).toEqual([]);
    // The same seq again is not news either.
    s.hb({ seq: 10, role: 'active', resource: 'running', epoch: 9 });
    expect(s.core.status(s.now).peer.epoch).toBe(2);
  });

  test('a heartbeat from a lower incarnation (an older life of the peer) is ignored entirely', () => {
    const s = new Solo();
    s.boot();
    s.finish('stop');
    s.hb({ incarnation: 5, seq: 1, role: 'standby', resource: 'stopped' }, 'crossover');
    s.now = 20;
    s.hb({ incarnation: 4, seq: 1000, role: 'active', resource: 'running', epoch: 9 }, 'lan');
    const st = s.core.status(s.now);
    expect(st.peer).toMatchObject({ incarnation: 5, role: 'standby', epoch: 0 });
    expect(st.paths.find((p) => p.name === 'lan')?.lastHeardAgeMs).toBeNull();
    expect(s.acts('notice').filter((x) => x.a.name === 'peer-restarted')).toEqual([]);
  });

  test('a higher incarnation is a restart: noticed, and the paths start over', () => {
    const s = new Solo();
    s.boot();
    s.hb({ incarnation: 5, seq: 50 }, 'lan');
    s.now = 20;
    s.hb({ incarnation: 6, seq: 1 }, 'crossover');
    expect(s.acts('notice').filter((x) => x.a.name === 'peer-restarted').map((x) => x.a.message)).toEqual(['node-b restarted (incarnation 5 -> 6)']);
    expect(s.core.status(s.now).paths.find((p) => p.name === 'lan')?.lastHeardAgeMs).toBeNull();
  });
});
