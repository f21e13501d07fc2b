// The scheduled fence-device monitor on a virtual clock with scripted fake
// devices: rounds, one call per device at a time, the alarm after N failures
// and its clearing, timeouts, postponement during a fence, checkNow.

import fc from 'fast-check';
import { ManualClock } from '../../../hw/ups/sim/manualClock';
import type { FenceDevice, FenceOpResult } from '../../../src/shell/fence/device';
import { FenceDeviceMonitor, formatAgo, type FenceDeviceMonitorOptions } from '../../../src/shell/fence/deviceMonitor';

type Answer = 'ok' | 'fail' | 'hang' | 'throw';

/** A device whose monitor() answers from a script (then repeats the last answer); hung calls can be released. */
class FakeDevice implements FenceDevice {
  calls = 0;
  /** Calls started and not yet answered. */
  open = 0;
  private readonly hung: Array<() => void> = [];

  constructor(
    readonly name: string,
    private script: Answer[] = ['ok'],
  ) {}

  setScript(script: Answer[]): void {
    this.script = script;
  }

  releaseHung(): void {
    for (const r of this.hung.splice(0)) r();
  }

  monitor(): Promise<FenceOpResult> {
    const answer = this.script.length > 1 ? this.script.shift()! : this.script[0]!;
    this.calls++;
    if (answer === 'throw') return Promise.reject(new Error('socket exploded'));
    this.open++;
    const result = (): FenceOpResult => {
      this.open--;
      return answer === 'fail' ? { ok: false, reason: `${this.name}: BMC did not answer`, durationMs: 5 } : { ok: true, reason: `${this.name}: chassis power reads on`, durationMs: 5 };
    };
    if (answer === 'hang') return new Promise((resolve) => this.hung.push(() => resolve({ ok: true, reason: `${this.name}: late answer`, durationMs: 1 }))).finally(() => this.open--) as Promise<FenceOpResult>;
    return Promise.resolve().then(result);
  }

  off = async (): Promise<FenceOpResult> => ({ ok: false, reason: 'not used', durationMs: 0 });
  on = this.off;
  status = async () => ({ state: 'unknown' as const, reason: 'not used', durationMs: 0 });
}

interface AlarmCall {
  id: string;
  raised: boolean;
  severity: string;
  message: string;
}

const flush = () => new Promise<void>((r) => setImmediate(r));

/** Advance virtual time, letting the promise chains between timers run. */
async function advance(clock: ManualClock, ms: number): Promise<void> {
  const target = clock.nowMs + ms;
  await flush();
  while (clock.runNext(target)) await flush();
  clock.advance(target - clock.nowMs);
  await flush();
}

function setup(devices: FakeDevice[], over: Partial<FenceDeviceMonitorOptions> = {}) {
  const clock = new ManualClock();
  const alarms: AlarmCall[] = [];
  const monitor = new FenceDeviceMonitor({
    devices,
    intervalMs: 60_000,
    callTimeoutMs: 10_000,
    schedule: clock.schedule,
    nowMs: () => clock.nowMs,
    onAlarm: (id, raised, severity, message) => alarms.push({ id, raised, severity, message }),
    ...over,
  });
  return { clock, alarms, monitor };
}

describe('FenceDeviceMonitor', () => {
  it('checks every device at start and then every interval, one device after the other', async () => {
    const slow = new FakeDevice('bmc', ['hang']);
    const pdu = new FakeDevice('pdu');
    const { clock, monitor } = setup([slow, pdu]);
    monitor.start();
    await advance(clock, 0);
    // The first device has not answered: the second is not called yet.
    expect([slow.calls, pdu.calls]).toEqual([1, 0]);
    slow.setScript(['ok']);
    slow.releaseHung();
    await advance(clock, 0);
    expect([slow.calls, pdu.calls]).toEqual([1, 1]);
    await advance(clock, 59_999);
    expect(pdu.calls).toBe(1);
    await advance(clock, 1);
    expect([slow.calls, pdu.calls]).toEqual([2, 2]);
    await advance(clock, 120_000);
    expect([slow.calls, pdu.calls]).toEqual([4, 4]);
    expect(monitor.status().map((s) => s.nextCheckDueMs)).toEqual([240_000, 240_000]);
  });

  it('raises the alarm only at the second failure in a row, naming the reason and that it never worked', async () => {
    const bmc = new FakeDevice('bmc', ['fail']);
    const { clock, alarms, monitor } = setup([bmc]);
    monitor.start();
    await advance(clock, 0);
    expect(alarms).toEqual([]);
    expect(monitor.status()[0]).toMatchObject({ consecutiveFailures: 1, alarmRaised: false, lastOkAtMs: null, lastResult: { ok: false, atMs: 0 } });
    await advance(clock, 60_000);
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({ id: 'fence-device:bmc', raised: true, severity: 'critical' });
    expect(alarms[0]!.message).toContain('bmc: BMC did not answer');
    expect(alarms[0]!.message).toContain('failed 2 checks in a row');
    expect(alarms[0]!.message).toContain('has not worked since monitoring started 60 s ago');
    // Still failing: no second raise for the same episode.
    await advance(clock, 120_000);
    expect(alarms).toHaveLength(1);
    expect(monitor.status()[0]!.consecutiveFailures).toBe(4);
  });

  it('says when a failing device last worked, and clears the alarm when it works again', async () => {
    const pdu = new FakeDevice('pdu', ['ok', 'ok', 'fail', 'fail', 'fail', 'ok']);
    const { clock, alarms, monitor } = setup([pdu], { failuresToAlarm: 3, severity: 'warning' });
    monitor.start();
    await advance(clock, 4 * 60_000);
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({ id: 'fence-device:pdu', raised: true, severity: 'warning' });
    expect(alarms[0]!.message).toContain('it last worked 3 min ago');
    expect(monitor.status()[0]!.lastOkAtMs).toBe(60_000);
    await advance(clock, 60_000);
    expect(alarms).toHaveLength(2);
    expect(alarms[1]).toMatchObject({ id: 'fence-device:pdu', raised: false, severity: 'warning' });
    expect(alarms[1]!.message).toContain('works again after 3 failed checks');
    expect(monitor.status()[0]).toMatchObject({ consecutiveFailures: 0, alarmRaised: false, lastOkAtMs: 300_000 });
  });

  it('counts a call past its timeout as failed and does not call that device again until it returns', async () => {
    const bmc = new FakeDevice('bmc', ['hang']);
    const pdu = new FakeDevice('pdu');
    const { clock, alarms, monitor } = setup([bmc, pdu]);
    monitor.start();
    await advance(clock, 9_999);
    expect(pdu.calls).toBe(0);
    await advance(clock, 1);
    expect(pdu.calls).toBe(1);
    expect(monitor.status()[0]).toMatchObject({ callInFlight: true, consecutiveFailures: 1, lastResult: { ok: false, reason: 'bmc: no answer to the monitor call within 10000 ms' } });
    await advance(clock, 60_000);
    expect(bmc.calls).toBe(1);
    expect(bmc.open).toBe(1);
    expect(alarms.map((a) => a.id)).toEqual(['fence-device:bmc']);
    expect(alarms[0]!.message).toMatch(/the monitor call started 60000 ms ago has still not returned/);
    bmc.setScript(['ok']);
    bmc.releaseHung();
    await advance(clock, 60_000);
    expect(bmc.calls).toBe(2);
    expect(alarms.map((a) => [a.id, a.raised])).toEqual([['fence-device:bmc', true], ['fence-device:bmc', false]]);
  });

  it('treats a monitor that rejects as a failed check and keeps running', async () => {
    const d = new FakeDevice('relay', ['throw', 'throw', 'ok']);
    const { clock, alarms, monitor } = setup([d]);
    monitor.start();
    await advance(clock, 60_000);
    expect(alarms[0]!.message).toContain('relay: monitor threw: socket exploded');
    await advance(clock, 60_000);
    expect(d.calls).toBe(3);
    expect(alarms.map((a) => a.raised)).toEqual([true, false]);
  });

  it('postpones a round while a fence runs', async () => {
    const d = new FakeDevice('bmc');
    let fencing = true;
    const { clock, monitor } = setup([d], { isFencing: () => fencing });
    monitor.start();
    await advance(clock, 5_500);
    expect(d.calls).toBe(0);
    fencing = false;
    await advance(clock, 1_000);
    expect(d.calls).toBe(1);
    expect(monitor.status()[0]!.lastResult?.atMs).toBe(6_000);
  });

  it('checkNow runs a round at once, joins one under way, and restarts the interval', async () => {
    const d = new FakeDevice('bmc');
    const { clock, monitor } = setup([d], { firstCheckDelayMs: 60_000 });
    monitor.start();
    await advance(clock, 10_000);
    expect(d.calls).toBe(0);
    const statuses = await monitor.checkNow();
    expect(d.calls).toBe(1);
    expect(statuses[0]).toMatchObject({ device: 'bmc', lastOkAtMs: 10_000, nextCheckDueMs: 70_000 });
    d.setScript(['hang']);
    await advance(clock, 60_000);
    const joined = [monitor.checkNow(), monitor.checkNow()];
    expect(d.calls).toBe(2);
    d.setScript(['ok']);
    d.releaseHung();
    const [first, second] = await Promise.all(joined);
    expect(first).toEqual(second);
    expect(d.calls).toBe(2);
  });

  it('stop ends the rounds', async () => {
    const d = new FakeDevice('bmc');
    const { clock, monitor } = setup([d]);
    monitor.start();
    await advance(clock, 0);
    monitor.stop();
    await advance(clock, 600_000);
    expect(d.calls).toBe(1);
    expect(monitor.status()[0]!.nextCheckDueMs).toBeNull();
  });

  it('refuses a zero interval or timeout', () => {
    const clock = new ManualClock();
    const base = { devices: [], schedule: clock.schedule, nowMs: () => 0, onAlarm: () => undefined };
    expect(() => new FenceDeviceMonitor({ ...base, intervalMs: 0 })).toThrow(/intervalMs must be a positive/);
    expect(() => new FenceDeviceMonitor({ ...base, callTimeoutMs: Number.NaN })).toThrow(/callTimeoutMs/);
  });

  it('property: alarms follow the runs of failures (raise at the Nth in a row, clear at the next success)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 4 }), async (oks, n) => {
        const d = new FakeDevice('x', oks.map((ok) => (ok ? 'ok' : 'fail')));
        const { clock, alarms, monitor } = setup([d], { failuresToAlarm: n });
        monitor.start();
        await advance(clock, (oks.length - 1) * 60_000);
        // The model: walk the results, counting the current run of failures.
        const expected: boolean[] = [];
        let run = 0;
        let raised = false;
        for (const ok of oks) {
          run = ok ? 0 : run + 1;
          if (ok && raised) expected.push((raised = false));
          if (!ok && !raised && run >= n) expected.push((raised = true));
        }
        expect(d.calls).toBe(oks.length);
        expect(alarms.map((a) => a.raised)).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });
});

test('formatAgo', () => {
  expect(formatAgo(45_400)).toBe('45 s');
  expect(formatAgo(12 * 60_000)).toBe('12 min');
  expect(formatAgo((3 * 60 + 5) * 60_000)).toBe('3 h 5 min');
  expect(formatAgo(-5)).toBe('0 s');
});
