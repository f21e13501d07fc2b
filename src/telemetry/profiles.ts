// The two payload profiles behind one interface, so the publisher does not
// care which one runs: Sparkplug B (default; NBIRTH/NDATA/NDEATH with bdSeq and
// seq) and the JSON profile (retained state, metrics, availability). Both are
// pure maps from the model to OutboundMessages; the publisher sends them.

import type { DaemonStatus } from '../daemon/contract';
import type { Diff } from './changes';
import { JsonProfile } from './json/messages';
import type { TelemetryMetric } from './model';
import type { OutboundMessage } from './outbound';
import { nodeTopic, SparkplugSession, toSparkplugMetrics, DataType, type SparkplugMetric } from './sparkplug';

export type HandleResult = { handled: false } | { handled: true; messages: OutboundMessage[]; note: string };

export interface Profile {
  readonly name: 'sparkplug' | 'json';
  /** The Will of the next connection attempt. */
  will(nowMs: number): OutboundMessage;
  /** After CONNACK: everything a fresh subscriber needs (birth, or availability + state + metrics). */
  online(nowMs: number, metrics: TelemetryMetric[], status: DaemonStatus): OutboundMessage[];
  /** Changed metrics since the last publish. */
  changes(nowMs: number, diff: Diff, all: TelemetryMetric[], status: DaemonStatus): OutboundMessage[];
  /** The latest reading of one hardware device. */
  hw(nowMs: number, device: string, flat: Record<string, string | number | boolean | null>): OutboundMessage[];
  /** Before a clean disconnect. */
  offline(nowMs: number): OutboundMessage[];
  subscriptions(): string[];
  /** Protocol messages addressed to this node (a Sparkplug NCMD rebirth). */
  handle(nowMs: number, topic: string, payload: Buffer, all: TelemetryMetric[]): HandleResult;
  /** A forced republish of everything (remote `rebirth`). */
  rebirth(nowMs: number, metrics: TelemetryMetric[], status: DaemonStatus): OutboundMessage[];
  disconnected(): void;
}

export class JsonPayloadProfile implements Profile {
  readonly name = 'json' as const;
  constructor(readonly json: JsonProfile) {}

  will(): OutboundMessage {
    return this.json.availability('offline');
  }
  online(nowMs: number, metrics: TelemetryMetric[], status: DaemonStatus): OutboundMessage[] {
    const out = [this.json.availability('online'), this.json.state(status, nowMs)];
    const m = this.json.metrics(metrics, nowMs);
    return m ? [...out, m] : out;
  }
  changes(nowMs: number, diff: Diff, _all: TelemetryMetric[], status: DaemonStatus): OutboundMessage[] {
    const out: OutboundMessage[] = [];
    if (diff.stateChanged) out.push(this.json.state(status, nowMs));
    const m = this.json.metrics(diff.changed, nowMs);
    if (m) out.push(m);
    return out;
  }
  hw(): OutboundMessage[] {
    // The JSON profile publishes hardware on its own retained `hw/<device>` topic (see the publisher).
    return [];
  }
  offline(): OutboundMessage[] {
    return [this.json.availability('offline')];
  }
  subscriptions(): string[] {
    return [];
  }
  handle(): HandleResult {
    return { handled: false };
  }
  rebirth(nowMs: number, metrics: TelemetryMetric[], status: DaemonStatus): OutboundMessage[] {
    return this.online(nowMs, metrics, status);
  }
  disconnected(): void {}
}

export interface BdSeqStore {
  /** Persist the bdSeq the next life must use; called before each connect. */
  save(next: number): void;
}

export class SparkplugProfile implements Profile {
  readonly name = 'sparkplug' as const;
  private readonly deviceIds = new Set<string>();

  constructor(
    private readonly session: SparkplugSession,
    private readonly groupId: string,
    private readonly edgeNodeId: string,
    private readonly bdSeq: BdSeqStore,
    private readonly onError: (msg: string) => void,
  ) {}

  will(wallMs: number): OutboundMessage {
    const nowMs = Math.floor(wallMs); // Sparkplug timestamps are integer ms
    const will = this.session.connect(nowMs);
    this.bdSeq.save(this.session.nextBdSeq);
    return will;
  }
  online(wallMs: number, metrics: TelemetryMetric[]): OutboundMessage[] {
    const nowMs = Math.floor(wallMs); // Sparkplug timestamps are integer ms
    this.deviceIds.clear();
    const { node, devices } = splitByDevice(metrics);
    const sp = Object.fromEntries(Object.entries(devices).map(([id, ms]) => [id, toSparkplugMetrics(ms, nowMs)]));
    return this.ok(this.session.birth(nowMs, toSparkplugMetrics(node, nowMs), sp));
  }
  changes(wallMs: number, diff: Diff, all: TelemetryMetric[]): OutboundMessage[] {
    const nowMs = Math.floor(wallMs); // Sparkplug timestamps are integer ms
    const changed = splitByDevice(diff.changed);
    const out: OutboundMessage[] = [];
    // A node metric never declared forces a rebirth; the session does it and needs every value.
    const nodeNew = diff.added.some((n) => deviceOf(n) === null);
    const nodeMetrics = nodeNew ? splitByDevice(all).node : changed.node;
    if (nodeMetrics.length) out.push(...this.ok(this.session.data(nowMs, toSparkplugMetrics(nodeMetrics, nowMs))));
    for (const [id, ms] of Object.entries(changed.devices)) out.push(...this.ok(this.session.deviceData(nowMs, id, toSparkplugMetrics(ms, nowMs))));
    return out;
  }
  hw(wallMs: number, device: string, flat: Record<string, string | number | boolean | null>): OutboundMessage[] {
    const nowMs = Math.floor(wallMs); // Sparkplug timestamps are integer ms
    if (!this.session.online) return [];
    this.deviceIds.add(device);
    return this.ok(this.session.deviceData(nowMs, device, flatToMetrics(flat, nowMs)));
  }
  offline(wallMs: number): OutboundMessage[] {
    const nowMs = Math.floor(wallMs); // Sparkplug timestamps are integer ms
    return this.session.bdSeq === null ? [] : [this.session.death(nowMs)];
  }
  subscriptions(): string[] {
    return [nodeTopic(this.groupId, 'NCMD', this.edgeNodeId)];
  }
  handle(wallMs: number, topic: string, payload: Buffer): HandleResult {
    const nowMs = Math.floor(wallMs); // Sparkplug timestamps are integer ms
    if (topic !== nodeTopic(this.groupId, 'NCMD', this.edgeNodeId)) return { handled: false };
    const r = this.session.handleCommand(nowMs, topic, payload);
    if (r.kind === 'rebirth') return { handled: true, messages: r.messages, note: 'NCMD Node Control/Rebirth: published a fresh NBIRTH' };
    return { handled: true, messages: [], note: r.kind === 'ignored' ? `NCMD ignored: ${r.reason}` : `NCMD rejected: ${r.error}` };
  }
  rebirth(wallMs: number): OutboundMessage[] {
    const nowMs = Math.floor(wallMs); // Sparkplug timestamps are integer ms
    return this.ok(this.session.rebirth(nowMs));
  }
  disconnected(): void {
    this.session.disconnected();
  }

  private ok(r: { ok: true; messages: OutboundMessage[] } | { ok: false; error: string }): OutboundMessage[] {
    if (r.ok) return r.messages;
    this.onError(`sparkplug: ${r.error}`);
    return [];
  }
}

/**
 * The resource and the fencing are Sparkplug devices of the node (DBIRTH/DDATA),
 * as a SCADA host expects equipment under its edge node; the rest is node-level.
 */
const DEVICE_PREFIXES: ReadonlyArray<[string, string]> = [
  ['Resource/', 'resource'],
  ['Last Resource Op/', 'resource'],
  ['Fence/', 'fencing'],
  ['Last Fence/', 'fencing'],
];

export function deviceOf(metricName: string): string | null {
  for (const [prefix, id] of DEVICE_PREFIXES) if (metricName.startsWith(prefix)) return id;
  return null;
}

function splitByDevice(metrics: TelemetryMetric[]): { node: TelemetryMetric[]; devices: Record<string, TelemetryMetric[]> } {
  const node: TelemetryMetric[] = [];
  const devices: Record<string, TelemetryMetric[]> = {};
  for (const m of metrics) {
    const id = deviceOf(m.name);
    if (id === null) node.push(m);
    else (devices[id] ??= []).push(m);
  }
  return { node, devices };
}

function flatToMetrics(flat: Record<string, string | number | boolean | null>, nowMs: number): SparkplugMetric[] {
  return Object.entries(flat).map(([name, value]) => {
    if (typeof value === 'boolean') return { name, timestamp: nowMs, datatype: DataType.Boolean, value };
    if (typeof value === 'number') return Number.isInteger(value) ? { name, timestamp: nowMs, datatype: DataType.Int64, value } : { name, timestamp: nowMs, datatype: DataType.Double, value };
    return { name, timestamp: nowMs, datatype: DataType.String, value: value ?? null };
  });
}
