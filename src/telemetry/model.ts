// The one telemetry model every profile (Sparkplug B, JSON, Home Assistant)
// publishes from: a flat set of named, typed metrics built from the daemon's
// status and events. Profiles only map it; no encoder reads DaemonStatus.
//
// Metric names use `/` as a folder separator, as Sparkplug hosts (Ignition)
// show them as a tag tree. The set of names only grows: a metric once seen is
// kept with its last value, so a Sparkplug birth never has to retract a metric.

import type { DaemonEvent, DaemonStatus } from '../daemon/contract';

export type MetricType = 'string' | 'boolean' | 'int64' | 'double';
/**
 * How changes are published: `state` on every change; `reading` past a deadband
 * (and drift flushed at the maximum interval); `counter` coalesced to at most one
 * publish per counter interval, since heartbeat counters move several times a second.
 */
export type MetricKind = 'state' | 'reading' | 'counter';
export type TelemetryValue = string | number | boolean | null;

export interface TelemetryMetric {
  name: string;
  type: MetricType;
  kind: MetricKind;
  value: TelemetryValue;
  /** Readings only: the smallest change that is published at once (same unit as the value). */
  deadband?: number;
}

export interface ModelOptions {
  rttDeadbandMs: number;
  /** A path's last-heard age is a sawtooth between heartbeats; only a growing silence is news. */
  lastHeardDeadbandMs: number;
}

export const DEFAULT_MODEL_OPTIONS: ModelOptions = { rttDeadbandMs: 2, lastHeardDeadbandMs: 1000 };

/**
 * Events folded since this daemon started. With Node/Incarnation it lets a consumer
 * of the live stream see that it missed an event (the durable per-event sequence is
 * the queue's record id, carried by the JSON events topic).
 */
const EVENT_COUNT = 'Events/Count';
const EVENT_LAST_TYPE = 'Events/Last Type';

const LAST_EVENT_METRICS: ReadonlyArray<[MetricType, string]> = [
  ['string', 'Last Transition/From'],
  ['string', 'Last Transition/To'],
  ['string', 'Last Transition/Reason'],
  ['int64', 'Last Transition/Epoch'],
  ['int64', 'Last Transition/AtMs'],
  ['string', 'Last Alarm/Id'],
  ['string', 'Last Alarm/Severity'],
  ['string', 'Last Alarm/Message'],
  ['boolean', 'Last Alarm/Raised'],
  ['int64', 'Last Alarm/AtMs'],
  ['string', 'Last Notice/Name'],
  ['string', 'Last Notice/Message'],
  ['int64', 'Last Notice/AtMs'],
  ['string', 'Last Resource Op/Op'],
  ['boolean', 'Last Resource Op/Ok'],
  ['boolean', 'Last Resource Op/Running'],
  ['string', 'Last Resource Op/Reason'],
  ['int64', 'Last Resource Op/DurationMs'],
  ['int64', 'Last Resource Op/AtMs'],
  ['string', 'Last Fence/Target'],
  ['boolean', 'Last Fence/ConfirmedOff'],
  ['string', 'Last Fence/Reason'],
  ['int64', 'Last Fence/DurationMs'],
  ['int64', 'Last Fence/AtMs'],
];

export class TelemetryModel {
  private readonly metrics = new Map<string, TelemetryMetric>();
  private eventCount = 0;

  constructor(private readonly opts: ModelOptions = DEFAULT_MODEL_OPTIONS) {
    this.put('string', 'state', EVENT_LAST_TYPE, null);
    this.put('int64', 'state', EVENT_COUNT, 0);
    // Declared up front (null until the first such event) so the first birth
    // already names them and an event is an NDATA, not a forced rebirth.
    for (const [type, name] of LAST_EVENT_METRICS) this.put(type, 'state', name, null);
  }

  /** Every metric with its current value, in a stable order (insertion). */
  snapshot(): TelemetryMetric[] {
    return [...this.metrics.values()].map((m) => ({ ...m }));
  }

  get(name: string): TelemetryMetric | undefined {
    const m = this.metrics.get(name);
    return m ? { ...m } : undefined;
  }

  private put(type: MetricType, kind: MetricKind, name: string, value: TelemetryValue, deadband?: number): void {
    const m: TelemetryMetric = { name, type, kind, value };
    if (deadband !== undefined) m.deadband = deadband;
    this.metrics.set(name, m);
  }

  updateStatus(s: DaemonStatus): void {
    const c = s.core;
    this.put('string', 'state', 'Node/Role', c.role);
    this.put('string', 'state', 'Node/Mode', c.mode);
    this.put('int64', 'state', 'Node/Epoch', c.epoch);
    this.put('int64', 'state', 'Node/Incarnation', c.incarnation);
    this.put('string', 'state', 'Node/Health', c.health);
    this.put('string', 'state', 'Resource/Name', s.resourceName);
    this.put('string', 'state', 'Resource/State', c.resource);
    this.put('string', 'state', 'Peer/Id', c.peerId);
    this.put('string', 'state', 'Peer/State', c.peer.state);
    this.put('string', 'state', 'Peer/Role', c.peer.role);
    this.put('int64', 'state', 'Peer/Epoch', c.peer.epoch);
    this.put('string', 'state', 'Peer/Resource', c.peer.resource);
    this.put('string', 'state', 'Peer/Health', c.peer.health);
    this.put('int64', 'state', 'Peer/Incarnation', c.peer.incarnation);
    for (const p of c.paths) {
      this.put('boolean', 'state', `Paths/${p.name}/Up`, p.up);
      this.put('double', 'reading', `Paths/${p.name}/RttMs`, p.rttMs, this.opts.rttDeadbandMs);
      this.put('int64', 'reading', `Paths/${p.name}/LastHeardAgeMs`, p.lastHeardAgeMs, this.opts.lastHeardDeadbandMs);
      this.put('int64', 'state', `Paths/${p.name}/DeadlineMs`, p.deadlineMs);
    }
    this.put('string', 'state', 'Fence/State', c.fence.state);
    this.put('int64', 'state', 'Fence/Attempts', c.fence.attempts);
    this.put('string', 'state', 'Fence/LastResult', c.fence.lastResult);
    const alarmIds = c.alarms.map((a) => a.id).sort();
    this.put('int64', 'state', 'Alarms/Count', alarmIds.length);
    this.put('int64', 'state', 'Alarms/Critical', c.alarms.filter((a) => a.severity === 'critical').length);
    this.put('string', 'state', 'Alarms/Active', alarmIds.join(','));
    for (const [name, n] of Object.entries(s.paths)) {
      this.put('int64', 'counter', `Counters/Paths/${name}/Sent`, n.sent);
      this.put('int64', 'counter', `Counters/Paths/${name}/Received`, n.received);
      this.put('int64', 'counter', `Counters/Paths/${name}/InjectedDrops`, n.injectedDrops);
    }
    for (const [reason, n] of Object.entries(s.rejects)) this.put('int64', 'counter', `Counters/Rejects/${reason}`, n);
  }

  /**
   * Fold one daemon event into the "last event" metrics. Call `ChangeTracker.diff`
   * after each event: two events folded before one diff show only the second.
   */
  applyEvent(e: DaemonEvent): void {
    this.eventCount++;
    this.put('int64', 'state', EVENT_COUNT, this.eventCount);
    this.put('string', 'state', EVENT_LAST_TYPE, e.type);
    switch (e.type) {
      case 'transition':
        this.put('string', 'state', 'Last Transition/From', e.transition.from);
        this.put('string', 'state', 'Last Transition/To', e.transition.to);
        this.put('string', 'state', 'Last Transition/Reason', e.transition.reason);
        this.put('int64', 'state', 'Last Transition/Epoch', e.transition.epoch);
        this.put('int64', 'state', 'Last Transition/AtMs', e.tsMs);
        this.put('string', 'state', 'Node/Role', e.transition.to);
        break;
      case 'alarm':
        this.put('string', 'state', 'Last Alarm/Id', e.alarm.id);
        this.put('string', 'state', 'Last Alarm/Severity', e.alarm.severity);
        this.put('string', 'state', 'Last Alarm/Message', e.alarm.message);
        this.put('boolean', 'state', 'Last Alarm/Raised', e.raised);
        this.put('int64', 'state', 'Last Alarm/AtMs', e.tsMs);
        break;
      case 'notice':
        this.put('string', 'state', 'Last Notice/Name', e.name);
        this.put('string', 'state', 'Last Notice/Message', e.message);
        this.put('int64', 'state', 'Last Notice/AtMs', e.tsMs);
        break;
      case 'resource':
        this.put('string', 'state', 'Last Resource Op/Op', e.op);
        this.put('boolean', 'state', 'Last Resource Op/Ok', e.ok);
        this.put('boolean', 'state', 'Last Resource Op/Running', e.running);
        this.put('string', 'state', 'Last Resource Op/Reason', e.reason);
        this.put('int64', 'state', 'Last Resource Op/DurationMs', e.durationMs);
        this.put('int64', 'state', 'Last Resource Op/AtMs', e.tsMs);
        break;
      case 'fence':
        this.put('string', 'state', 'Last Fence/Target', e.target);
        this.put('boolean', 'state', 'Last Fence/ConfirmedOff', e.confirmedOff);
        this.put('string', 'state', 'Last Fence/Reason', e.reason);
        this.put('int64', 'state', 'Last Fence/DurationMs', e.durationMs);
        this.put('int64', 'state', 'Last Fence/AtMs', e.tsMs);
        break;
    }
  }
}
