// Builds JSON profile messages from the daemon's status, events and the model.

import type { DaemonEvent, DaemonStatus } from '../../daemon/contract';
import type { TelemetryMetric } from '../model';
import type { OutboundMessage } from '../outbound';
import { JSON_TOPIC_OPTIONS, checkTopicLevel, jsonTopic } from './topics';
import { JSON_SCHEMA_VERSION, type AvailabilityPayload, type EventPayload, type JsonTopicMap, type JsonTopicName, type MetricsPayload, type StatePayload } from './types';

export class JsonProfile {
  private constructor(
    readonly cluster: string,
    readonly node: string,
  ) {}

  static create(cluster: string, node: string): { ok: true; value: JsonProfile } | { ok: false; error: string } {
    const bad = checkTopicLevel(cluster) ?? checkTopicLevel(node);
    return bad ? { ok: false, error: bad } : { ok: true, value: new JsonProfile(cluster, node) };
  }

  message<K extends JsonTopicName>(name: K, payload: JsonTopicMap[K]): OutboundMessage {
    return { topic: jsonTopic(this.cluster, this.node, name), payload: Buffer.from(JSON.stringify(payload), 'utf8'), ...JSON_TOPIC_OPTIONS[name] };
  }

  /** The Will (registered at CONNECT) and its counterpart published after CONNACK. */
  availability(state: AvailabilityPayload['state']): OutboundMessage {
    return this.message('availability', { state });
  }

  state(s: DaemonStatus, tsMs: number): OutboundMessage {
    return this.message('state', buildState(s, tsMs));
  }

  event(seq: number, event: DaemonEvent): OutboundMessage {
    const p: EventPayload = { schema: JSON_SCHEMA_VERSION, cluster: this.cluster, node: this.node, seq, event };
    return this.message('events', p);
  }

  /** Null when nothing changed: an empty metrics message is noise. */
  metrics(changed: TelemetryMetric[], tsMs: number): OutboundMessage | null {
    if (changed.length === 0) return null;
    const p: MetricsPayload = { schema: JSON_SCHEMA_VERSION, cluster: this.cluster, node: this.node, tsMs, metrics: Object.fromEntries(changed.map((m) => [m.name, m.value])) };
    return this.message('metrics', p);
  }
}

export function buildState(s: DaemonStatus, tsMs: number): StatePayload {
  const c = s.core;
  return {
    schema: JSON_SCHEMA_VERSION,
    cluster: s.clusterId,
    node: c.nodeId,
    tsMs,
    role: c.role,
    mode: c.mode,
    epoch: c.epoch,
    incarnation: c.incarnation,
    health: c.health,
    resource: { name: s.resourceName, state: c.resource },
    peer: { id: c.peerId, ...c.peer },
    paths: c.paths.map((p) => ({ name: p.name, up: p.up, rttMs: p.rttMs, lastHeardAgeMs: p.lastHeardAgeMs, deadlineMs: p.deadlineMs })),
    fence: { ...c.fence },
    alarms: c.alarms.map((a) => ({ ...a })),
    counters: { paths: structuredClone(s.paths), rejects: { ...s.rejects } },
  };
}
