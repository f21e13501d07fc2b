// Scheduled monitoring of the fence devices, like Pacemaker's recurring
// stonith monitor: a broken BMC, a pulled serial cable or a PDU whose password
// changed must raise an alarm long before the day the device is needed, not be
// discovered in the middle of a failover.
//
// Rounds run every `intervalMs`; a round calls `monitor()` on each device in
// turn, each call bounded by `callTimeoutMs`. A device whose previous call has
// not returned yet (it outlived its timeout) is not called again: that would
// only queue more work behind a hung link. Devices from createFenceDevice are
// wrapped in oneAtATime, so a monitor never interleaves with an off on the same
// port; on top of that a round is postponed while `isFencing()` says a fence is
// running, so a monitor is never queued in front of a fence's next step.

import type { AlarmSeverity } from '../../core/types';
import type { Cancel, Schedule } from '../../../hw/ups/schedule';
import type { FenceDevice, FenceOpResult } from './device';

export const DEFAULT_MONITOR_INTERVAL_MS = 60_000;
export const DEFAULT_MONITOR_CALL_TIMEOUT_MS = 20_000;
export const DEFAULT_FAILURES_TO_ALARM = 2;
/** While a fence runs, look again this often for the moment it is over. */
export const FENCING_RECHECK_MS = 1000;

export type FenceDeviceAlarmListener = (id: string, raised: boolean, severity: AlarmSeverity, message: string) => void;

export interface FenceDeviceMonitorOptions {
  devices: readonly FenceDevice[];
  /** Between the starts of two rounds. Default 60 s. */
  intervalMs?: number;
  /** One monitor() call; past it the call counts as failed. Default 20 s. */
  callTimeoutMs?: number;
  /** Consecutive failures before the alarm is raised. Default 2 (one lost datagram is not an alarm). */
  failuresToAlarm?: number;
  /** Default 0: the first round runs at start, so a device broken at boot is known within one round. */
  firstCheckDelayMs?: number;
  /** Default critical: a broken device means a failover through it cannot be confirmed. */
  severity?: AlarmSeverity;
  schedule: Schedule;
  /** Milliseconds; Date.now in the daemon so "last worked" times mean something to a person. */
  nowMs: () => number;
  /** True while the fencer is running a fence: the round waits. */
  isFencing?: () => boolean;
  onAlarm: FenceDeviceAlarmListener;
}

export interface MonitorCallResult extends FenceOpResult {
  atMs: number;
}

export interface FenceDeviceMonitorStatus {
  device: string;
  alarmId: string;
  alarmRaised: boolean;
  lastResult: MonitorCallResult | null;
  lastOkAtMs: number | null;
  consecutiveFailures: number;
  /** A call is still out (it may have outlived its timeout). */
  callInFlight: boolean;
  /** When this device is checked next; null once stopped. */
  nextCheckDueMs: number | null;
}

interface DeviceState {
  device: FenceDevice;
  alarmId: string;
  alarmRaised: boolean;
  lastResult: MonitorCallResult | null;
  lastOkAtMs: number | null;
  consecutiveFailures: number;
  inFlightSinceMs: number | null;
}

export function fenceDeviceAlarmId(name: string): string {
  return `fence-device:${name}`;
}

export class FenceDeviceMonitor {
  private readonly states: DeviceState[];
  private readonly intervalMs: number;
  private readonly callTimeoutMs: number;
  private readonly failuresToAlarm: number;
  private readonly severity: AlarmSeverity;
  private readonly startedAtMs: number;
  private timer: Cancel | null = null;
  private nextDueMs: number | null = null;
  private round: Promise<FenceDeviceMonitorStatus[]> | null = null;
  private stopped = true;

  constructor(private readonly o: FenceDeviceMonitorOptions) {
    this.intervalMs = positive(o.intervalMs, DEFAULT_MONITOR_INTERVAL_MS, 'intervalMs');
    this.callTimeoutMs = positive(o.callTimeoutMs, DEFAULT_MONITOR_CALL_TIMEOUT_MS, 'callTimeoutMs');
    this.failuresToAlarm = positive(o.failuresToAlarm, DEFAULT_FAILURES_TO_ALARM, 'failuresToAlarm');
    this.severity = o.severity ?? 'critical';
    this.startedAtMs = o.nowMs();
    this.states = o.devices.map((device) => ({
      device,
      alarmId: fenceDeviceAlarmId(device.name),
      alarmRaised: false,
      lastResult: null,
      lastOkAtMs: null,
      consecutiveFailures: 0,
      inFlightSinceMs: null,
    }));
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.scheduleRound(this.o.firstCheckDelayMs ?? 0);
  }

  /** No further rounds; a round under way finishes, its results still recorded. */
  stop(): void {
    this.stopped = true;
    this.timer?.();
    this.timer = null;
    this.nextDueMs = null;
  }

  /** The operator's "check now": joins a round already running, else runs one and restarts the interval. */
  checkNow(): Promise<FenceDeviceMonitorStatus[]> {
    if (this.round !== null) return this.round;
    this.timer?.();
    this.timer = null;
    return this.runRound();
  }

  status(): FenceDeviceMonitorStatus[] {
    return this.states.map((s) => ({
      device: s.device.name,
      alarmId: s.alarmId,
      alarmRaised: s.alarmRaised,
      lastResult: s.lastResult,
      lastOkAtMs: s.lastOkAtMs,
      consecutiveFailures: s.consecutiveFailures,
      callInFlight: s.inFlightSinceMs !== null,
      nextCheckDueMs: this.nextDueMs,
    }));
  }

  private scheduleRound(delayMs: number): void {
    if (this.stopped) return;
    this.timer?.();
    this.nextDueMs = this.o.nowMs() + delayMs;
    this.timer = this.o.schedule(delayMs, () => {
      this.timer = null;
      if (this.o.isFencing?.() === true) return this.scheduleRound(FENCING_RECHECK_MS);
      void this.runRound();
    });
  }

  private runRound(): Promise<FenceDeviceMonitorStatus[]> {
    const run = async (): Promise<FenceDeviceMonitorStatus[]> => {
      const startedMs = this.o.nowMs();
      for (const s of this.states) await this.checkOne(s);
      this.round = null;
      const elapsedMs = this.o.nowMs() - startedMs;
      this.scheduleRound(Math.max(0, this.intervalMs - elapsedMs));
      return this.status();
    };
    this.round = run();
    return this.round;
  }

  private async checkOne(s: DeviceState): Promise<void> {
    const atMs = this.o.nowMs();
    if (s.inFlightSinceMs !== null) {
      const reason = `${s.device.name}: the monitor call started ${atMs - s.inFlightSinceMs} ms ago has still not returned; not calling it again`;
      return this.record(s, { ok: false, reason, durationMs: 0, atMs });
    }
    s.inFlightSinceMs = atMs;
    const call = safeMonitor(s.device).then((r) => {
      s.inFlightSinceMs = null;
      return r;
    });
    const result = await withTimeout(call, this.callTimeoutMs, this.o.schedule, s.device.name);
    this.record(s, { ...result, atMs });
  }

  private record(s: DeviceState, r: MonitorCallResult): void {
    s.lastResult = r;
    if (r.ok) {
      const failedBefore = s.consecutiveFailures;
      s.lastOkAtMs = r.atMs;
      s.consecutiveFailures = 0;
      if (s.alarmRaised) {
        s.alarmRaised = false;
        this.o.onAlarm(s.alarmId, false, this.severity, `fence device ${s.device.name} works again after ${failedBefore} failed checks: ${r.reason}`);
      }
      return;
    }
    s.consecutiveFailures++;
    if (!s.alarmRaised && s.consecutiveFailures >= this.failuresToAlarm) {
      s.alarmRaised = true;
      this.o.onAlarm(s.alarmId, true, this.severity, `fence device ${s.device.name} failed ${s.consecutiveFailures} checks in a row (${r.reason}); ${this.lastWorked(s, r.atMs)}. Fencing through it would fail.`);
    }
  }

  private lastWorked(s: DeviceState, nowMs: number): string {
    if (s.lastOkAtMs === null) return `it has not worked since monitoring started ${formatAgo(nowMs - this.startedAtMs)} ago`;
    return `it last worked ${formatAgo(nowMs - s.lastOkAtMs)} ago`;
  }
}

/** monitor() must not reject; if one does, that is a failed check, not a dead monitor loop. */
async function safeMonitor(device: FenceDevice): Promise<FenceOpResult> {
  try {
    return await device.monitor();
  } catch (e) {
    return { ok: false, reason: `${device.name}: monitor threw: ${e instanceof Error ? e.message : String(e)}`, durationMs: 0 };
  }
}

function withTimeout(call: Promise<FenceOpResult>, timeoutMs: number, schedule: Schedule, name: string): Promise<FenceOpResult> {
  return new Promise((resolve) => {
    const cancel = schedule(timeoutMs, () => resolve({ ok: false, reason: `${name}: no answer to the monitor call within ${timeoutMs} ms`, durationMs: timeoutMs }));
    void call.then((r) => {
      cancel();
      resolve(r);
    });
  });
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`FenceDeviceMonitor: ${name} must be a positive number of milliseconds or count, got ${value}`);
  return value;
}

/** 45 s, 12 min, 3 h 5 min: enough for a person to judge how stale "last worked" is. */
export function formatAgo(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 120) return `${min} min`;
  const h = Math.floor(min / 60);
  return `${h} h ${min % 60} min`;
}
