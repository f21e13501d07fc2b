import fc from 'fast-check';
import { Debouncer } from '../../../hw/gpio/debounce';
import { openGpioLine, type GpioClock } from '../../../hw/gpio/line';
import { simGpioBackend, SimGpioChip } from '../../../hw/gpio/sim';
import type { GpioEvent, GpioLine, GpioLineConfig, Level } from '../../../hw/gpio/types';
import { ManualClock } from '../../../hw/ups/sim/manualClock';

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

function rig(lines: readonly string[] = ['power-good', 'relay', 'led-fault']) {
  const clock = new ManualClock();
  const gclock: GpioClock = { schedule: clock.schedule, nowMs: () => clock.nowMs };
  const chip = new SimGpioChip('gpiochip0', lines);
  const backend = simGpioBackend(chip);
  const open = async (cfg: GpioLineConfig): Promise<GpioLine> => {
    const r = await openGpioLine(backend, cfg, gclock);
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };
  return { clock, chip, open, backend, gclock };
}

describe('GpioLine over the simulated chip', () => {
  it('applies active-low on outputs both ways and starts inactive', async () => {
    const { chip, open } = rig();
    const relay = await open({ name: 'relay', chip: 'gpiochip0', offset: 1, direction: 'out', activeLow: true });
    expect(chip.level('relay')).toBe(1); // inactive on an active-low line is a high pin
    expect(await relay.write(true)).toEqual({ ok: true, value: undefined });
    expect(chip.level('relay')).toBe(0);
    expect(await relay.read()).toEqual({ ok: true, value: true });
    const led = await open({ name: 'led', chip: 'gpiochip0', offset: 2, direction: 'out', initialActive: true });
    expect(chip.level('led-fault')).toBe(1);
    expect(await led.read()).toEqual({ ok: true, value: true });
  });

  it('applies active-low on inputs, refuses writes to inputs, and names busy or missing lines', async () => {
    const { chip, open, backend, gclock } = rig();
    const pg = await open({ name: 'pg', chip: 'gpiochip0', offset: 0, direction: 'in', activeLow: true });
    chip.drive('power-good', 0);
    expect(await pg.read()).toEqual({ ok: true, value: true });
    chip.drive('power-good', 1);
    expect(await pg.read()).toEqual({ ok: true, value: false });
    expect(await pg.write(true)).toMatchObject({ ok: false, error: { kind: 'wrong-direction' } });
    const again = await openGpioLine(backend, { name: 'pg2', chip: 'gpiochip0', offset: 0, direction: 'in' }, gclock);
    expect(again).toEqual({ ok: false, error: { kind: 'busy', message: 'GPIO line "pg2": gpiochip0 offset 0 is already claimed' } });
    const missing = await openGpioLine(backend, { name: 'x', chip: 'gpiochip0', offset: 9, direction: 'in' }, gclock);
    expect(missing).toMatchObject({ ok: false, error: { kind: 'no-such-line' } });
    const noChip = await openGpioLine(backend, { name: 'x', chip: 'gpiochip7', offset: 0, direction: 'in' }, gclock);
    expect(noChip).toMatchObject({ ok: false, error: { kind: 'no-such-line', message: expect.stringContaining('no simulated chip named gpiochip7') } });
    const bad = await openGpioLine(backend, { name: 'x', chip: 'gpiochip0', offset: 0, direction: 'in', debounceMs: -5 }, gclock);
    expect(bad).toEqual({ ok: false, error: { kind: 'invalid-config', message: 'GPIO line "x": debounceMs must be 0..60000, got -5' } });
    await pg.close();
    expect(chip.claimedAs(0)).toBeNull();
    expect(await pg.read()).toMatchObject({ ok: false, error: { kind: 'closed' } });
  });

  it('debounces: a chatter shorter than the window reports nothing, a stable change reports once at its settle time', async () => {
    const { clock, chip, open } = rig();
    const pg = await open({ name: 'pg', chip: 'gpiochip0', offset: 0, direction: 'in', debounceMs: 50 });
    const events: GpioEvent[] = [];
    pg.watch((e) => events.push(e));
    await flush();
    // Chatter: 1,0,1,0 within 30 ms, ending where it started.
    for (const level of [1, 0, 1, 0] as const) {
      chip.drive('power-good', level);
      clock.advance(10);
    }
    clock.advance(200);
    expect(events).toEqual([]);
    // A real rise with some bounce: reported 50 ms after the last bounce.
    clock.advance(800);
    chip.drive('power-good', 1);
    clock.advance(5);
    chip.drive('power-good', 0);
    clock.advance(5);
    chip.drive('power-good', 1);
    const lastBounceMs = clock.nowMs;
    clock.advance(49);
    expect(events).toEqual([]);
    clock.advance(1);
    expect(events).toEqual([{ type: 'edge', active: true, atMs: lastBounceMs + 50 }]);
  });

  it('watch shares one raw watch, stops with the last listener, and outputs refuse to watch', async () => {
    const { chip, open } = rig();
    const pg = await open({ name: 'pg', chip: 'gpiochip0', offset: 0, direction: 'in', activeLow: true });
    const a: boolean[] = [];
    const b: boolean[] = [];
    const stopA = pg.watch((e) => e.type === 'edge' && a.push(e.active));
    const stopB = pg.watch((e) => e.type === 'edge' && b.push(e.active));
    await flush();
    chip.drive('power-good', 1); // active-low: a high pin is inactive... and the line started low = active
    chip.drive('power-good', 0);
    stopA();
    chip.drive('power-good', 1);
    stopB();
    chip.drive('power-good', 0);
    expect(a).toEqual([false, true]);
    expect(b).toEqual([false, true, false]);
    const relay = await open({ name: 'relay', chip: 'gpiochip0', offset: 1, direction: 'out' });
    const errs: GpioEvent[] = [];
    relay.watch((e) => errs.push(e));
    await flush();
    expect(errs).toEqual([{ type: 'error', error: { kind: 'wrong-direction', message: 'GPIO line "relay" is an output; only inputs report edges' } }]);
  });

  it('without debounce reports every change of level (property)', async () => {
    const { chip, open } = rig();
    const pg = await open({ name: 'pg', chip: 'gpiochip0', offset: 0, direction: 'in' });
    const seen: boolean[] = [];
    pg.watch((e) => e.type === 'edge' && seen.push(e.active));
    await flush();
    let level: Level = 0;
    fc.assert(
      fc.property(fc.array(fc.constantFrom<Level>(0, 1), { maxLength: 40 }), (levels) => {
        seen.length = 0;
        const expected: boolean[] = [];
        for (const l of levels) {
          if (l !== level) expected.push(l === 1);
          level = l;
          chip.drive('power-good', l);
        }
        expect(seen).toEqual(expected);
      }),
    );
  });
});

describe('Debouncer', () => {
  it('reports only levels that held for the window and differ from the last report (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 100 }), fc.constantFrom<Level>(0, 1)), { maxLength: 30 }), (steps) => {
        const clock = new ManualClock();
        const out: Level[] = [];
        const d = new Debouncer(20, clock.schedule, 0, (l) => out.push(l));
        // Model: after each gap >= 20 ms the last pushed level is "stable".
        const model: Level[] = [];
        let last: Level = 0;
        let pending: Level | null = null;
        for (const [gap, level] of steps) {
          clock.advance(gap);
          if (pending !== null && gap >= 20 && pending !== last) {
            model.push(pending);
            last = pending;
          }
          d.push(level);
          pending = level;
        }
        clock.advance(20);
        if (pending !== null && pending !== last) model.push(pending);
        expect(out).toEqual(model);
      }),
    );
  });
});
