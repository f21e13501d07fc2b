// Petting gated on the daemon's own health, on a manual clock: loop lag,
// heartbeat age and self-fence each close the gate with a reason, petting
// stops, and the simulated watchdog then resets the node.

import { ManualClock } from '../../../hw/ups/sim/manualClock';
import { WatchdogGate } from '../../../hw/watchdog/gate';
import { LoopLagMonitor } from '../../../hw/watchdog/loopLag';
import { GatedPetter, type PetterEvent } from '../../../hw/watchdog/petter';
import { WatchdogSimCore } from '../../../hw/watchdog/sim/simCore';

function rig(opts: { stall?: { valueMs: number } } = {}) {
  const clock = new ManualClock();
  // The lag monitor reads a clock that can jump ahead, as if the loop had been blocked.
  const stall = opts.stall ?? { valueMs: 0 };
  const now = (): number => clock.nowMs + stall.valueMs;
  const lag = new LoopLagMonitor({ intervalMs: 100, windowMs: 1000, schedule: clock.schedule, nowMs: now });
  let lastHb: number | null = null;
  const gate = new WatchdogGate({
    nowMs: now,
    worstLoopLagMs: (t) => lag.worstLagMs(t),
    maxLoopLagMs: 500,
    lastHeartbeatSentMs: () => lastHb,
    maxHeartbeatAgeMs: 1000,
    startupGraceMs: 2000,
  });
  const resets: string[] = [];
  const sim = new WatchdogSimCore({ timeoutMs: 3000, schedule: clock.schedule, nowMs: () => clock.nowMs, onReset: (r) => resets.push(r) });
  sim.opened();
  const events: PetterEvent[] = [];
  const petter = new GatedPetter({
    target: { name: 'sim', pet: () => (sim.data(Buffer.from('k')), { ok: true }) },
    gate,
    intervalMs: 1000,
    schedule: clock.schedule,
    nowMs: () => clock.nowMs,
    onEvent: (e) => events.push(e),
  });
  return { clock, lag, gate, sim, resets, petter, events, setHb: (t: number | null) => (lastHb = t), stall };
}

describe('WatchdogGate', () => {
  it('is open within the startup grace, then needs heartbeats and lag samples', () => {
    const r = rig();
    expect(r.gate.check()).toEqual({ open: true });
    r.clock.advance(2500);
    const v = r.gate.check();
    expect(v.open).toBe(false);
    if (!v.open) {
      expect(v.reasons.join('\n')).toContain('no heartbeat sent in 2500 ms');
      expect(v.reasons.join('\n')).toContain('lag monitor has no sample');
    }
  });

  it('closes on a stale heartbeat and on self-fence, naming each reason', () => {
    const r = rig();
    r.lag.start();
    r.clock.advance(2500);
    r.setHb(2400);
    expect(r.gate.check()).toEqual({ open: true });
    r.clock.advance(1200); // heartbeat now 1300 ms old
    expect(r.gate.check()).toEqual({ open: false, reasons: ['last heartbeat sent 1300 ms ago (limit 1000 ms)'] });
    r.setHb(r.clock.nowMs);
    r.gate.selfFence('lost the peer and quorum while active');
    expect(r.gate.check()).toEqual({ open: false, reasons: ['self-fence requested: lost the peer and quorum while active'] });
    r.gate.clearSelfFence();
    expect(r.gate.check()).toEqual({ open: true });
  });

  it('closes while the event loop lags more than the limit, and reopens once the window has passed', () => {
    const r = rig();
    r.lag.start();
    r.clock.advance(300);
    expect(r.lag.lastLagMs).toBe(0);
    r.stall.valueMs = 800; // the next tick appears 800 ms late
    r.clock.advance(100);
    expect(r.lag.lastLagMs).toBe(800);
    const v = r.gate.check();
    expect(v).toEqual({ open: false, reasons: ['event loop lagged 800 ms (limit 500 ms)'] });
    r.clock.advance(1100);
    r.setHb(r.clock.nowMs + r.stall.valueMs);
    expect(r.gate.check()).toEqual({ open: true });
  });

  it('counts a tick that is overdue right now (a loop stuck without new samples)', () => {
    const clock = new ManualClock();
    let frozen = false;
    const schedule: typeof clock.schedule = (d, fn) => clock.schedule(d, () => (frozen ? undefined : fn()));
    const lag = new LoopLagMonitor({ intervalMs: 100, windowMs: 1000, schedule, nowMs: () => clock.nowMs });
    lag.start();
    clock.advance(250);
    frozen = true; // ticks stop running, as if the loop never came back to timers
    clock.advance(700);
    expect(lag.worstLagMs()).toBe(650);
  });
});

describe('GatedPetter with the simulated watchdog', () => {
  it('keeps the node alive while healthy; a self-fence stops petting and the watchdog resets the node', () => {
    const r = rig();
    r.lag.start();
    r.petter.start();
    for (let t = 0; t < 10_000; t += 500) {
      r.setHb(r.clock.nowMs);
      r.clock.advance(500);
    }
    expect(r.resets).toEqual([]);
    expect(r.petter.status().pets).toBeGreaterThanOrEqual(10);
    r.gate.selfFence('split brain suspected');
    const fencedAt = r.clock.nowMs;
    for (let t = 0; t < 5000; t += 500) {
      r.setHb(r.clock.nowMs);
      r.clock.advance(500);
    }
    expect(r.resets).toHaveLength(1);
    const reset = r.sim.events.find((e) => e.kind === 'reset');
    expect(reset!.atMs - fencedAt).toBeLessThanOrEqual(3000);
    expect(r.events).toContainEqual(expect.objectContaining({ kind: 'gate-closed', reasons: ['self-fence requested: split brain suspected'] }));
    expect(r.events.filter((e) => e.kind === 'gate-closed')).toHaveLength(1); // reported once, not every tick
    expect(r.petter.status().gateClosedReasons).toEqual(['self-fence requested: split brain suspected']);
  });

  it('does not pet an async target twice at once, and reports failures once until recovery', async () => {
    const clock = new ManualClock();
    const pending: Array<(ok: boolean) => void> = [];
    const events: PetterEvent[] = [];
    const petter = new GatedPetter({
      target: { name: 'slow', pet: () => new Promise((res) => pending.push((ok) => res(ok ? { ok: true } : { ok: false, error: 'socket gone' }))) },
      gate: { check: () => ({ open: true }) },
      intervalMs: 100,
      schedule: clock.schedule,
      nowMs: () => clock.nowMs,
      onEvent: (e) => events.push(e),
    });
    petter.start();
    clock.advance(250);
    expect(pending).toHaveLength(1);
    expect(petter.status().skippedBusy).toBe(2);
    pending[0](false);
    await Promise.resolve();
    clock.advance(100);
    pending[1](false);
    await Promise.resolve();
    clock.advance(100);
    pending[2](true);
    await Promise.resolve();
    expect(events.filter((e) => e.kind === 'pet-failed')).toHaveLength(1);
    expect(events.filter((e) => e.kind === 'pet-recovered')).toHaveLength(1);
    expect(petter.status()).toMatchObject({ pets: 1, failures: 2, lastError: 'socket gone' });
    petter.stop();
  });
});

describe('WatchdogSimCore', () => {
  it('magic close disarms, nowayout ignores it, a plain close keeps the timer', () => {
    for (const [nowayout, lastByte, expectReset] of [
      [false, 'V', false],
      [true, 'V', true],
      [false, 'k', true],
    ] as const) {
      const clock = new ManualClock();
      const resets: string[] = [];
      const sim = new WatchdogSimCore({ timeoutMs: 1000, schedule: clock.schedule, nowMs: () => clock.nowMs, onReset: (r) => resets.push(r), nowayout });
      sim.opened();
      sim.data(Buffer.from(`kk${lastByte}`));
      sim.closed();
      clock.advance(5000);
      expect(resets.length).toBe(expectReset ? 1 : 0);
    }
  });

  it('a V followed by another write re-arms (only the last write counts)', () => {
    const clock = new ManualClock();
    const resets: string[] = [];
    const sim = new WatchdogSimCore({ timeoutMs: 1000, schedule: clock.schedule, nowMs: () => clock.nowMs, onReset: (r) => resets.push(r) });
    sim.opened();
    sim.data(Buffer.from('V'));
    clock.advance(500);
    expect(sim.timeLeftMs()).toBe(500);
    sim.data(Buffer.from('k'));
    sim.closed();
    clock.advance(999);
    expect(resets).toHaveLength(0);
    clock.advance(1);
    expect(resets).toHaveLength(1);
    expect(sim.state).toBe('idle');
  });
});
