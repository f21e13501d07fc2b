import fc from 'fast-check';
import { openGpioLine } from '../../../hw/gpio/line';
import { simGpioBackend, SimGpioChip } from '../../../hw/gpio/sim';
import type { GpioError, GpioLine, GpioResult } from '../../../hw/gpio/types';
import type { LedName } from '../../../hw/boards/types';
import { openStatusLeds } from '../../../hw/leds/open';
import { FAST_BLINK_HALF_PERIOD_MS, faultFromAlarms, ledPatterns, SLOW_BLINK_HALF_PERIOD_MS, type NodeDisplayState } from '../../../hw/leds/patterns';
import { StatusLeds } from '../../../hw/leds/statusLeds';
import { ManualClock } from '../../../hw/ups/sim/manualClock';
import { ROLES, type Role } from '../../../src/core/types';

const flushIo = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Advance virtual time in small steps, letting write promises settle between steps as real time would. */
async function run(clock: ManualClock, totalMs: number, stepMs = 25): Promise<void> {
  for (let t = 0; t < totalMs; t += stepMs) {
    clock.advance(Math.min(stepMs, totalMs - t));
    await flushIo();
  }
}

const LINES: Record<LedName, number> = { active: 0, standby: 1, fault: 2 };

async function rig(opts: { activeLow?: boolean; retryMs?: number } = {}) {
  const clock = new ManualClock();
  const chip = new SimGpioChip('leds', ['led-active', 'led-standby', 'led-fault', 'spare']);
  const changes: Array<{ name: string; level: number; atMs: number }> = [];
  chip.onChange((c) => {
    if (c.by === 'host') changes.push({ name: c.name, level: c.level, atMs: clock.nowMs });
  });
  const errors: Array<{ led: LedName; error: GpioError }> = [];
  const recovered: LedName[] = [];
  const specs = Object.fromEntries(Object.entries(LINES).map(([name, line]) => [name, { chip: 'leds', line, activeLow: opts.activeLow === true }]));
  const { leds, failed } = await openStatusLeds(simGpioBackend(chip), specs, {
    schedule: clock.schedule,
    nowMs: () => clock.nowMs,
    retryMs: opts.retryMs ?? 1000,
    onWriteError: (led, error) => errors.push({ led, error }),
    onWriteRecovered: (led) => recovered.push(led),
  });
  expect(failed).toEqual([]);
  changes.length = 0; // claiming the lines is not what the tests look at
  const level = (led: LedName) => chip.level(LINES[led]);
  const toggles = (name: string) => changes.filter((c) => c.name === name);
  return { clock, chip, leds, changes, errors, recovered, level, toggles };
}

function intervals(times: number[]): number[] {
  return times.slice(1).map((t, i) => t - times[i]!);
}

describe('ledPatterns', () => {
  it('shows role, peer link and fault on separate LEDs', () => {
    expect(ledPatterns({ role: 'active', fault: false })).toEqual({ active: 'on', standby: 'off', fault: 'off' });
    expect(ledPatterns({ role: 'active', fault: false, commLost: true })).toEqual({ active: 'on', standby: 'fast', fault: 'off' });
    expect(ledPatterns({ role: 'standby', fault: true })).toEqual({ active: 'off', standby: 'slow', fault: 'on' });
    expect(ledPatterns({ role: 'standby', fault: false, commLost: true }).standby).toBe('fast');
    expect(ledPatterns({ role: 'waiting', fault: false }).standby).toBe('fast');
    expect(ledPatterns({ role: 'fencing', fault: false }).standby).toBe('fast');
    expect(ledPatterns({ role: 'leaving', fault: false, commLost: true })).toEqual({ active: 'off', standby: 'off', fault: 'off' });
  });

  it('counts only critical alarms as a fault', () => {
    expect(faultFromAlarms([{ severity: 'warning' }])).toBe(false);
    expect(faultFromAlarms([{ severity: 'warning' }, { severity: 'critical' }])).toBe(true);
    expect(faultFromAlarms([])).toBe(false);
  });
});

describe('StatusLeds on a simulated chip with virtual time', () => {
  it('active: the active LED is steadily on, the others off', async () => {
    const r = await rig();
    r.leds.set({ role: 'active', fault: false });
    await run(r.clock, 5000);
    expect(r.level('active')).toBe(1);
    expect(r.level('standby')).toBe(0);
    expect(r.level('fault')).toBe(0);
    expect(r.changes).toEqual([{ name: 'led-active', level: 1, atMs: 0 }]);
    await r.leds.close();
  });

  it('standby: the standby LED blinks at 1 Hz (500 ms on, 500 ms off), starting lit', async () => {
    const r = await rig();
    r.leds.set({ role: 'standby', fault: false });
    await run(r.clock, 10_000);
    const blink = r.toggles('led-standby');
    expect(blink[0]).toEqual({ name: 'led-standby', level: 1, atMs: 0 });
    expect(blink.length).toBe(21); // lit at 0, then an edge every 500 ms up to 10 s
    expect(new Set(intervals(blink.map((c) => c.atMs)))).toEqual(new Set([SLOW_BLINK_HALF_PERIOD_MS]));
    expect(blink.map((c) => c.level)).toEqual(blink.map((_, i) => (i % 2 === 0 ? 1 : 0)));
    expect(r.level('active')).toBe(0);
    await r.leds.close();
  });

  it('waiting and comm-lost: the standby LED blinks fast', async () => {
    const r = await rig();
    r.leds.set({ role: 'waiting', fault: false });
    await run(r.clock, 2000);
    const waiting = r.toggles('led-standby').map((c) => c.atMs);
    expect(new Set(intervals(waiting))).toEqual(new Set([FAST_BLINK_HALF_PERIOD_MS]));
    expect(waiting.length).toBe(2000 / FAST_BLINK_HALF_PERIOD_MS + 1);

    r.changes.length = 0;
    r.leds.set({ role: 'active', fault: false, commLost: true });
    await run(r.clock, 1000);
    expect(r.level('active')).toBe(1);
    expect(r.toggles('led-standby').length).toBeGreaterThanOrEqual(4);
    await r.leds.close();
  });

  it('a role change stops the blink at once and for good', async () => {
    const r = await rig();
    r.leds.set({ role: 'standby', fault: false });
    await run(r.clock, 750); // mid-blink
    r.leds.set({ role: 'active', fault: false });
    await flushIo();
    expect(r.level('standby')).toBe(0);
    expect(r.level('active')).toBe(1);
    const before = r.changes.length;
    await run(r.clock, 5000);
    expect(r.changes.length).toBe(before);
    expect(r.clock.pendingCount).toBe(0);
    await r.leds.close();
  });

  it('fault lights the fault LED while it holds, whatever the role', async () => {
    const r = await rig();
    r.leds.set({ role: 'standby', fault: true });
    await run(r.clock, 1200);
    expect(r.level('fault')).toBe(1);
    expect(r.toggles('led-fault')).toEqual([{ name: 'led-fault', level: 1, atMs: 0 }]);
    r.leds.set({ role: 'standby', fault: false });
    await run(r.clock, 100);
    expect(r.level('fault')).toBe(0);
    expect(r.leds.patterns()).toEqual({ active: 'off', standby: 'slow', fault: 'off' });
    await r.leds.close();
  });

  it('active-low lines are driven low to light', async () => {
    const r = await rig({ activeLow: true });
    r.leds.set({ role: 'active', fault: true });
    await run(r.clock, 100);
    expect(r.level('active')).toBe(0);
    expect(r.level('fault')).toBe(0);
    expect(r.level('standby')).toBe(1);
    r.changes.length = 0;
    await r.leds.close();
    // Off for an active-low LED is a high line (the lines are released after, so read the last writes).
    expect(r.changes.map((c) => [c.name, c.level]).sort()).toEqual([
      ['led-active', 1],
      ['led-fault', 1],
    ]);
  });

  it('close() turns every LED off, releases the lines, stops all timers and ignores later set()', async () => {
    const r = await rig();
    r.leds.set({ role: 'active', fault: true, commLost: true });
    await run(r.clock, 300);
    await r.leds.close();
    expect([r.level('active'), r.level('standby'), r.level('fault')]).toEqual([0, 0, 0]);
    for (const offset of Object.values(LINES)) expect(r.chip.claimedAs(offset)).toBeNull();
    expect(r.clock.pendingCount).toBe(0);
    r.leds.set({ role: 'active', fault: true });
    await run(r.clock, 1000);
    expect(r.level('active')).toBe(0);
    await r.leds.close(); // twice is harmless
  });

  it('a failing line is reported once, retried, and reported again when it heals; other LEDs keep working', async () => {
    const r = await rig({ retryMs: 1000 });
    r.chip.failWrites(LINES.fault, 'EIO');
    r.chip.failWrites(LINES.standby, 'EIO');
    r.leds.set({ role: 'standby', fault: true });
    await run(r.clock, 5000);
    expect(r.errors.map((e) => e.led).sort()).toEqual(['fault', 'standby']);
    expect(r.errors[0]!.error).toEqual({ kind: 'io-error', message: expect.stringContaining('EIO') });
    expect(r.leds.failing().sort()).toEqual(['fault', 'standby']);
    expect(r.level('fault')).toBe(0);

    r.chip.failWrites(LINES.fault, null);
    r.chip.failWrites(LINES.standby, null);
    await run(r.clock, 1000); // the steady fault LED needs the retry timer
    expect(r.level('fault')).toBe(1);
    expect(r.recovered.sort()).toEqual(['fault', 'standby']);
    expect(r.errors.length).toBe(2);
    expect(r.leds.failing()).toEqual([]);

    r.chip.failWrites(LINES.fault, 'EIO again');
    r.leds.set({ role: 'standby', fault: false });
    await run(r.clock, 3000);
    expect(r.errors.map((e) => e.led)).toEqual(expect.arrayContaining(['fault']));
    expect(r.errors.length).toBe(3);
    await r.leds.close();
  });

  it('a steady LED whose writes fail is retried every retryMs until one succeeds', async () => {
    const clock = new ManualClock();
    const attempts: number[] = [];
    let failUntilMs = 3500;
    const line: GpioLine = {
      name: 'led-fault',
      direction: 'out',
      activeLow: false,
      read: async () => ({ ok: true, value: false }),
      write: async (): Promise<GpioResult<void>> => {
        attempts.push(clock.nowMs);
        return clock.nowMs < failUntilMs ? { ok: false, error: { kind: 'io-error', message: 'EIO' } } : { ok: true, value: undefined };
      },
      watch: () => () => undefined,
      close: async () => undefined,
    };
    const errors: string[] = [];
    const leds = new StatusLeds({ fault: line }, { schedule: clock.schedule, retryMs: 1000, onWriteError: (_led, e) => errors.push(e.message) });
    leds.set({ role: 'active', fault: true });
    await flushIo(); // the first failure is known at 0 ms, so the retries fall on whole seconds
    await run(clock, 6000);
    expect(attempts).toEqual([0, 1000, 2000, 3000, 4000]);
    expect(errors).toEqual(['EIO']);
    failUntilMs = 0;
    await leds.close();
  });

  it('a line that throws (breaking its promise) is reported, never thrown', async () => {
    const clock = new ManualClock();
    const line: GpioLine = {
      name: 'led-active',
      direction: 'out',
      activeLow: false,
      read: async () => ({ ok: true, value: false }),
      write: () => Promise.reject(new Error('driver exploded')),
      watch: () => () => undefined,
      close: async () => undefined,
    };
    const errors: string[] = [];
    const leds = new StatusLeds({ active: line }, { schedule: clock.schedule, retryMs: 500, onWriteError: (_led, e) => errors.push(e.message) });
    leds.set({ role: 'active', fault: false });
    await run(clock, 2000);
    expect(errors).toEqual([expect.stringContaining('driver exploded')]);
    await expect(leds.close()).resolves.toBeUndefined();
  });

  it('a board with only some LEDs drives those and reports one it cannot claim', async () => {
    const clock = new ManualClock();
    const chip = new SimGpioChip('leds', 2);
    const held = await openGpioLine(simGpioBackend(chip), { name: 'other', chip: 'leds', offset: 1, direction: 'out' });
    expect(held.ok).toBe(true);
    const { leds, failed } = await openStatusLeds(
      simGpioBackend(chip),
      { active: { chip: 'leds', line: 0, activeLow: false }, fault: { chip: 'leds', line: 1, activeLow: false } },
      { schedule: clock.schedule },
    );
    expect(failed.map((f) => [f.led, f.error.kind])).toEqual([['fault', 'busy']]);
    expect(leds.ledNames).toEqual(['active']);
    leds.set({ role: 'active', fault: true });
    await flushIo();
    expect(chip.level(0)).toBe(1);
    await leds.close();
  });

  it('property: after any sequence of states, steady LEDs match the last state and blinking keeps one timer per LED', async () => {
    const state = fc.record({ role: fc.constantFrom<Role>(...ROLES), fault: fc.boolean(), commLost: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(state, fc.integer({ min: 0, max: 1200 })), { minLength: 1, maxLength: 8 }), async (steps) => {
        const r = await rig();
        for (const [s, waitMs] of steps) {
          r.leds.set(s);
          await run(r.clock, waitMs, 50);
        }
        await flushIo();
        const last = steps[steps.length - 1]![0] as NodeDisplayState;
        const want = ledPatterns(last);
        for (const led of ['active', 'fault'] as const) expect(r.level(led)).toBe(want[led] === 'on' ? 1 : 0);
        if (want.standby === 'off') expect(r.level('standby')).toBe(0);
        expect(r.clock.pendingCount).toBe(want.standby === 'off' ? 0 : 1);
        await r.leds.close();
        expect(r.clock.pendingCount).toBe(0);
        expect([r.level('active'), r.level('standby'), r.level('fault')]).toEqual([0, 0, 0]);
      }),
      { numRuns: 40 },
    );
  });
});
