// What one node's core holds, and the plumbing every rule uses: building and
// pacing heartbeats, recording transitions, persisting, the status snapshot.
// The rules live in resourceRules.ts (owning and handing over the service)
// and core.ts (peer loss, fencing, formation, operator commands).

import { AlarmBook } from './alarms';
import { FenceMachine } from './fenceMachine';
import { PeerView } from './peer';
import { PathTracker, wireTimeMs } from './paths';
import {
  HB_FLAG,
  type CoreAction,
  type CoreConfig,
  type CoreStatus,
  type Heartbeat,
  type HealthKind,
  type HealthLevel,
  type Mode,
  type NoticeName,
  type PersistedState,
  type ResourceState,
  type Role,
  type Transition,
} from './types';

export type ResourceOp = { opId: number; op: 'start' | 'stop' | 'monitor'; purpose: StopPurpose | 'start' | 'monitor' };
/** Why a stop was issued decides what happens when it completes. */
export type StopPurpose = 'boot' | 'handoff' | 'leave' | 'two-active' | 'demote' | 'cleanup' | 'not-owner' | 'power' | 'self-fence';
export type ArbiterState = CoreStatus['arbiter']['state'];

const TRANSITIONS_KEPT = 20;
const HEALTH_ORDER: Record<HealthLevel, number> = { ok: 0, degraded: 1, critical: 2 };

export interface CoreInit {
  config: CoreConfig;
  persisted: PersistedState | undefined;
  incarnation: number;
  /** Seeds the fence delay's random part; the shell draws it at start, the simulator from its seed. */
  seed?: number;
}

export abstract class CoreState {
  protected readonly cfg: CoreConfig;
  protected readonly paths: PathTracker[];
  protected readonly peer = new PeerView();
  protected role: Role = 'waiting';
  protected mode: Mode = 'normal';
  protected epoch: number;
  protected readonly incarnation: number;
  protected resource: ResourceState = 'unknown';
  protected lastFence: PersistedState['lastFence'];
  protected readonly healthBySource = new Map<string, { level: HealthLevel; reason: string; kind: HealthKind | undefined }>();
  /** Set once this node decided to shut down on critical power (the reason); never cleared. */
  protected powerShutdown: string | null = null;
  /** The owner's service is stopped on critical power and it waits for a critical peer to go first, since then. */
  protected powerWaitSinceMs: number | null = null;
  protected arbiter: ArbiterState;
  protected arbiterReason: string | null = null;
  /** A confirmed fence that arrived before the arbitrator's yes (self-fencing): applied on the yes. */
  protected heldFenceConfirm: { device: string | undefined; reason: string } | null = null;
  private rngState: number;
  protected seq = 0;
  protected flagsSent = -1;
  protected out: CoreAction[] = [];
  protected readonly alarms = new AlarmBook((a) => this.out.push(a));
  protected readonly transitions: Transition[] = [];
  protected readonly minIntervalMs: number;
  protected readonly stallThresholdMs: number;
  protected bootMs = 0;
  protected lastEventMs: number | null = null;
  protected suspendLossUntilMs = 0;
  protected readonly fence: FenceMachine;
  protected nextOpId = 1;
  protected resourceOp: ResourceOp | null = null;
  protected nextMonitorMs = Infinity;
  protected restartAtMs = Infinity;
  /** This node stopped (or never had) the service and offers it to the peer. */
  protected handoff = false;
  /** The peer offered a handoff this node will not take; holds until the offer disappears. */
  protected refuse = false;
  protected switchoverRequestUntilMs = 0;
  /** Stop the resource, then hand over: set by switchover, standby mode, bad health. */
  protected handoffPending = false;
  protected forceStart = false;
  /** A stop failed: the resource state is unknown, so nothing is started or stopped until `online`. */
  protected stopFailed = false;
  protected leaveDeadlineMs = Infinity;
  protected startupAlarmed = false;
  /** First time the peer was heard saying it is fencing us while not hearing us. */
  protected peerFencingSinceMs: number | null = null;

  constructor(init: CoreInit) {
    this.cfg = init.config;
    this.paths = init.config.paths.map((p, i) => new PathTracker(p, i));
    this.minIntervalMs = Math.min(...this.paths.map((p) => p.intervalMs));
    // A gap in our own events longer than this means we stalled. It must stay below the
    // shortest detection time, or a stall could end in a loss judged on stale silence.
    this.stallThresholdMs = Math.min(2.5 * this.minIntervalMs, 0.75 * Math.min(...this.paths.map((p) => p.timeoutMs)));
    this.epoch = init.persisted?.epoch ?? 0;
    this.incarnation = init.incarnation;
    this.lastFence = init.persisted?.lastFence;
    this.fence = new FenceMachine(init.config, init.persisted?.lastFence?.fenceId ?? 0);
    this.arbiter = init.config.selfFence ? 'idle' : 'off';
    // Scramble the seed (murmur3's finaliser) so small seeds such as 1, 2, 3 do not start near zero.
    let x = (init.seed ?? 0x9e3779b9) >>> 0;
    x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
    x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
    this.rngState = (x ^ (x >>> 16)) >>> 0 || 1;
  }

  /** A deterministic draw in [0, 1): xorshift32 over the seed the shell gave us. */
  protected random(): number {
    let x = this.rngState;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    this.rngState = x;
    return x / 0x1_0000_0000;
  }

  /** Sources of kind `power` at critical, with their reasons; empty when the power is fine. */
  protected criticalPower(): string[] {
    const out: string[] = [];
    for (const [source, h] of this.healthBySource) if (h.kind === 'power' && h.level === 'critical') out.push(`${source}: ${h.reason}`);
    return out;
  }

  status(nowMs: number): CoreStatus {
    const hb = this.peer.hb;
    return {
      nodeId: this.cfg.nodeId,
      peerId: this.cfg.peerId,
      role: this.role,
      mode: this.mode,
      epoch: this.epoch,
      incarnation: this.incarnation,
      resource: this.resource,
      health: this.health(),
      peer: {
        state: this.peerState(nowMs),
        role: hb?.role ?? null,
        epoch: hb?.epoch ?? null,
        resource: hb?.resource ?? null,
        health: hb?.health ?? null,
        incarnation: hb?.incarnation ?? null,
      },
      paths: this.paths.map((p) => p.status(nowMs)),
      fence: { state: this.fence.kind, attempts: this.fence.attempts, lastResult: this.fence.lastResult },
      power: { critical: this.criticalPower().length > 0, peerCritical: ((hb?.flags ?? 0) & HB_FLAG.POWER_CRITICAL) !== 0, shutdown: this.powerShutdown },
      arbiter: { state: this.arbiter, reason: this.arbiterReason },
      alarms: this.alarms.list(),
      transitions: [...this.transitions],
    };
  }

  get currentRole(): Role {
    return this.role;
  }

  get currentEpoch(): number {
    return this.epoch;
  }

  protected health(): HealthLevel {
    let worst: HealthLevel = 'ok';
    for (const h of this.healthBySource.values()) if (HEALTH_ORDER[h.level] > HEALTH_ORDER[worst]) worst = h.level;
    return worst;
  }

  protected flags(now: number): number {
    let f = 0;
    if (this.handoff) f |= HB_FLAG.HANDOFF;
    if (this.refuse) f |= HB_FLAG.REFUSE;
    if (this.switchoverRequestUntilMs > now) f |= HB_FLAG.SWITCHOVER_REQUEST;
    if (this.mode === 'standby') f |= HB_FLAG.MODE_STANDBY;
    if (this.mode === 'maintenance') f |= HB_FLAG.MODE_MAINTENANCE;
    if (this.paths.some((p) => p.isUp(now))) f |= HB_FLAG.PEER_HEARD;
    if (this.criticalPower().length > 0) f |= HB_FLAG.POWER_CRITICAL;
    return f;
  }

  protected sendAllNow(now: number): void {
    for (const p of this.paths) p.nextSendMs = Math.min(p.nextSendMs, now);
  }

  protected sendDue(now: number): void {
    const flags = this.flags(now);
    // A change of what we tell the peer goes out at once on every path.
    if (flags !== this.flagsSent) this.sendAllNow(now);
    this.flagsSent = flags;
    for (const p of this.paths) {
      if (now < p.nextSendMs) continue;
      this.out.push({ type: 'send', path: p.name, hb: this.buildHeartbeat(now, p, flags) });
      p.nextSendMs = now + p.intervalMs;
    }
  }

  protected buildHeartbeat(now: number, p: PathTracker, flags: number): Heartbeat {
    return {
      clusterId: this.cfg.clusterId,
      nodeId: this.cfg.nodeId,
      incarnation: this.incarnation,
      seq: ++this.seq,
      pathId: p.index,
      role: this.role,
      epoch: this.epoch,
      resource: this.resource,
      health: this.health(),
      priority: this.cfg.priority,
      flags,
      txTimeMs: wireTimeMs(now),
      echoTxTimeMs: p.lastHeardMs === null ? 0 : p.lastPeerTxMs,
      echoHoldMs: p.lastHeardMs === null ? 0 : Math.min(65535, Math.max(0, Math.floor(now - p.lastHeardMs))),
      peerIncarnation: this.peer.incarnation ?? 0,
    };
  }

  protected setRole(now: number, to: Role, reason: string): void {
    if (to === this.role) return;
    const t: Transition = { from: this.role, to, epoch: this.epoch, reason, atMs: now };
    this.role = to;
    this.transitions.push(t);
    if (this.transitions.length > TRANSITIONS_KEPT) this.transitions.shift();
    this.out.push({ type: 'transition', transition: t });
    this.sendAllNow(now);
  }

  protected persist(): void {
    const state: PersistedState = { epoch: this.epoch, incarnation: this.incarnation };
    if (this.lastFence) state.lastFence = this.lastFence;
    this.out.push({ type: 'persist', state });
  }

  protected note(name: NoticeName, message: string): void {
    this.out.push({ type: 'notice', name, message });
  }

  protected peerState(now: number): CoreStatus['peer']['state'] {
    if (!this.peer.everSeen) return 'unseen';
    if (this.peer.fencedIncarnation !== null && this.peer.hb === null) return 'fenced';
    if (this.peer.lostAtMs !== null) return this.peer.leftCleanly ? 'left' : 'lost';
    return this.paths.some((p) => p.isUp(now)) ? 'up' : 'lost';
  }

  protected take(): CoreAction[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  protected onHealth(source: string, level: HealthLevel, reason: string, kind?: HealthKind): void {
    if (level === 'ok') this.healthBySource.delete(source);
    else this.healthBySource.set(source, { level, reason, kind });
    const id = `health:${source}`;
    if (level === 'ok') this.alarms.clear(id);
    else this.alarms.raise(id, level === 'critical' ? 'critical' : 'warning', `${source}: ${reason}`);
  }
}
