// The monitor over the existing simulators on a virtual clock: readings, token
// changes, upsmon's critical rules, comm loss and recovery, alert nudges.

import { apcSmartSource, megatecSource, nutSource } from '../../../../hw/ups/monitor/drivers';
import type { UpsMonitorEvent } from '../../../../hw/ups/monitor/events';
import { UpsMonitor } from '../../../../hw/ups/monitor/monitor';
import { NutServer } from '../../../../hw/ups/nut/server';
import { connectTcp } from '../../../../hw/ups/nut/tcpTransport';
import { timerSchedule } from '../../../../hw/ups/schedule';
import { ApcSmartSim } from '../../../../hw/ups/sim/apcSmartSim';
import { apcSimStateFromNut } from '../../../../hw/ups/sim/apcWire';
import { ManualClock } from '../../../../hw/ups/sim/manualClock';
import { MegatecSim } from '../../../../hw/ups/sim/megatecSim';
import { megatecSimStateFromNut } from '../../../../hw/ups/sim/megatecWire';
import { simTransport } from '../../../../hw/ups/sim/simTransport';
import type { UpsReading } from '../../../../hw/ups/model';
import { loadFixture } from '../helpers';
import { runFor } from './runFor';

function megatecSetup(intervalMs = 2000) {
  const clock = new ManualClock();
  const sim = new MegatecSim(megatecSimStateFromNut(loadFixture('Inform__Sinus_SS_210__blazer_ser__2.4.3__01.dev').vars).state, { schedule: clock.schedule });
  let opens = 0;
  const source = megatecSource(async () => (opens++, simTransport(sim)), { schedule: clock.schedule });
  const monitor = new UpsMonitor({ source, schedule: clock.schedule, nowMs: () => clock.nowMs, intervalMs });
  const events: UpsMonitorEvent[] = [];
  monitor.on((e) => events.push(e));
  const of = <T extends UpsMonitorEvent['type']>(type: T) => events.filter((e): e is Extract<UpsMonitorEvent, { type: T }> => e.type === type);
  return { clock, sim, monitor, events, of, opens: () => opens };
}

describe('UpsMonitor with a Megatec UPS', () => {
  it('emits readings with F/I values, and token changes as the power goes', async () => {
    const t = megatecSetup();
    t.monitor.start();
    await runFor(t.clock, 100);
    const first = t.of('reading')[0]!.reading;
    expect(first).toMatchObject({ 'ups.status': ['OL'], 'input.voltage': 243.1, 'ups.model': 'SINUS1KURM', 'battery.voltage.nominal': 36 });
    expect(t.of('status-change')).toEqual([{ type: 'status-change', atMs: expect.any(Number), from: [], to: ['OL'], added: ['OL'], removed: [] }]);
    t.sim.setUtilityFail(true);
    await runFor(t.clock, 2000);
    expect(t.of('status-change')[1]).toMatchObject({ from: ['OL'], to: ['OB'], added: ['OB'], removed: ['OL'] });
    expect(t.of('critical')).toEqual([]);
    t.sim.setBatteryLow(true);
    await runFor(t.clock, 2000);
    expect(t.of('critical')).toEqual([{ type: 'critical', atMs: 4000, reason: 'on battery and battery low (OB LB)' }]);
    expect(t.monitor.snapshot()).toMatchObject({ critical: true, commLost: false, lastStatus: ['OB', 'LB'] });
    t.sim.setUtilityFail(false);
    t.sim.setBatteryLow(false);
    await runFor(t.clock, 2000);
    expect(t.of('critical-cleared')).toMatchObject([{ reason: 'status OL' }]);
    expect(t.opens()).toBe(1); // one link for the whole run
    t.monitor.stop();
  });

  it('is not critical for OB LB during a calibration, and is for FSD', async () => {
    const t = megatecSetup();
    t.sim.state.bits.utilityFail = true;
    t.sim.state.bits.batteryLow = true;
    t.sim.state.bits.testInProgress = true;
    t.monitor.start();
    await runFor(t.clock, 100);
    expect(t.of('critical')).toEqual([]);
    expect(t.monitor.snapshot().criticalReason).toContain('calibration');
    t.sim.state.bits.shutdownActive = true;
    await runFor(t.clock, 2000);
    expect(t.of('critical')[0]!.reason).toContain('FSD');
    t.monitor.stop();
  });

  it('declares comm lost after 3 failed polls with the reason, critical when last seen on battery, then restored', async () => {
    const t = megatecSetup();
    t.monitor.start();
    await runFor(t.clock, 100);
    t.sim.setUtilityFail(true);
    await runFor(t.clock, 2000);
    t.sim.faults.reply = 'silent';
    await runFor(t.clock, 2 * 3000); // two failed polls (1 s timeout each + 2 s interval)
    expect(t.of('poll-failed').length).toBe(2);
    expect(t.of('comm-lost')).toEqual([]);
    await runFor(t.clock, 3000);
    const lost = t.of('comm-lost');
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatchObject({ failures: 3, lastStatus: ['OB'], reason: expect.stringContaining('no answer to Q1 within 1000 ms') });
    expect(t.of('critical')).toMatchObject([{ reason: 'communication with the UPS lost while it was last seen on battery (OB)' }]);
    t.sim.faults.reply = 'normal';
    t.sim.setUtilityFail(false);
    await runFor(t.clock, 3000);
    expect(t.of('comm-restored')).toHaveLength(1);
    expect(t.of('critical-cleared')).toHaveLength(1);
    t.monitor.stop();
  });

  it('reports a link that will not open as link-failed and keeps trying', async () => {
    const clock = new ManualClock();
    let attempts = 0;
    const source = megatecSource(async () => {
      attempts++;
      throw new Error('ENOENT /dev/ttyS9');
    }, { schedule: clock.schedule });
    const monitor = new UpsMonitor({ source, schedule: clock.schedule, nowMs: () => clock.nowMs, intervalMs: 1000, commLostAfterFailures: 2 });
    const events: UpsMonitorEvent[] = [];
    monitor.on((e) => events.push(e));
    monitor.start();
    await runFor(clock, 1500);
    expect(attempts).toBe(2);
    expect(events.find((e) => e.type === 'comm-lost')).toMatchObject({ reason: expect.stringContaining('cannot open the link: ENOENT /dev/ttyS9') });
    // Never seen: comm lost is not critical (no evidence it was on battery).
    expect(events.some((e) => e.type === 'critical')).toBe(false);
    monitor.stop();
  });
});

describe('UpsMonitor with an APC Smart UPS', () => {
  it('polls at once when an alert byte arrives instead of waiting for the interval', async () => {
    const clock = new ManualClock();
    const sim = new ApcSmartSim(apcSimStateFromNut(loadFixture('APC__Smart-UPS_1500__apcsmart__2.2.1__01.dev').vars).state, { schedule: clock.schedule });
    const source = apcSmartSource(async () => simTransport(sim), { schedule: clock.schedule });
    const monitor = new UpsMonitor({ source, schedule: clock.schedule, nowMs: () => clock.nowMs, intervalMs: 60_000 });
    const changes: UpsMonitorEvent[] = [];
    monitor.on((e) => (e.type === 'status-change' ? changes.push(e) : undefined));
    monitor.start();
    await runFor(clock, 1000);
    expect(monitor.snapshot().lastReading).toMatchObject({ 'ups.status': ['OL'], 'battery.charge': 100, 'ups.model': 'Smart-UPS 1500' });
    const before = clock.nowMs;
    sim.setOnBattery(true);
    await runFor(clock, 1000);
    expect(changes[1]).toMatchObject({ to: ['OB'], added: ['OB'] });
    expect(changes[1]!.atMs - before).toBeLessThan(1000); // long before the 60 s interval
    monitor.stop();
  });
});

describe('UpsMonitor with a NUT client', () => {
  it('reads a UPS from a NUT server and sees DATA-STALE as a failed poll', async () => {
    let provided: UpsReading | 'stale' = { 'ups.status': ['OL'], 'battery.charge': 97 };
    const server = new NutServer({ port: 0, ups: [{ name: 'rack' }], provider: () => provided });
    const { port } = await server.listen();
    const source = nutSource(() => connectTcp({ host: '127.0.0.1', port }), { schedule: timerSchedule, ups: 'rack' });
    const monitor = new UpsMonitor({ source, schedule: timerSchedule, nowMs: () => Date.now(), intervalMs: 30, commLostAfterFailures: 2 });
    const events: UpsMonitorEvent[] = [];
    monitor.on((e) => events.push(e));
    try {
      monitor.start();
      await new Promise((r) => setTimeout(r, 100));
      expect(events.find((e) => e.type === 'reading')).toMatchObject({ reading: { 'ups.status': ['OL'], 'battery.charge': 97 } });
      provided = 'stale';
      await new Promise((r) => setTimeout(r, 150));
      expect(events.find((e) => e.type === 'comm-lost')).toMatchObject({ reason: expect.stringContaining('DATA-STALE') });
    } finally {
      monitor.stop();
      await server.close();
    }
  });
});
