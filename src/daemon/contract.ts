// The daemon's outside contract: what `edge-ha status` and other clients get
// over the control socket, and which log events it writes. Tools (the CLI, the
// `edge-ha pair` supervisor, benchmarks) depend on this file, not on internals.

import type { Alarm, CoreStatus, Transition } from '../core/types';
import type { TelemetryStatus } from '../telemetry/publisher';
import type { HardwareStatus } from './hardware/runtime';
import type { WatchdogRuntimeStatus } from './hardware/watchdog';
import type { FenceDeviceMonitorStatus } from '../shell/fence/deviceMonitor';

/** Commands accepted on the control socket (`{"id":1,"cmd":"status","args":{}}`). */
export type ControlCommand =
  | 'status'
  | 'standby'
  | 'online'
  | 'maintenance'
  | 'switchover'
  | 'force-start'
  /** Fence the peer by hand through the daemon's topology (operator, confirmed); never makes the core take over. */
  | 'fence'
  /** An operator confirms the peer is powered off (`edge-ha fence confirm`): counts as a confirmed fence. */
  | 'fence-confirm'
  /** The fence history (requested/finished records), newest last. */
  | 'fence-history'
  /** Only when `testing.faultInjection: true`: drop heartbeats on a path (see InjectArgs). */
  | 'inject'
  /** Stream: the server pushes `{"event": DaemonEvent}` lines. */
  | 'watch';

export interface InjectArgs {
  /**
   * What this node does with heartbeats ARRIVING on the path: `cut` drops all, `loss` drops this
   * fraction at random, `heal` stops dropping. Inject on both nodes for a symmetric fault, on one
   * node for an asymmetric one.
   */
  action: 'cut' | 'loss' | 'heal';
  /** A path name, or `all`. */
  path: string;
  /** For `loss`: 0..1. */
  loss?: number;
}

export interface PathCounters {
  sent: number;
  received: number;
  /** Arriving heartbeats dropped by fault injection (tests and demos only). */
  injectedDrops: number;
}

export interface DaemonStatus {
  core: CoreStatus;
  pid: number;
  uptimeMs: number;
  clusterId: string;
  resourceName: string;
  /** Heartbeat datagrams rejected, by reason (bad-mac, replay, wrong-cluster, ...). */
  rejects: Record<string, number>;
  paths: Record<string, PathCounters>;
  faultInjection: boolean;
  /** Null when telemetry is off; `{error}` when it is on but could not start. */
  telemetry: TelemetryStatus | { error: string } | null;
  /** UPS, RAID, carrier and node-health readings as the core last heard them; null before start-up finished. */
  hardware?: HardwareStatus | null;
  /** The watchdogs petted and the gate's state; null when none is configured. */
  watchdog?: WatchdogRuntimeStatus | null;
  /** The scheduled checks of each fence device; null when fencing.monitorIntervalMs is 0. */
  fenceDevices?: FenceDeviceMonitorStatus[] | null;
}

export interface CommandReply {
  ok: boolean;
  message: string;
}

/** What the daemon logs (one JSON line each, `event` field) and pushes to watchers. */
export type DaemonEvent =
  | { type: 'transition'; node: string; tsMs: number; transition: Transition }
  | { type: 'alarm'; node: string; tsMs: number; alarm: Alarm; raised: boolean }
  | { type: 'notice'; node: string; tsMs: number; name: string; message: string }
  | { type: 'resource'; node: string; tsMs: number; op: 'start' | 'stop' | 'monitor'; ok: boolean; running: boolean; reason: string; durationMs: number }
  | { type: 'fence'; node: string; tsMs: number; target: string; confirmedOff: boolean; reason: string; durationMs: number };

/** Log event names (the `event` field of a JSON log line). */
export const LOG_EVENTS = {
  started: 'daemon-started',
  stopping: 'daemon-stopping',
  transition: 'transition',
  alarm: 'alarm',
  notice: 'notice',
  resource: 'resource',
  fence: 'fence',
  reject: 'heartbeat-rejected',
  command: 'command',
} as const;
