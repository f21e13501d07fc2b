// The GPIO-strobed window watchdog on a manual clock, against the simulated
// chip: a valid period never faults, bad timings are refused up front, an
// early strobe is refused, and a closed gate lets the chip time out.

import fc from 'fast-check';
import { ManualClock } from '../../../hw/ups/sim/manualClock';
import { checkStrobeTiming, GpioStrobe } from '../../../hw/watchdog/gpioStrobe';
import { GatedPetter } from '../../../hw/watchdog/petter';
import { WindowChipSim, type ChipFault } from '../../../hw/watchdog/sim/windowChipSim';

// TPS3813 with WDT at VDD and WDR at 0 V: window 78.2 ms .. 2 s (lowest upper limit of 2-3 s).
const WINDOW = { minMs: 79, maxMs: 2000 };

function rig(mode: 'toggle' | 'pulse', periodMs: number, gateOpen: () => boolean = () => true) {
  const clock = new ManualClock();
  const faults: ChipFault[] = [];
  const chip = new WindowChipSim({ window: WINDOW, edges: mode === 'toggle' ? 'both' : 'rising', schedule: clock.schedule, nowMs: () => clock.nowMs, onFault: (f) => faults.push(f) });
  const strobe = new GpioStrobe({ setLine: chip.setLine, window: WINDOW, periodMs, jitterMarginMs: 100, mode, pulseWidthMs: 5, schedule: clock.schedule, nowMs: () => clock.nowMs });
  strobe.init();
  chip.arm();
  const petter = new GatedPetter({
    target: strobe,
    gate: { check: () => (gateOpen() ? { open: true } : { open: false, reasons: ['heartbeats stalled'] }) },
    intervalMs: periodMs,
    schedule: clock.schedule,
    nowMs: () => clock.nowMs,
  });
  return { clock, chip, strobe, petter, faults };
}

describe('checkStrobeTiming', () => {
  it('accepts a period inside the window with margin and names the bound it breaks otherwise', () => {
    expect(checkStrobeTiming({ window: WINDOW, periodMs: 1000, jitterMarginMs: 100, mode: 'toggle' })).toBeNull();
    expect(checkStrobeTiming({ window: WINDOW, periodMs: 150, jitterMarginMs: 100, mode: 'toggle' })).toContain('lower boundary 79 ms');
    expect(checkStrobeTiming({ window: WINDOW, periodMs: 1950, jitterMarginMs: 100, mode: 'toggle' })).toContain('upper boundary 2000 ms');
    expect(checkStrobeTiming({ window: WINDOW, periodMs: 1000, jitterMarginMs: 100, mode: 'pulse', pulseWidthMs: 0 })).toContain('pulseWidthMs');
    expect(() => new GpioStrobe({ setLine: () => undefined, window: WINDOW, periodMs: 5000, jitterMarginMs: 0, mode: 'toggle', schedule: new ManualClock().schedule, nowMs: () => 0 })).toThrow(RangeError);
  });

  it('any accepted timing keeps a jittered strobe inside the window (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 6000 }), fc.integer({ min: 0, max: 300 }), fc.double({ min: -1, max: 1, noNaN: true }), (minMs, span, periodMs, jitter, j) => {
        const window = { minMs, maxMs: minMs + span };
        if (checkStrobeTiming({ window, periodMs, jitterMarginMs: jitter, mode: 'toggle' }) !== null) return;
        const actual = periodMs + j * jitter;
        expect(actual).toBeGreaterThanOrEqual(window.minMs);
        expect(actual).toBeLessThanOrEqual(window.maxMs);
      }),
    );
  });
});

describe('GpioStrobe + WindowChipSim', () => {
  it.each(['toggle', 'pulse'] as const)('%s mode at 1 s keeps the chip happy for a minute', (mode) => {
    const r = rig(mode, 1000);
    r.petter.start();
    r.clock.advance(60_000);
    expect(r.faults).toEqual([]);
    expect(r.chip.strobes).toBeGreaterThanOrEqual(60);
    expect(r.strobe.stats()).toMatchObject({ lateStrobes: 0, worstIntervalMs: 1000 });
  });

  it('refuses a strobe that would be early for the window', () => {
    const r = rig('toggle', 1000);
    expect(r.strobe.pet()).toEqual({ ok: true });
    r.clock.advance(20);
    expect(r.strobe.pet()).toMatchObject({ ok: false, error: expect.stringContaining('lower boundary is 79 ms') });
    expect(r.faults).toEqual([]);
  });

  it('a closed gate stops strobing and the chip resets the node within its upper boundary', () => {
    let healthy = true;
    const r = rig('toggle', 1000, () => healthy);
    r.petter.start();
    r.clock.advance(5000);
    healthy = false;
    const stoppedAt = r.clock.nowMs;
    r.clock.advance(3000);
    expect(r.faults[0]).toMatchObject({ kind: 'timeout' });
    expect(r.faults[0].atMs - stoppedAt).toBeLessThanOrEqual(WINDOW.maxMs);
  });

  it('the chip sim faults on an early strobe (what the refusal prevents)', () => {
    const clock = new ManualClock();
    const faults: ChipFault[] = [];
    const chip = new WindowChipSim({ window: WINDOW, edges: 'both', schedule: clock.schedule, nowMs: () => clock.nowMs, onFault: (f) => faults.push(f) });
    chip.arm();
    chip.setLine(1);
    clock.advance(10);
    chip.setLine(0);
    expect(faults).toEqual([{ kind: 'early', atMs: 10, intervalMs: 10 }]);
  });
});
