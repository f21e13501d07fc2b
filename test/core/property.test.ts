// Property tests: random interleavings of everything the shell can feed the
// core (ticks, heartbeats from a fake peer with random roles and flags, fence
// and resource results, commands, health, failed writes, shutdown). Whatever
// the order, the core must keep its local safety rules.

import fc from 'fast-check';
import { ClusterCore } from '../../src/core/core';
import { HB_FLAG, HEALTH_LEVELS, RESOURCE_STATES, ROLES, type CoreAction, type CoreEvent, type HealthLevel, type OperatorCommand, type ResourceState, type Role } from '../../src/core/types';
import { A, B, peerHb, testConfig } from './fixtures';

const COMMANDS: OperatorCommand['kind'][] = ['standby', 'online', 'maintenance', 'switchover', 'force-start'];

const often = fc.constantFrom(true, true, true, false);
const { HANDOFF, REFUSE, SWITCHOVER_REQUEST, MODE_STANDBY, PEER_HEARD } = HB_FLAG;

/** What a peer plausibly says (so handoffs, formation and pre-emption are reached), or anything at all. */
const peerState = fc.oneof(
  { weight: 5, arbitrary: fc.record({ role: fc.constant<Role>('standby'), resource: fc.constant<ResourceState>('stopped'), flags: fc.constantFrom(PEER_HEARD, 0, PEER_HEARD | SWITCHOVER_REQUEST, PEER_HEARD | MODE_STANDBY, PEER_HEARD | REFUSE) }) },
  { weight: 4, arbitrary: fc.record({ role: fc.constant<Role>('active'), resource: fc.constantFrom<ResourceState>('running', 'starting', 'stopping'), flags: fc.constantFrom(PEER_HEARD, 0) }) },
  { weight: 2, arbitrary: fc.record({ role: fc.constantFrom<Role>('standby', 'leaving'), resource: fc.constant<ResourceState>('stopped'), flags: fc.constant(PEER_HEARD | HANDOFF) }) },
  { weight: 1, arbitrary: fc.record({ role: fc.constantFrom<Role>('waiting', 'fencing'), resource: fc.constantFrom<ResourceState>('unknown', 'stopped'), flags: fc.constantFrom(0, PEER_HEARD) }) },
  { weight: 2, arbitrary: fc.record({ role: fc.constantFrom(...ROLES), resource: fc.constantFrom(...RESOURCE_STATES), flags: fc.integer({ min: 0, max: 0x3f }) }) },
);

const step = fc.oneof(
  { weight: 20, arbitrary: fc.record({ kind: fc.constant('wake' as const) }) },
  { weight: 10, arbitrary: fc.record({ kind: fc.constant('tick' as const), dtMs: fc.integer({ min: 0, max: 700 }) }) },
  {
    weight: 30,
    arbitrary: fc.record({
      kind: fc.constant('hb' as const),
      dtMs: fc.integer({ min: 0, max: 120 }),
      path: fc.constantFrom('crossover', 'crossover', 'lan', 'lan', 'bogus'),
      state: peerState,
      health: fc.constantFrom<HealthLevel>('ok', 'ok', 'ok', 'degraded', 'critical'),
      epoch: fc.integer({ min: 0, max: 6 }),
      incarnation: fc.constantFrom(1, 1, 1, 1, 2, 3),
      seq: fc.constantFrom('next', 'next', 'next', 'same', 'older'),
      priority: fc.constantFrom(50, 100, 200),
    }),
  },
  { weight: 10, arbitrary: fc.record({ kind: fc.constant('fence' as const), dtMs: fc.integer({ min: 0, max: 3000 }), outstanding: often, id: fc.integer({ min: 1, max: 6 }), confirmedOff: fc.boolean() }) },
  { weight: 15, arbitrary: fc.record({ kind: fc.constant('res' as const), dtMs: fc.integer({ min: 0, max: 200 }), latest: often, id: fc.integer({ min: 1, max: 8 }), ok: often, running: fc.boolean() }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('health' as const), dtMs: fc.integer({ min: 0, max: 100 }), source: fc.constantFrom('raid', 'ups'), level: fc.constantFrom(...HEALTH_LEVELS) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('cmd' as const), dtMs: fc.integer({ min: 0, max: 100 }), command: fc.constantFrom(...COMMANDS) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('persistFailed' as const), dtMs: fc.integer({ min: 0, max: 50 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('shutdown' as const), dtMs: fc.integer({ min: 0, max: 50 }) }) },
);
type Step = typeof step extends fc.Arbitrary<infer S> ? S : never;

/** Drives one core through the steps, turning each into a CoreEvent that refers to what the core emitted so far. */
class Driver {
  readonly core = new ClusterCore({ config: testConfig(A, B), persisted: { epoch: 1, incarnation: 1 }, incarnation: 2 });
  now = 0;
  seq = 0;
  /** Fences the core fired that have not been answered. */
  readonly outstanding = new Set<number>();
  ops: Array<{ opId: number; op: 'start' | 'stop' | 'monitor' }> = [];
  last: CoreAction[] = [];
  private cmdId = 0;

  event(s: Step): CoreEvent {
    if (s.kind === 'wake') {
      const w = this.core.nextWakeMs();
      this.now = Number.isFinite(w) ? Math.max(this.now, Math.ceil(w)) : this.now + 1000;
      return { type: 'tick', nowMs: this.now };
    }
    this.now += s.dtMs;
    const nowMs = this.now;
    switch (s.kind) {
      case 'tick':
        return { type: 'tick', nowMs };
      case 'hb': {
        this.seq = s.seq === 'next' ? this.seq + 1 : s.seq === 'older' ? Math.max(0, this.seq - 2) : this.seq;
        const { path, state, health, epoch, incarnation, priority } = s;
        return { type: 'heartbeat', nowMs, path, hb: peerHb({ seq: this.seq, ...state, health, epoch, incarnation, priority }) };
      }
      case 'fence': {
        const fenceId = s.outstanding && this.outstanding.size > 0 ? Math.max(...this.outstanding) : s.id;
        return { type: 'fenceResult', nowMs, fenceId, confirmedOff: s.confirmedOff, reason: 'test' };
      }
      case 'res': {
        const o = s.latest && this.ops.length > 0 ? this.ops[this.ops.length - 1] : { opId: s.id, op: 'monitor' as const };
        return { type: 'resourceResult', nowMs, opId: o.opId, op: o.op, ok: s.ok, running: s.running, reason: 'test' };
      }
      case 'health':
        return { type: 'health', nowMs, source: s.source, level: s.level, reason: 'test' };
      case 'cmd':
        return { type: 'command', nowMs, cmdId: ++this.cmdId, command: { kind: s.command } as OperatorCommand };
      case 'persistFailed': {
        const skippedOpIds = this.last.flatMap((a) => (a.type === 'startResource' ? [a.opId] : []));
        const skippedFenceIds = this.last.flatMap((a) => (a.type === 'fence' ? [a.fenceId] : []));
        return { type: 'persistFailed', nowMs, reason: 'disk full', skippedOpIds, skippedFenceIds };
      }
      case 'shutdown':
        return { type: 'shutdown', nowMs, reason: 'test' };
    }
  }

  /** Remember what the batch asked for, after the event that produced it was fed. */
  absorb(ev: CoreEvent | null, out: CoreAction[]): void {
    if (ev?.type === 'fenceResult') this.outstanding.delete(ev.fenceId);
    if (ev?.type === 'resourceResult') this.ops = this.ops.filter((o) => o.opId !== ev.opId);
    for (const a of out) {
      if (a.type === 'fence') this.outstanding.add(a.fenceId);
      if (a.type === 'startResource') this.ops.push({ opId: a.opId, op: 'start' });
      if (a.type === 'stopResource') this.ops.push({ opId: a.opId, op: 'stop' });
      if (a.type === 'monitorResource') this.ops.push({ opId: a.opId, op: 'monitor' });
    }
    this.last = out;
  }
}

/** The local safety rules one batch must keep; `ev` is null for boot. */
function checkBatch(d: Driver, ev: CoreEvent | null, out: CoreAction[]): void {
  const answeredConfirmed = ev?.type === 'fenceResult' && ev.confirmedOff && d.outstanding.has(ev.fenceId);
  const starts = out.filter((a) => a.type === 'startResource');
  expect(starts.length).toBeLessThanOrEqual(1);
  out.forEach((a, i) => {
    if (a.type === 'startResource') {
      // The epoch it runs under is on disk first.
      expect(out.slice(0, i).some((p) => p.type === 'persist' && p.state.epoch === a.epoch)).toBe(true);
      if (a.cause === 'fence') expect(answeredConfirmed).toBe(true);
    }
    if (a.type === 'fence') {
      expect(a.target).toBe(B);
      expect(out.slice(0, i).some((p) => p.type === 'persist' && p.state.lastFence?.fenceId === a.fenceId)).toBe(true);
    }
  });
  expect(Number.isNaN(d.core.nextWakeMs())).toBe(false);
}

/** Maintenance before and after the batch (and no shutdown): nothing started, stopped, monitored or fenced. */
function checkMaintenance(d: Driver, ev: CoreEvent, out: CoreAction[], modeBefore: string): void {
  if (modeBefore !== 'maintenance' || d.core.status(d.now).mode !== 'maintenance' || ev.type === 'shutdown') return;
  expect(out.filter((a) => ['startResource', 'stopResource', 'monitorResource', 'fence'].includes(a.type))).toEqual([]);
}

type Extra = { afterTick?: (d: Driver, atMs: number) => void; maintenance?: boolean; startOnActive?: boolean };

/** Runs the steps through one core, checking every batch; `extra` adds the checks known to fail today. */
function run(steps: Step[], extra: Extra = {}): void {
  const d = new Driver();
  const boot = d.core.boot(0);
  checkBatch(d, null, boot);
  d.absorb(null, boot);
  let epoch = d.core.currentEpoch;
  for (const s of steps) {
    const ev = d.event(s);
    const modeBefore = d.core.status(d.now).mode;
    const out = d.core.handle(ev);
    checkBatch(d, ev, out);
    if (extra.maintenance) checkMaintenance(d, ev, out, modeBefore);
    if (extra.startOnActive && out.some((a) => a.type === 'startResource')) expect(d.core.currentRole).toBe('active');
    d.absorb(ev, out);
    expect(d.core.currentEpoch).toBeGreaterThanOrEqual(epoch);
    epoch = d.core.currentEpoch;
    if (ev.type === 'tick') extra.afterTick?.(d, ev.nowMs);
  }
}

const SHORT = fc.array(step, { minLength: 20, maxLength: 80 });
const LONG = fc.array(step, { minLength: 150, maxLength: 250 });

describe('random interleavings (fast-check)', () => {
  test('never throw; a start follows a persist of its epoch; a start by fence answers a confirmed outstanding fence; a fence follows its record; the epoch never drops', () => {
    fc.assert(fc.property(SHORT, (steps) => run(steps)), { numRuns: 300, seed: 20240611 });
  });

  test('the same over long runs', () => {
    fc.assert(fc.property(LONG, (steps) => run(steps)), { numRuns: 40, seed: 7, endOnFailure: true });
  });

  // BUG: resource results are not gated by maintenance: a start that fails after the
  // operator entered maintenance makes the core issue a cleanup stop (switchover.test.ts,
  // "maintenance", has a hand-made sequence with a monitor). Found with this seed.
  test('nothing is started, stopped, monitored or fenced in a batch that begins and ends in maintenance', () => {
    fc.assert(fc.property(LONG, (steps) => run(steps, { maintenance: true })), { numRuns: 40, seed: 7, endOnFailure: true });
  });

  // BUG (busy loop): after a tick at T, nextWakeMs() must be later than T, or the shell
  // re-arms its timer for the past and spins. This seed reaches an active node in standby
  // mode whose restart timer has passed (resource.test.ts has the hand-made sequence).
  test('after a tick at T the core never asks to be woken at or before T', () => {
    const afterTick = (d: Driver, atMs: number) => expect(d.core.nextWakeMs()).toBeGreaterThan(atMs);
    fc.assert(fc.property(LONG, (steps) => run(steps, { afterTick })), { numRuns: 40, seed: 7, endOnFailure: true });
  });

  // BUG: a node that took the service back from a refused handoff while unhealthy
  // completes a later handoff and starts the resource in the same batch, as a standby
  // (switchover.test.ts, "health", has the hand-made sequence). Found with this seed.
  test('a startResource is only emitted by a node that ends the batch active', () => {
    fc.assert(fc.property(fc.array(step, { maxLength: 120 }), (steps) => run(steps, { startOnActive: true })), { numRuns: 200, seed: 12, endOnFailure: true });
  });
});
