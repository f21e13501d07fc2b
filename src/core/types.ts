// The pure core's vocabulary: what goes in (events), what comes out (actions),
// and what one node tells its peer in a heartbeat. Nothing in src/core may
// import node:*, read a clock, start a timer or draw a random number: time
// arrives in every event as `nowMs` (monotonic milliseconds).

/** What a node is doing in the cluster. Only `active` owns the service. */
export type Role =
  | 'waiting' // booted, has not yet seen the peer (wait_for_all)
  | 'standby' // sees the peer, does not own the service
  | 'fencing' // lost the peer, does not own the service, is fencing it
  | 'active' // owns the service (holds the "token"); the resource runs here
  | 'leaving'; // shutting down on purpose; the resource is stopped

export const ROLES: readonly Role[] = ['waiting', 'standby', 'fencing', 'active', 'leaving'];

/** State of the managed resource on one node. */
export type ResourceState = 'stopped' | 'starting' | 'running' | 'stopping' | 'failed' | 'unknown';
export const RESOURCE_STATES: readonly ResourceState[] = [
  'stopped',
  'starting',
  'running',
  'stopping',
  'failed',
  'unknown',
];

export type HealthLevel = 'ok' | 'degraded' | 'critical';
export const HEALTH_LEVELS: readonly HealthLevel[] = ['ok', 'degraded', 'critical'];

/** Operator-set mode of a node. */
export type Mode = 'normal' | 'standby' | 'maintenance';

/** Bits of Heartbeat.flags. */
export const HB_FLAG = {
  /** Sender owned the service, stopped it, and hands it to the receiver. */
  HANDOFF: 1 << 0,
  /** Sender saw a handoff it will not take (it is not eligible). */
  REFUSE: 1 << 1,
  /** Sender (a standby) asks the active to hand the service over. */
  SWITCHOVER_REQUEST: 1 << 2,
  /** Operator put the sender in standby mode: it will not own the service. */
  MODE_STANDBY: 1 << 3,
  /** Operator put the sender in maintenance: it starts, stops and fences nothing. */
  MODE_MAINTENANCE: 1 << 4,
  /** Sender currently hears the receiver on at least one path. */
  PEER_HEARD: 1 << 5,
  /** Sender's own power is critical (its UPS is about to die) and it will shut down. */
  POWER_CRITICAL: 1 << 6,
} as const;
export const HB_FLAGS_KNOWN = 0x7f;

/** What a health source watches; `power` sources drive the upsmon-like shutdown rule. */
export type HealthKind = 'power' | 'storage' | 'network' | 'node';

/** The content of one heartbeat datagram, after authentication. */
export interface Heartbeat {
  clusterId: string;
  nodeId: string;
  /** Changes on every start of the daemon; never goes down (see docs). */
  incarnation: number;
  /** Per-sender counter shared by all paths; replay is judged per path. */
  seq: number;
  /** Index of the path in the sender's config; authenticated, so a datagram cannot be replayed on another path. */
  pathId: number;
  role: Role;
  epoch: number;
  resource: ResourceState;
  health: HealthLevel;
  /** Sender's configured priority (0..65535); decides who forms the cluster. */
  priority: number;
  flags: number;
  /** Sender's monotonic clock (ms, mod 2^32) when it built this heartbeat. */
  txTimeMs: number;
  /** Last txTimeMs the sender heard from the receiver on this path (0 if none)... */
  echoTxTimeMs: number;
  /** ...and how long the sender held it before sending this (ms, 0..65535). Lets the receiver measure round-trip time. */
  echoHoldMs: number;
  /**
   * The receiver's incarnation as the sender last heard it (0: not heard). A node acts on a
   * handoff or forms the cluster only from heartbeats addressed to its current life, so a
   * recording of an older conversation replayed after a restart cannot hand it the service.
   */
  peerIncarnation: number;
}

// ---------------------------------------------------------------- config

export interface PathConfig {
  name: string;
  intervalMs: number;
  missMultiplier: number;
}

export interface CoreConfig {
  clusterId: string;
  nodeId: string;
  peerId: string;
  priority: number;
  paths: PathConfig[];
  /** Names of the fence devices, for readable reasons only; the shell picks devices. */
  fenceDeviceNames: string[];
  /** wait_for_all: a node that boots alone never starts the service until it has seen the peer (or an operator forces it). */
  waitForAll: boolean;
  /** After this long without the peer at start-up: alarm (waitForAll) or fence and start (!waitForAll). */
  startupWaitMs: number;
  /** A node that does not own the service waits this long before fencing, so the owner wins a fence race. */
  fenceDelayMs: number;
  /**
   * A non-owner adds a random 0..fenceDelayRandomMs (drawn from CoreInit.seed, so a run replays), so two
   * non-owners that lose each other at once do not fire together. When neither node owned the service,
   * the node that is not preferred (priority) also waits fenceDelayMs once more.
   */
  fenceDelayRandomMs: number;
  /** A fence with no result after this long counts as failed (the shell times out too). */
  fenceTimeoutMs: number;
  /** Retry a failed fence after this long, doubling up to fenceRetryMaxMs. */
  fenceRetryMs: number;
  fenceRetryMaxMs: number;
  /** Active node: check the resource this often. 0 disables monitoring. */
  monitorIntervalMs: number;
  /** Retry a failed resource start after this long. */
  restartDelayMs: number;
  /** On shutdown, wait at most this long for the peer to take the service. */
  shutdownLingerMs: number;
  /**
   * Critical power (a `power` health source at critical) shuts this node down like upsmon: the service is
   * handed to a peer whose power is fine, or stopped cleanly; a non-owner shuts down at once, the owner last.
   */
  powerCriticalShutdown: boolean;
  /** The owner, its service stopped, waits at most this long for a peer on critical power to shut down first (upsmon HOSTSYNC). */
  powerShutdownWaitMs: number;
  /**
   * Watchdog self-fencing (no power switch): a node that loses its peer asks the arbitrator whether it may
   * survive; refused or unreachable, it stops petting its watchdog and is reset. A confirmed fence counts
   * only once the arbitrator said yes.
   */
  selfFence: boolean;
}

// ---------------------------------------------------------------- persistence

/** What the core needs to survive a restart. The shell writes it durably. */
export interface PersistedState {
  epoch: number;
  /** Incarnation of the run that wrote this record. */
  incarnation: number;
  /** The fence in progress or last finished (written before the fence fires, then after). */
  lastFence?: FenceRecord;
}

export interface FenceRecord {
  fenceId: number;
  target: string;
  targetIncarnation: number;
  reason: string;
  requestedAtMs: number;
  finishedAtMs?: number;
  result?: 'confirmed' | 'failed';
  detail?: string;
}

// ---------------------------------------------------------------- events in

export type OperatorCommand =
  | { kind: 'standby' }
  | { kind: 'online' }
  | { kind: 'maintenance' }
  | { kind: 'switchover' }
  /** Start without having seen the peer: the peer is fenced first. */
  | { kind: 'force-start' }
  /** An operator confirms the peer is powered off (Heartbeat's meatware): counts as a confirmed fence. */
  | { kind: 'confirm-fenced'; target: string };

export type CoreEvent =
  | { type: 'tick'; nowMs: number }
  | { type: 'heartbeat'; nowMs: number; path: string; hb: Heartbeat }
  | {
      type: 'fenceResult';
      nowMs: number;
      fenceId: number;
      /** true only when the device confirmed the target is powered off. */
      confirmedOff: boolean;
      device?: string;
      reason: string;
    }
  | {
      type: 'resourceResult';
      nowMs: number;
      opId: number;
      op: 'start' | 'stop' | 'monitor';
      ok: boolean;
      /** For monitor: whether the resource is running. */
      running: boolean;
      reason: string;
    }
  | { type: 'health'; nowMs: number; source: string; level: HealthLevel; reason: string; kind?: HealthKind }
  /** The arbitrator's answer to `askArbiter` (self-fencing): may this node survive the loss of its peer? */
  | { type: 'arbiter'; nowMs: number; mayProceed: boolean; reason: string }
  | { type: 'command'; nowMs: number; cmdId: number; command: OperatorCommand }
  | {
      type: 'persistFailed';
      nowMs: number;
      reason: string;
      /** The startResource and fence actions the shell skipped because the persist before them failed. */
      skippedOpIds: number[];
      skippedFenceIds: number[];
    }
  | { type: 'shutdown'; nowMs: number; reason: string };

// ---------------------------------------------------------------- actions out

export type AlarmSeverity = 'warning' | 'critical';

export interface Alarm {
  /** Stable id, e.g. `path-down:crossover`, `fence-failed`. */
  id: string;
  severity: AlarmSeverity;
  message: string;
}

export interface Transition {
  from: Role;
  to: Role;
  epoch: number;
  reason: string;
  atMs: number;
}

/**
 * Actions are executed by the shell in the order given. A `persist` must be
 * durable before any later action of the same batch runs. If it fails, the
 * shell skips the later `startResource` and `fence` actions of that batch (they
 * must never act on state that is not on disk), runs the rest (sends, stops,
 * alarms are safe), and feeds back `persistFailed` naming what it skipped.
 */
export type CoreAction =
  | { type: 'send'; path: string; hb: Heartbeat }
  | { type: 'persist'; state: PersistedState }
  | { type: 'fence'; fenceId: number; target: string; targetIncarnation: number; reason: string }
  | { type: 'startResource'; opId: number; epoch: number; cause: StartCause; reason: string }
  | { type: 'stopResource'; opId: number; reason: string }
  | { type: 'monitorResource'; opId: number }
  | { type: 'alarm'; alarm: Alarm; raised: boolean }
  | { type: 'transition'; transition: Transition }
  | { type: 'commandResult'; cmdId: number; ok: boolean; message: string }
  /** Something a person should see that is not a role change (resource running, fence confirmed, peer joined). */
  | { type: 'notice'; name: NoticeName; message: string }
  /** Self-fencing: ask the arbitrator whether this node may survive (answered by an `arbiter` event). */
  | { type: 'askArbiter'; reason: string }
  /** The peer is heard again: give back what the arbitrator granted (a witness lease). */
  | { type: 'releaseArbiter' }
  /** Stop petting the hardware watchdog so it resets this node; stop the resource meanwhile. */
  | { type: 'selfFence'; reason: string }
  /** Leave the process; with `powerOff` the shell runs the configured shutdown command first (critical power). */
  | { type: 'exit'; reason: string; powerOff?: boolean };

/** Why a node starts the resource: the three ways to own the service, plus local recovery. */
export type StartCause =
  | 'formation' // both nodes up, nobody owned the service, this node is preferred
  | 'handoff' // the peer stopped the service and handed it over
  | 'fence' // the peer was lost and is confirmed powered off
  | 'recover'; // this node already owns the service and restarts it locally

export type NoticeName =
  | 'peer-seen'
  | 'peer-restarted'
  | 'peer-left'
  | 'resource-running'
  | 'resource-stopped'
  | 'resource-failed'
  | 'fence-fired'
  | 'fence-confirmed'
  | 'fence-failed'
  | 'mode-changed'
  | 'power-shutdown'
  | 'self-fence';

// ---------------------------------------------------------------- status

export interface PathStatus {
  name: string;
  up: boolean;
  /** ms since the last authenticated heartbeat on this path; null if never heard. */
  lastHeardAgeMs: number | null;
  rttMs: number | null;
  deadlineMs: number;
}

export interface CoreStatus {
  nodeId: string;
  peerId: string;
  role: Role;
  mode: Mode;
  epoch: number;
  incarnation: number;
  resource: ResourceState;
  health: HealthLevel;
  peer: {
    state: 'unseen' | 'up' | 'lost' | 'fenced' | 'left';
    role: Role | null;
    epoch: number | null;
    resource: ResourceState | null;
    health: HealthLevel | null;
    incarnation: number | null;
  };
  paths: PathStatus[];
  fence: { state: string; attempts: number; lastResult: string | null };
  /** Critical power: this node's, the peer's (from its heartbeat), and the shutdown under way if any. */
  power: { critical: boolean; peerCritical: boolean; shutdown: string | null };
  /** Self-fencing: `off` when not configured; `denied` means this node is resetting itself. */
  arbiter: { state: 'off' | 'idle' | 'asking' | 'granted' | 'denied'; reason: string | null };
  alarms: Alarm[];
  transitions: Transition[];
}
