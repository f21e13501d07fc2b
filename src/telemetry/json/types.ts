// The JSON profile's contract: one payload type per topic, in one map, so a
// consumer (or a test) can type `edge-ha/<cluster>/<node>/<topic>` exactly.
// Every payload carries `schema` so a consumer can refuse a layout it does not know.

import type { DaemonEvent, PathCounters } from '../../daemon/contract';
import type { Alarm, CoreStatus, HealthLevel, Mode, PathStatus, ResourceState, Role } from '../../core/types';
import type { TelemetryValue } from '../model';
import type { CommandResultPayload, RemoteCommand } from '../commands';

export const JSON_SCHEMA_VERSION = 1;

/** `edge-ha/<cluster>/<node>/state`, retained: the node as a whole, replaced on every change. */
export interface StatePayload {
  schema: typeof JSON_SCHEMA_VERSION;
  cluster: string;
  node: string;
  /** Wall clock, ms since the epoch. */
  tsMs: number;
  role: Role;
  mode: Mode;
  epoch: number;
  incarnation: number;
  health: HealthLevel;
  resource: { name: string; state: ResourceState };
  // The same shapes as the daemon's status, so the two cannot drift apart.
  peer: CoreStatus['peer'] & { id: string };
  paths: PathStatus[];
  fence: CoreStatus['fence'];
  alarms: Alarm[];
  counters: {
    paths: Record<string, PathCounters>;
    rejects: Record<string, number>;
  };
}

/** `edge-ha/<cluster>/<node>/events`: one daemon event per message, QoS 1, from the durable queue. */
export interface EventPayload {
  schema: typeof JSON_SCHEMA_VERSION;
  cluster: string;
  node: string;
  /** The queue record id: increases by one per event and survives restarts, so a gap means a loss. */
  seq: number;
  event: DaemonEvent;
}

/** `edge-ha/<cluster>/<node>/metrics`: the model metrics that changed, by name. */
export interface MetricsPayload {
  schema: typeof JSON_SCHEMA_VERSION;
  cluster: string;
  node: string;
  tsMs: number;
  metrics: Record<string, TelemetryValue>;
}

/** `edge-ha/<cluster>/<node>/availability`, retained; `offline` is the MQTT Will. */
export interface AvailabilityPayload {
  state: 'online' | 'offline';
}

/** `edge-ha/<cluster>/<node>/hw/<device>`, retained: the latest reading of one hardware device. */
export interface HwPayload {
  schema: typeof JSON_SCHEMA_VERSION;
  cluster: string;
  node: string;
  device: string;
  /** Queue record id of this reading (readings may be coalesced while offline, so gaps are normal here). */
  seq: number;
  tsMs: number;
  reading: unknown;
}

export interface JsonTopicMap {
  state: StatePayload;
  events: EventPayload;
  metrics: MetricsPayload;
  availability: AvailabilityPayload;
  /** Subscribed by the node when telemetry.commands.enabled. */
  command: RemoteCommand;
  'command-result': CommandResultPayload;
}
export type JsonTopicName = keyof JsonTopicMap;
export const JSON_TOPIC_NAMES: readonly JsonTopicName[] = ['state', 'events', 'metrics', 'availability', 'command', 'command-result'];
