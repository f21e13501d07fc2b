// Named simulator scenarios for fence devices that lie, hang and recover, on
// a fixed configuration (not drawn per seed), with the real ClusterCore: the
// core must never take over without a confirmed fence, must retry a device
// that never answers, and must take over once a broken device works again.

import { ClusterCore } from '../../src/core/core';
import type { CoreEvent } from '../../src/core/types';
import { SafetyChecker } from '../../src/sim/checkers/safety';
import { drawParams, type SimParams } from '../../src/sim/params';
import { Prng } from '../../src/sim/prng';
import type { SimNode } from '../../src/sim/simNode';
import { SimWorld, type CoreFactory, type Observation, type Observer } from '../../src/sim/world';

/** Records the fence and start observations of a run. */
class Recorder implements Observer {
  readonly seen: Observation[] = [];

  observe(o: Observation): void {
    if (o.kind === 'fence-fired' || o.kind === 'fence-result' || o.kind === 'start') this.seen.push(o);
  }

  fired(n: SimNode): number[] {
    return this.seen.filter((o) => o.kind === 'fence-fired' && o.node === n).map((o) => o.atMs);
  }

  results(n: SimNode): Array<Extract<Observation, { kind: 'fence-result' }>> {
    return this.seen.filter((o): o is Extract<Observation, { kind: 'fence-result' }> => o.kind === 'fence-result' && o.node === n);
  }

  fencedStarts(): Array<Extract<Observation, { kind: 'start' }>> {
    return this.seen.filter((o): o is Extract<Observation, { kind: 'start' }> => o.kind === 'start' && o.cause === 'fence');
  }
}

/** One fixed pair: two 20 ms paths, a 1 s fence timeout, no random network loss or failed writes. */
function fixedParams(): SimParams {
  return {
    // Drawn first so fields added to SimParams later get a value; everything that matters here is fixed below.
    ...drawParams(new Prng(7)),
    paths: [
      { name: 'crossover', intervalMs: 20, missMultiplier: 5 },
      { name: 'lan', intervalMs: 20, missMultiplier: 5 },
    ],
    netDelayMinMs: 0.2,
    netDelayJitterMs: 1,
    baseLoss: 0,
    fenceDelayMs: 60,
    fenceLatencyMs: 40,
    fenceTimeoutMs: 1000,
    fenceAction: 'off',
    bootDelayMs: 500,
    startMs: 50,
    stopMs: 50,
    monitorIntervalMs: 500,
    waitForAll: true,
    startupWaitMs: 2000,
    priorityA: 200,
    priorityB: 100,
    persistFailProb: 0,
  };
}

interface Pair {
  w: SimWorld;
  safety: SafetyChecker;
  rec: Recorder;
  active: SimNode;
  standby: SimNode;
}

/** Boots both nodes and runs until one is active with the resource and the other a standby hearing it. */
function stablePair(coreFactory: CoreFactory = (init) => new ClusterCore(init)): Pair {
  const w = new SimWorld(fixedParams(), new Prng(11), coreFactory);
  w.traceAll = true;
  const safety = new SafetyChecker();
  const rec = new Recorder();
  w.observers.push(safety, rec);
  w.at(0, () => w.startDaemon(w.a));
  w.at(300, () => w.startDaemon(w.b));
  w.runUntil(6000);
  const active = [w.a, w.b].find((n) => n.core?.currentRole === 'active' && n.resource === 'running');
  if (!active) throw new Error(`no active node after boot:\n${w.trace.join('\n')}`);
  const standby = w.peerOf(active);
  expect(standby.core?.currentRole).toBe('standby');
  expect(rec.seen.filter((o) => o.kind === 'fence-fired')).toEqual([]);
  return { w, safety, rec, active, standby };
}

function cutAllPaths(w: SimWorld, cut: boolean): void {
  for (const c of w.cut) c.a = c.b = cut;
}

const traceOf = (w: SimWorld) => w.trace.join('\n');

describe('fence device scenarios', () => {
  test('a lying device never leads to a takeover while the peer is powered', () => {
    const { w, safety, rec, active, standby } = stablePair();
    // Both devices lie: whichever node fences, the switch says done and switches nothing.
    w.setFenceMode(w.a, 'lie');
    w.setFenceMode(w.b, 'lie');
    const cutAt = w.nowMs;
    cutAllPaths(w, true);
    w.runUntil(cutAt + 10_000);

    const results = [...rec.results(w.a), ...rec.results(w.b)];
    expect(results.length).toBeGreaterThanOrEqual(3);
    for (const r of results) {
      expect(r.confirmedOff).toBe(false);
      expect(r.reason).toMatch(/claimed node-[ab] off \(device reported success\) but status still reads on/);
    }
    // Retried, not given up: fires keep coming through the partition, each one answered and refused.
    expect(rec.fired(standby).length + rec.fired(active).length).toBeGreaterThanOrEqual(results.length);
    expect(rec.fencedStarts()).toEqual([]);
    expect(w.a.power && w.b.power).toBe(true);
    expect(active.resource).toBe('running');
    expect(standby.resource).toBe('stopped');
    expect(safety.violations).toEqual([]);
    expect(traceOf(w)).toMatch(/fence-failed: .*status still reads on/);

    // Healed: the peer is heard again and the pair carries on as it was.
    cutAllPaths(w, false);
    w.runUntil(w.nowMs + 3000);
    expect(active.core?.currentRole).toBe('active');
    expect(standby.core?.currentRole).toBe('standby');
    expect(safety.violations).toEqual([]);
  });

  test('planted bug: a core that believes the device instead of the read-back is caught', () => {
    class TrustsTheDevice extends ClusterCore {
      protected override onFenceResult(now: number, ev: Extract<CoreEvent, { type: 'fenceResult' }>): void {
        super.onFenceResult(now, { ...ev, confirmedOff: true });
      }
    }
    const { w, safety } = stablePair((init) => new TrustsTheDevice(init));
    w.setFenceMode(w.a, 'lie');
    w.setFenceMode(w.b, 'lie');
    cutAllPaths(w, true);
    w.runUntil(w.nowMs + 10_000);
    const rules = new Set(safety.violations.map((v) => v.rule));
    expect(rules.has('fence-before-takeover') || rules.has('one-holder')).toBe(true);
  });

  test('a hanging device times out, is retried, and the takeover waits for a confirmed fence', () => {
    const { w, safety, rec, active, standby } = stablePair();
    const timeoutMs = w.p.fenceTimeoutMs;
    // Hangs through two timeouts, then works.
    w.fenceSequence(standby, [{ mode: 'hang', forMs: 2.5 * timeoutMs }]);
    const crashAt = w.nowMs;
    w.crash(active);
    w.runUntil(crashAt + 8000);

    const fired = rec.fired(standby);
    expect(fired.length).toBeGreaterThanOrEqual(3);
    // Each retry comes only after the previous fire timed out.
    for (let i = 1; i < fired.length; i++) expect(fired[i]! - fired[i - 1]!).toBeGreaterThanOrEqual(timeoutMs);
    const gaveUp = [...traceOf(w).matchAll(/fence-failed: no result from the fence device after (\d+) ms/g)].map((m) => Number(m[1]));
    expect(gaveUp.length).toBe(fired.length - 1);
    for (const waitedMs of gaveUp) expect(waitedMs).toBeGreaterThanOrEqual(timeoutMs);
    // The hung fires never answered; the first answer is the confirmed one after the device recovered.
    const results = rec.results(standby);
    expect(results.map((r) => r.confirmedOff)).toEqual([true]);
    expect(results[0]!.atMs).toBeGreaterThan(crashAt + 2.5 * timeoutMs);
    const starts = rec.fencedStarts();
    expect(starts.map((s) => s.node)).toEqual([standby]);
    expect(starts[0]!.atMs).toBeGreaterThanOrEqual(results[0]!.atMs);
    expect(active.power).toBe(false);
    expect(standby.resource).toBe('running');
    expect(safety.violations).toEqual([]);
  });

  test.each(['fail', 'lie', 'hang'] as const)('a device in mode %s for 3 s that then recovers leads to a takeover after the recovery', (mode) => {
    const { w, safety, rec, active, standby } = stablePair();
    w.fenceSequence(standby, [{ mode, forMs: 3000 }]);
    const crashAt = w.nowMs;
    const recoveredAt = crashAt + 3000;
    w.crash(active);

    // The crashed node's daemon is gone but its machine and its resource are not: no takeover yet.
    w.runUntil(recoveredAt - 1);
    expect(active.power).toBe(true);
    expect(active.resource).toBe('running');
    expect(rec.fencedStarts()).toEqual([]);
    expect(rec.fired(standby).length).toBeGreaterThanOrEqual(2);
    expect(rec.results(standby).every((r) => !r.confirmedOff)).toBe(true);

    w.runUntil(recoveredAt + 6000);
    const confirmed = rec.results(standby).filter((r) => r.confirmedOff);
    expect(confirmed).toHaveLength(1);
    expect(confirmed[0]!.atMs).toBeGreaterThanOrEqual(recoveredAt);
    expect(rec.fencedStarts().map((s) => s.node)).toEqual([standby]);
    expect(active.power).toBe(false);
    expect(standby.resource).toBe('running');
    expect(safety.violations).toEqual([]);
  });
});
