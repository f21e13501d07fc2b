// The Sparkplug B edge-node session as a pure state machine: it decides what
// to publish (topic, payload, QoS, retain) and the MQTT layer publishes it.
// Rules (Sparkplug 3.0, chapter 5): the NDEATH is the CONNECT's Will and carries
// the bdSeq of that connection; the NBIRTH after it carries the same bdSeq;
// every later message of the node carries seq 0..255, reset to 0 by a birth.

import type { OutboundMessage } from '../outbound';
import { decodePayload, encodePayload } from './payload';
import { deviceTopic, nodeTopic, checkSparkplugId, parseSparkplugTopic, type DeviceMessageType } from './topics';
import { DataType, type SparkplugMetric, type SparkplugPayload } from './types';

export const BD_SEQ_METRIC = 'bdSeq';
export const REBIRTH_METRIC = 'Node Control/Rebirth';

export type { OutboundMessage };

export type SessionResult = { ok: true; messages: OutboundMessage[] } | { ok: false; error: string };

export type CommandOutcome =
  | { kind: 'rebirth'; messages: OutboundMessage[] }
  | { kind: 'ignored'; reason: string }
  | { kind: 'rejected'; error: string };

export interface SessionOptions {
  groupId: string;
  edgeNodeId: string;
  /** The bdSeq for the next connection (0..255), as the caller persisted it. */
  nextBdSeq: number;
}

export class SparkplugSession {
  private nextBdSeqValue: number;
  private bdSeqValue: number | null = null;
  private seqValue = 0;
  private born = false;
  private readonly nodeMetrics = new Map<string, SparkplugMetric>();
  private readonly devices = new Map<string, Map<string, SparkplugMetric>>();

  private constructor(private readonly opts: SessionOptions) {
    this.nextBdSeqValue = opts.nextBdSeq;
  }

  static create(opts: SessionOptions): { ok: true; value: SparkplugSession } | { ok: false; error: string } {
    const bad = checkSparkplugId(opts.groupId) ?? checkSparkplugId(opts.edgeNodeId);
    if (bad) return { ok: false, error: bad };
    if (!(Number.isInteger(opts.nextBdSeq) && opts.nextBdSeq >= 0 && opts.nextBdSeq <= 255)) {
      return { ok: false, error: `bdSeq ${opts.nextBdSeq} is outside 0..255` };
    }
    return { ok: true, value: new SparkplugSession(opts) };
  }

  /** bdSeq of the current connection, null before the first connect. */
  get bdSeq(): number | null {
    return this.bdSeqValue;
  }
  /** The bdSeq the caller must persist now, so the next life of the daemon does not reuse this one. */
  get nextBdSeq(): number {
    return this.nextBdSeqValue;
  }
  /** seq the next message will carry. */
  get seq(): number {
    return this.seqValue;
  }
  get online(): boolean {
    return this.born;
  }

  /** Before each MQTT CONNECT: the Will to register (NDEATH, QoS 1, not retained). */
  connect(nowMs: number): OutboundMessage {
    this.bdSeqValue = this.nextBdSeqValue;
    this.nextBdSeqValue = (this.nextBdSeqValue + 1) % 256;
    this.born = false;
    return this.deathMessage(nowMs);
  }

  /** The NDEATH to publish before a clean disconnect (same bytes shape as the Will). */
  death(nowMs: number): OutboundMessage {
    this.born = false;
    return this.deathMessage(nowMs);
  }

  /** The connection dropped: nothing may be published until the next connect and birth. */
  disconnected(): void {
    this.born = false;
  }

  private deathMessage(nowMs: number): OutboundMessage {
    const payload = this.encode({ timestamp: nowMs, metrics: [this.bdSeqMetric(nowMs)] });
    return { topic: nodeTopic(this.opts.groupId, 'NDEATH', this.opts.edgeNodeId), payload, qos: 1, retain: false };
  }

  private bdSeqMetric(nowMs: number): SparkplugMetric {
    return { name: BD_SEQ_METRIC, timestamp: nowMs, datatype: DataType.Int64, value: this.bdSeqValue ?? 0 };
  }

  /** After CONNACK: NBIRTH with every node metric, then a DBIRTH per device. */
  birth(nowMs: number, nodeMetrics: SparkplugMetric[], devices: Record<string, SparkplugMetric[]> = {}): SessionResult {
    if (this.bdSeqValue === null) return { ok: false, error: 'birth before connect: no bdSeq yet' };
    const named = requireNames(nodeMetrics);
    if (named) return { ok: false, error: named };
    for (const id of Object.keys(devices)) {
      const bad = checkSparkplugId(id) ?? requireNames(devices[id]!);
      if (bad) return { ok: false, error: `device ${id}: ${bad}` };
    }
    this.nodeMetrics.clear();
    for (const m of nodeMetrics) this.nodeMetrics.set(m.name!, m);
    this.devices.clear();
    for (const [id, ms] of Object.entries(devices)) this.devices.set(id, new Map(ms.map((m) => [m.name!, m])));
    return this.rebirth(nowMs);
  }

  /** A fresh NBIRTH (seq 0, same bdSeq) and DBIRTHs from the current values of every metric. */
  rebirth(nowMs: number): SessionResult {
    if (this.bdSeqValue === null) return { ok: false, error: 'rebirth before connect: no bdSeq yet' };
    this.seqValue = 0;
    const control: SparkplugMetric[] = [
      this.bdSeqMetric(nowMs),
      { name: REBIRTH_METRIC, timestamp: nowMs, datatype: DataType.Boolean, value: false },
    ];
    const metrics = [...control, ...this.nodeMetrics.values()];
    const result = this.sequenced(nodeTopic(this.opts.groupId, 'NBIRTH', this.opts.edgeNodeId), nowMs, metrics);
    if (!result.ok) return result;
    this.born = true;
    const messages = [result.message];
    for (const [id, ms] of this.devices) {
      const d = this.sequenced(this.devTopic('DBIRTH', id), nowMs, [...ms.values()]);
      if (!d.ok) return d;
      messages.push(d.message);
    }
    return { ok: true, messages };
  }

  /** NDATA with the changed metrics only; a metric the birth did not declare forces a rebirth instead. */
  data(nowMs: number, changes: SparkplugMetric[]): SessionResult {
    if (!this.born) return { ok: false, error: 'not online: connect and birth first' };
    if (changes.length === 0) return { ok: true, messages: [] };
    const named = requireNames(changes);
    if (named) return { ok: false, error: named };
    const isNew = changes.some((m) => !this.nodeMetrics.has(m.name!));
    for (const m of changes) this.nodeMetrics.set(m.name!, m);
    if (isNew) return this.rebirth(nowMs);
    const r = this.sequenced(nodeTopic(this.opts.groupId, 'NDATA', this.opts.edgeNodeId), nowMs, changes);
    return r.ok ? { ok: true, messages: [r.message] } : r;
  }

  /** DDATA for a known device; a new device or metric gets a DBIRTH with all its metrics. */
  deviceData(nowMs: number, deviceId: string, changes: SparkplugMetric[]): SessionResult {
    if (!this.born) return { ok: false, error: 'not online: connect and birth first' };
    const bad = checkSparkplugId(deviceId) ?? requireNames(changes);
    if (bad) return { ok: false, error: `device ${deviceId}: ${bad}` };
    const known = this.devices.get(deviceId);
    const isNew = !known || changes.some((m) => !known.has(m.name!));
    const metrics = known ?? new Map<string, SparkplugMetric>();
    for (const m of changes) metrics.set(m.name!, m);
    this.devices.set(deviceId, metrics);
    const r = isNew
      ? this.sequenced(this.devTopic('DBIRTH', deviceId), nowMs, [...metrics.values()])
      : this.sequenced(this.devTopic('DDATA', deviceId), nowMs, changes);
    return r.ok ? { ok: true, messages: [r.message] } : r;
  }

  /** DDEATH: the device is gone (unplugged UPS, removed fence device); it is forgotten until its next data. */
  deviceDeath(nowMs: number, deviceId: string): SessionResult {
    if (!this.born) return { ok: false, error: 'not online: connect and birth first' };
    if (!this.devices.delete(deviceId)) return { ok: false, error: `device ${deviceId} was never born` };
    const r = this.sequenced(this.devTopic('DDEATH', deviceId), nowMs, []);
    return r.ok ? { ok: true, messages: [r.message] } : r;
  }

  /** An NCMD for this node: `Node Control/Rebirth` = true publishes a fresh birth; nothing else is acted on here. */
  handleCommand(nowMs: number, topic: string, payload: Uint8Array): CommandOutcome {
    const t = parseSparkplugTopic(topic);
    if (!t.ok) return { kind: 'rejected', error: t.error };
    if (t.value.type !== 'NCMD' || t.value.groupId !== this.opts.groupId || t.value.edgeNodeId !== this.opts.edgeNodeId) {
      return { kind: 'ignored', reason: `topic ${topic} is not this node's NCMD` };
    }
    const p = decodePayload(payload);
    if (!p.ok) return { kind: 'rejected', error: `NCMD payload: ${p.error}` };
    const rebirth = p.value.metrics.find((m) => m.name === REBIRTH_METRIC);
    if (!rebirth) return { kind: 'ignored', reason: `NCMD carries no ${REBIRTH_METRIC} metric` };
    if (rebirth.value !== true) return { kind: 'ignored', reason: `${REBIRTH_METRIC} is ${String(rebirth.value)}, not true` };
    const r = this.rebirth(nowMs);
    return r.ok ? { kind: 'rebirth', messages: r.messages } : { kind: 'rejected', error: r.error };
  }

  private devTopic(type: DeviceMessageType, deviceId: string): string {
    return deviceTopic(this.opts.groupId, type, this.opts.edgeNodeId, deviceId);
  }

  private sequenced(topic: string, nowMs: number, metrics: SparkplugMetric[]): { ok: true; message: OutboundMessage } | { ok: false; error: string } {
    const body: SparkplugPayload = { timestamp: nowMs, metrics, seq: this.seqValue };
    const enc = encodePayload(body);
    if (!enc.ok) return enc;
    this.seqValue = (this.seqValue + 1) % 256;
    // Sparkplug: BIRTH and DATA messages are QoS 0, never retained; durability is the queue's job.
    return { ok: true, message: { topic, payload: enc.value, qos: 0, retain: false } };
  }

  private encode(p: SparkplugPayload): Uint8Array {
    const enc = encodePayload(p);
    // Only the bdSeq metric goes through here, and it is always a valid Int64.
    return enc.ok ? enc.value : new Uint8Array();
  }
}

function requireNames(metrics: SparkplugMetric[]): string | null {
  const seen = new Set<string>();
  for (const m of metrics) {
    if (m.name === undefined || m.name.length === 0) return 'every metric needs a name';
    if (m.name === BD_SEQ_METRIC || m.name === REBIRTH_METRIC) return `metric name "${m.name}" is reserved for the session`;
    if (seen.has(m.name)) return `metric "${m.name}" appears twice`;
    seen.add(m.name);
  }
  return null;
}
