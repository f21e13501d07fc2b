// A dry-contact UPS on two inputs through the monitor: polarity, edges that
// trigger an immediate poll, and a failing input as comm loss.

import { dryContactSource, dryContactStatus, type ContactInput } from '../../../../hw/ups/drycontact/dryContact';
import type { UpsMonitorEvent } from '../../../../hw/ups/monitor/events';
import { UpsMonitor } from '../../../../hw/ups/monitor/monitor';
import { ManualClock } from '../../../../hw/ups/sim/manualClock';
import { runFor } from '../monitor/runFor';

class FakeInput implements ContactInput {
  private listeners = new Set<(l: 0 | 1) => void>();
  failWith: string | null = null;
  constructor(public level: 0 | 1) {}
  async read(): Promise<0 | 1> {
    if (this.failWith) throw new Error(this.failWith);
    return this.level;
  }
  watch(cb: (l: 0 | 1) => void) {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }
  set(level: 0 | 1): void {
    this.level = level;
    for (const l of this.listeners) l(level);
  }
  get watchers(): number {
    return this.listeners.size;
  }
}

describe('dry-contact UPS', () => {
  it('maps the contacts to OL/OB and LB', () => {
    expect(dryContactStatus(false, false)).toEqual(['OL']);
    expect(dryContactStatus(true, false)).toEqual(['OB']);
    expect(dryContactStatus(true, true)).toEqual(['OB', 'LB']);
    expect(dryContactStatus(false, true)).toEqual(['OL', 'LB']);
  });

  it('honours polarity: active-low on-battery, active-high low-battery', async () => {
    const ob = new FakeInput(1);
    const lb = new FakeInput(0);
    const source = dryContactSource({ onBattery: { input: ob, activeLevel: 0 }, lowBattery: { input: lb, activeLevel: 1 } });
    expect(await source.read()).toEqual({ ok: true, value: { 'ups.status': ['OL'] } });
    ob.level = 0;
    lb.level = 1;
    expect(await source.read()).toEqual({ ok: true, value: { 'ups.status': ['OB', 'LB'] } });
  });

  it('goes critical at once on an edge, through the monitor, and stops watching when stopped', async () => {
    const clock = new ManualClock();
    const ob = new FakeInput(0);
    const lb = new FakeInput(0);
    const source = dryContactSource({ onBattery: { input: ob, activeLevel: 1 }, lowBattery: { input: lb, activeLevel: 1 } });
    const monitor = new UpsMonitor({ source, schedule: clock.schedule, nowMs: () => clock.nowMs, intervalMs: 10_000 });
    const events: UpsMonitorEvent[] = [];
    monitor.on((e) => events.push(e));
    monitor.start();
    await runFor(clock, 10);
    expect(monitor.snapshot().lastStatus).toEqual(['OL']);
    ob.set(1);
    lb.set(1);
    await runFor(clock, 10); // far less than the 10 s interval
    expect(events.filter((e) => e.type === 'critical')).toMatchObject([{ reason: 'on battery and battery low (OB LB)' }]);
    expect(ob.watchers).toBe(1);
    monitor.stop();
    expect(ob.watchers).toBe(0);
    expect(lb.watchers).toBe(0);
  });

  it('treats an input that cannot be read as a failed poll and, after N, comm lost while on battery → critical', async () => {
    const clock = new ManualClock();
    const ob = new FakeInput(1);
    const source = dryContactSource({ onBattery: { input: ob, activeLevel: 1 } });
    const monitor = new UpsMonitor({ source, schedule: clock.schedule, nowMs: () => clock.nowMs, intervalMs: 1000, commLostAfterFailures: 2 });
    const events: UpsMonitorEvent[] = [];
    monitor.on((e) => events.push(e));
    monitor.start();
    await runFor(clock, 10);
    ob.failWith = 'gpiochip0 line 17 busy';
    await runFor(clock, 2000);
    expect(events.find((e) => e.type === 'comm-lost')).toMatchObject({ reason: expect.stringContaining('on-battery input cannot be read: gpiochip0 line 17 busy') });
    expect(events.find((e) => e.type === 'critical')).toMatchObject({ reason: expect.stringContaining('last seen on battery') });
    monitor.stop();
  });
});
