// The cluster core: a deterministic state machine. Events and time go in,
// actions come out. No sockets, timers, clocks or randomness in here, so the
// simulator can replay any run from its seed and the daemon is just I/O glue.
//
// Ownership of the service moves in exactly three ways (see README,
// "Architecture"): formation (both nodes up, nobody owns, the preferred node
// takes it), handoff (the owner stops the resource and hands it over), and
// fencing (the peer is lost and confirmed powered off). Nothing else may start
// the resource on a node that does not already own the service.

import { AlarmBook } from './alarms';
import { PeerView, isPreferred } from './peer';
import { PathTracker, describeSilence, wireTimeMs } from './paths';
import {
  HB_FLAG,
  type CoreAction,
  type CoreConfig,
  type CoreEvent,
  type CoreStatus,
  type Heartbeat,
  type HealthLevel,
  type Mode,
  type OperatorCommand,
  type PersistedState,
  type ResourceState,
  type Role,
  type StartCause,
  type Transition,
} from './types';

type FencePhase =
  | { kind: 'idle' }
  | { kind: 'delayed'; untilMs: number }
  | { kind: 'inflight'; fenceId: number; sinceMs: number }
  | { kind: 'backoff'; untilMs: number };

type ResourceOp = { opId: number; op: 'start' | 'stop' | 'monitor'; purpose: StopPurpose | 'start' | 'monitor' };
/** Why a stop was issued decides what happens when it completes. */
type StopPurpose = 'boot' | 'handoff' | 'leave' | 'two-active' | 'demote' | 'cleanup' | 'not-owner';

const TRANSITIONS_KEPT = 20;
const SWITCHOVER_REQUEST_MS = 5000;
/** After a failed state write, try the skipped start or fence again this much later. */
const PERSIST_RETRY_MS = 500;
/** Datagrams from a fenced peer life that count as in flight before it died, not as a lying fence. */
const LATE_AFTER_FENCE_MAX = 3;
const HEALTH_ORDER: Record<HealthLevel, number> = { ok: 0, degraded: 1, critical: 2 };

export interface CoreInit {
  config: CoreConfig;
  persisted: PersistedState | undefined;
  incarnation: number;
}

export class ClusterCore {
  protected readonly cfg: CoreConfig;
  protected readonly paths: PathTracker[];
  protected readonly peer = new PeerView();
  protected role: Role = 'waiting';
  protected mode: Mode = 'normal';
  protected epoch: number;
  protected readonly incarnation: number;
  protected resource: ResourceState = 'unknown';
  protected lastFence: PersistedState['lastFence'];
  private readonly healthBySource = new Map<string, { level: HealthLevel; reason: string }>();
  private seq = 0;
  private flagsSent = -1;
  private out: CoreAction[] = [];
  protected readonly alarms = new AlarmBook((a) => this.out.push(a));
  private readonly transitions: Transition[] = [];
  private readonly minIntervalMs: number;
  private readonly stallThresholdMs: number;
  private bootMs = 0;
  private lastEventMs: number | null = null;
  private suspendLossUntilMs = 0;
  protected fence: FencePhase = { kind: 'idle' };
  private fenceAttempts = 0;
  private fenceLastResult: string | null = null;
  private fenceRetryMs: number;
  private nextFenceId: number;
  private nextOpId = 1;
  private resourceOp: ResourceOp | null = null;
  private nextMonitorMs = Infinity;
  private restartAtMs = Infinity;
  /** This node stopped (or never had) the service and offers it to the peer. */
  private handoff = false;
  /** The peer offered a handoff this node will not take; holds until the offer disappears. */
  private refuse = false;
  private switchoverRequestUntilMs = 0;
  /** Stop the resource, then hand over: set by switchover, standby mode, bad health. */
  private handoffPending = false;
  private forceStart = false;
  /** A stop failed: the resource state is unknown, so nothing is started or stopped until `online`. */
  private stopFailed = false;
  private leaveDeadlineMs = Infinity;
  private startupAlarmed = false;
  /** First time the peer was heard saying it is fencing us while not hearing us. */
  private peerFencingSinceMs: number | null = null;

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
    this.nextFenceId = (init.persisted?.lastFence?.fenceId ?? 0) + 1;
    this.fenceRetryMs = init.config.fenceRetryMs;
  }

  // ------------------------------------------------------------ public API

  /** First call after construction: make sure the resource is not running here. */
  boot(nowMs: number): CoreAction[] {
    this.out = [];
    this.bootMs = nowMs;
    this.lastEventMs = nowMs;
    for (const p of this.paths) p.nextSendMs = nowMs;
    this.persist();
    this.stopResource('boot', 'start-up: make sure the resource is not running on a node that does not own the service');
    this.note('resource-stopped', `node ${this.cfg.nodeId} started (incarnation ${this.incarnation}, epoch ${this.epoch}); waiting for ${this.cfg.peerId}`);
    this.sendDue(nowMs);
    return this.take();
  }

  handle(ev: CoreEvent): CoreAction[] {
    this.out = [];
    const now = ev.nowMs;
    this.guardStall(now);
    switch (ev.type) {
      case 'tick':
        break;
      case 'heartbeat':
        this.onHeartbeat(now, ev.path, ev.hb);
        break;
      case 'fenceResult':
        this.onFenceResult(now, ev);
        break;
      case 'resourceResult':
        this.onResourceResult(now, ev);
        break;
      case 'health':
        this.onHealth(ev.source, ev.level, ev.reason);
        break;
      case 'command':
        this.onCommand(now, ev.cmdId, ev.command);
        break;
      case 'persistFailed':
        this.onPersistFailed(now, ev);
        break;
      case 'shutdown':
        this.onShutdown(now, ev.reason);
        break;
    }
    this.evaluate(now);
    this.sendDue(now);
    return this.take();
  }

  /** The next monotonic time at which the core needs a tick. */
  nextWakeMs(): number {
    let t = Infinity;
    const now = this.lastEventMs ?? 0;
    for (const p of this.paths) t = Math.min(t, p.nextSendMs, p.deadlineMs(now));
    // In maintenance nothing is started, stopped, monitored or fenced: only heartbeats.
    if (this.mode === 'maintenance' && this.role !== 'leaving') return t;
    if (this.fence.kind === 'delayed' || this.fence.kind === 'backoff') t = Math.min(t, this.fence.untilMs);
    if (this.fence.kind === 'inflight') t = Math.min(t, this.fence.sinceMs + this.fenceGiveUpMs());
    if (this.role === 'waiting' && !this.startupAlarmed) t = Math.min(t, this.bootMs + this.cfg.startupWaitMs);
    if (this.suspendLossUntilMs > now) t = Math.min(t, this.suspendLossUntilMs);
    // While a resource operation runs, its result (not time) moves things on.
    if (this.role === 'active' && !this.resourceOp && !this.stopFailed) {
      t = Math.min(t, this.nextMonitorMs);
      if (this.mode === 'normal') t = Math.min(t, this.restartAtMs);
    }
    if (this.role === 'leaving') t = Math.min(t, this.leaveDeadlineMs);
    if (this.switchoverRequestUntilMs > now) t = Math.min(t, this.switchoverRequestUntilMs);
    if (this.peerFencingSinceMs !== null && this.fence.kind === 'idle' && this.role === 'active' && this.peer.lostAtMs === null) {
      t = Math.min(t, Math.max(this.peerFencingSinceMs + this.preemptGraceMs(), this.suspendLossUntilMs));
    }
    return t;
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
      fence: { state: this.fence.kind, attempts: this.fenceAttempts, lastResult: this.fenceLastResult },
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

  // ------------------------------------------------------------ inputs

  /** A process that was paused (SIGSTOP, VM freeze, long GC) must not judge the peer on stale silence. */
  private guardStall(now: number): void {
    const last = this.lastEventMs ?? now;
    if (now - last > this.stallThresholdMs) this.suspendLossUntilMs = Math.max(this.suspendLossUntilMs, now + 2 * this.minIntervalMs);
    this.lastEventMs = Math.max(last, now);
  }

  private onHeartbeat(now: number, pathName: string, hb: Heartbeat): void {
    const path = this.paths.find((p) => p.name === pathName);
    if (!path || hb.nodeId !== this.cfg.peerId || hb.clusterId !== this.cfg.clusterId) return;
    const prev = this.peer.hb;
    if (prev && hb.incarnation < prev.incarnation) return; // an old life of the peer
    if (prev && hb.incarnation > prev.incarnation) {
      for (const p of this.paths) p.reset();
      this.note('peer-restarted', `${this.cfg.peerId} restarted (incarnation ${prev.incarnation} -> ${hb.incarnation})`);
    }
    if (this.peer.fencedIncarnation === hb.incarnation) {
      this.peer.heardAfterFence++;
      // A few late datagrams from before the power-off are expected; more mean it is alive.
      if (this.peer.heardAfterFence < LATE_AFTER_FENCE_MAX) return;
      if (this.peer.heardAfterFence === LATE_AFTER_FENCE_MAX) {
        this.alarms.raise(
          'fence-lied',
          'critical',
          `${this.cfg.peerId} (incarnation ${hb.incarnation}) is still sending heartbeats after its fence was confirmed: the fence device may be lying`,
        );
      }
    }
    path.heard(now, hb.txTimeMs, hb.echoTxTimeMs, hb.echoHoldMs);
    // Paths reorder: a heartbeat older than the newest one seen keeps its path
    // alive but must not roll back what we know of the peer's state.
    if (prev && hb.incarnation === prev.incarnation && hb.seq <= prev.seq) return;
    const wasLost = this.peer.lostAtMs !== null;
    this.peer.offConfirmed = false;
    this.peer.maxEpochSeen = Math.max(this.peer.maxEpochSeen, hb.epoch);
    this.peer.hb = hb;
    this.peer.lostAtMs = null;
    if (!this.peer.everSeen) {
      this.peer.everSeen = true;
      this.note('peer-seen', `saw ${this.cfg.peerId} on ${pathName} (role ${hb.role}, epoch ${hb.epoch})`);
    } else if (wasLost) {
      this.note('peer-seen', `${this.cfg.peerId} heard again on ${pathName}`);
    }
    if (this.peerFlagsChanged(prev, hb)) this.sendAllNow(now);
  }

  private peerFlagsChanged(prev: Heartbeat | null, hb: Heartbeat): boolean {
    return !prev || prev.role !== hb.role || prev.flags !== hb.flags || prev.resource !== hb.resource;
  }

  private onHealth(source: string, level: HealthLevel, reason: string): void {
    if (level === 'ok') this.healthBySource.delete(source);
    else this.healthBySource.set(source, { level, reason });
    const id = `health:${source}`;
    if (level === 'ok') this.alarms.clear(id);
    else this.alarms.raise(id, level === 'critical' ? 'critical' : 'warning', `${source}: ${reason}`);
  }

  protected health(): HealthLevel {
    let worst: HealthLevel = 'ok';
    for (const h of this.healthBySource.values()) if (HEALTH_ORDER[h.level] > HEALTH_ORDER[worst]) worst = h.level;
    return worst;
  }

  // ------------------------------------------------------------ evaluation

  private evaluate(now: number): void {
    this.evaluatePaths(now);
    if (this.role === 'leaving') return this.evaluateLeaving(now);
    if (this.mode === 'maintenance') return;
    if (this.peerLost(now)) this.onPeerLost(now);
    switch (this.role) {
      case 'waiting':
        return this.evaluateWaiting(now);
      case 'standby':
        return this.evaluateStandby(now);
      case 'fencing':
        return this.evaluateFencing(now);
      case 'active':
        return this.evaluateActive(now);
    }
  }

  private evaluatePaths(now: number): void {
    if (!this.peer.everSeen) return;
    const anyUp = this.paths.some((p) => p.isUp(now));
    for (const p of this.paths) {
      const up = p.isUp(now);
      if (up === p.reportedUp) continue;
      p.reportedUp = up;
      if (up) this.alarms.clear(`path-down:${p.name}`);
      else if (anyUp) {
        const others = this.paths.filter((q) => q.isUp(now)).map((q) => q.name).join(', ');
        this.alarms.raise('path-down:' + p.name, 'warning', `heartbeat path ${p.name} silent for ${p.silentMs(now) ?? 'ever'} ms (${this.cfg.peerId} still heard on ${others})`);
      }
    }
  }

  private peerLost(now: number): boolean {
    if (!this.peer.everSeen || this.peer.lostAtMs !== null) return false;
    if (now < this.suspendLossUntilMs) return false;
    return !this.paths.some((p) => p.isUp(now));
  }

  private onPeerLost(now: number): void {
    this.peer.lostAtMs = now;
    const silence = describeSilence(this.paths, now);
    for (const p of this.paths) {
      p.reportedUp = false;
      this.alarms.clear(`path-down:${p.name}`);
    }
    if (this.peer.leftCleanly) {
      this.note('peer-left', `${this.cfg.peerId} left the cluster cleanly (${silence})`);
      return;
    }
    if (this.peer.inMaintenance) {
      this.alarms.raise('peer-lost', 'critical', `${this.cfg.peerId} lost on all paths (${silence}) while in maintenance mode: not fencing it and not taking over`);
      return;
    }
    if (this.mode === 'standby' && this.role !== 'active') {
      this.alarms.raise('peer-lost', 'critical', `${this.cfg.peerId} lost on all paths (${silence}); this node is in standby mode, so it will not take over`);
      return;
    }
    const via = this.cfg.fenceDeviceNames.join(', ');
    if (this.role === 'active') {
      this.alarms.raise('peer-lost', 'critical', `${this.cfg.peerId} lost on all paths (${silence}); fencing it via ${via}`);
      this.startFencing(now, 0, `peer lost on all paths (${silence}); fencing ${this.cfg.peerId} via ${via} (we own the service, no delay)`);
    } else if (this.role === 'standby') {
      this.alarms.raise('peer-lost', 'critical', `${this.cfg.peerId} lost on all paths (${silence}); fencing it via ${via}`);
      this.setRole(now, 'fencing', `peer lost on all paths (${silence}); fencing ${this.cfg.peerId} via ${via} after ${this.cfg.fenceDelayMs} ms (fence delay: the owner fences first)`);
      this.startFencing(now, this.cfg.fenceDelayMs, null);
    }
  }

  private evaluateWaiting(now: number): void {
    if (this.peer.everSeen) {
      this.alarms.clear('waiting-for-peer');
      const hb = this.peer.hb as Heartbeat;
      this.setRole(now, 'standby', `saw ${this.cfg.peerId} (role ${hb.role}, epoch ${hb.epoch})`);
      return this.evaluateStandby(now);
    }
    const waited = now - this.bootMs;
    const waitOver = now >= this.bootMs + this.cfg.startupWaitMs; // same expression as the wake-up time
    if (this.forceStart) {
      this.setRole(now, 'fencing', `operator forced a start without ${this.cfg.peerId}; fencing it first via ${this.cfg.fenceDeviceNames.join(', ')}`);
      this.startFencing(now, 0, null);
      return;
    }
    if (!waitOver || this.startupAlarmed) return;
    this.startupAlarmed = true;
    if (this.cfg.waitForAll) {
      this.alarms.raise(
        'waiting-for-peer',
        'critical',
        `${this.cfg.peerId} not seen for ${Math.round(waited)} ms since start-up (wait_for_all): staying standby. If ${this.cfg.peerId} is really down, run \`edge-ha force-start\` (it fences ${this.cfg.peerId} first)`,
      );
    } else if (this.mode !== 'normal') {
      this.alarms.raise('waiting-for-peer', 'critical', `${this.cfg.peerId} not seen for ${Math.round(waited)} ms since start-up; this node is in ${this.mode} mode, so it will not fence or take over`);
    } else {
      this.setRole(now, 'fencing', `${this.cfg.peerId} not seen for ${Math.round(waited)} ms since start-up and wait_for_all is off; fencing it`);
      this.startFencing(now, this.cfg.fenceDelayMs, null);
    }
  }

  private evaluateStandby(now: number): void {
    // Just back from a stall, the queued heartbeats may come from a peer life that
    // has since ended (a handoff it no longer stands by): take nothing until fresh.
    // A fence started while this node still owned the service is driven to its result.
    if (this.fence.kind !== 'idle' && this.peer.lostAtMs !== null && !this.peer.offConfirmed) {
      this.setRole(now, 'fencing', `${this.cfg.peerId} is still lost; continuing to fence it`);
      return this.evaluateFencing(now);
    }
    if (this.fence.kind === 'inflight') this.driveFence(now);
    else if (this.fence.kind !== 'idle' && this.peer.lostAtMs === null) this.fence = { kind: 'idle' };
    if (now < this.suspendLossUntilMs) return;
    if (this.peer.lostAtMs !== null) {
      if (this.peer.leftCleanly && this.peer.handsOff && this.eligible()) this.takeOver(now, 'handoff', `${this.cfg.peerId} left and handed the service over`);
      return;
    }
    const p = this.peer;
    if (this.handoff) {
      if (p.hb?.role === 'active') this.handoff = false;
      else if (p.flag(HB_FLAG.REFUSE)) {
        this.handoff = false;
        return this.takeOver(now, 'formation', `${this.cfg.peerId} refused the handoff; keeping the service`);
      } else return;
    }
    if (this.refuse && !p.handsOff) this.refuse = false;
    if (p.handsOff) {
      if (this.eligible()) return this.takeOver(now, 'handoff', `${this.cfg.peerId} stopped the service and handed it over`);
      this.refuse = true;
      return;
    }
    if (this.switchoverRequestUntilMs <= now) this.switchoverRequestUntilMs = 0;
    this.evaluateFormation(now);
  }

  /** Both nodes up, nobody owns the service: the preferred node takes it (or passes it on if it cannot run it). */
  private evaluateFormation(now: number): void {
    const hb = this.peer.hb;
    if (!hb || this.resource !== 'stopped' || p_ownsOrBusy(hb)) return;
    if (!isPreferred(this.cfg.nodeId, this.cfg.priority, hb.nodeId, hb.priority)) return;
    if (this.eligible()) {
      this.takeOver(now, 'formation', `nobody owns the service and ${this.cfg.nodeId} is preferred (priority ${this.cfg.priority} vs ${hb.priority})`);
    } else if (this.peer.eligible) {
      this.handoff = true;
      this.sendAllNow(now);
    }
  }

  private evaluateFencing(now: number): void {
    if (this.fence.kind !== 'inflight' && this.peer.everSeen && this.peer.lostAtMs === null) {
      this.fence = { kind: 'idle' };
      this.fenceRetryMs = this.cfg.fenceRetryMs;
      this.alarms.clear('peer-lost');
      this.alarms.clear('fence-failed');
      this.setRole(now, 'standby', `${this.cfg.peerId} heard again; fence cancelled`);
      return this.evaluateStandby(now);
    }
    this.driveFence(now);
  }

  private evaluateActive(now: number): void {
    const p = this.peer;
    if (p.lostAtMs !== null) {
      if (!p.offConfirmed && !p.leftCleanly && !p.inMaintenance) this.driveFence(now);
    } else if (p.hb) {
      if (p.hb.role === 'active' && this.resolveTwoActives(now)) return;
      this.evaluatePreempt(now, p.hb);
      if (p.flag(HB_FLAG.SWITCHOVER_REQUEST) && p.eligible && !this.handoffPending) {
        this.beginHandoff(now, `${this.cfg.peerId} requested a switchover`);
      }
    }
    this.manageOwnedResource(now);
  }

  /**
   * The peer is heard but says it lost us and is fencing (an asymmetric partition):
   * the owner fences it first, after a short grace in case that heartbeat was stale.
   * A peer that hears us again is left alone, and a fence not yet fired is cancelled.
   */
  private evaluatePreempt(now: number, hb: Heartbeat): void {
    const threatens = hb.role === 'fencing' && (hb.flags & HB_FLAG.PEER_HEARD) === 0;
    if (!threatens) {
      this.peerFencingSinceMs = null;
      if (this.fence.kind === 'delayed' || this.fence.kind === 'backoff') {
        this.fence = { kind: 'idle' };
        this.alarms.clear('fence-failed');
        this.alarms.clear('peer-lost');
        this.note('peer-seen', `${this.cfg.peerId} heard again; fence cancelled`);
      }
      this.alarms.clear('peer-fencing-us');
      if (this.fence.kind === 'inflight') this.driveFence(now);
      return;
    }
    this.peerFencingSinceMs ??= now;
    // Just back from a stall, those heartbeats may be stale: the guard covers pre-emption too.
    const stale = now < this.suspendLossUntilMs;
    if (this.fence.kind === 'idle' && !stale && now >= this.peerFencingSinceMs + this.preemptGraceMs()) {
      this.alarms.raise('peer-fencing-us', 'critical', `${this.cfg.peerId} reports it lost us on every path and is fencing; fencing it first (we own the service)`);
      this.startFencing(now, 0, `${this.cfg.peerId} cannot hear us and is fencing us; fencing it first`);
    }
    if (this.fence.kind !== 'idle') this.driveFence(now);
  }

  private preemptGraceMs(): number {
    return Math.min(this.cfg.fenceDelayMs / 2, 2 * Math.max(...this.paths.map((p) => p.intervalMs)));
  }

  /** Two owners seen: the lower epoch (then the non-preferred node) stops at once. */
  private resolveTwoActives(now: number): boolean {
    const hb = this.peer.hb as Heartbeat;
    const iYield =
      this.epoch < hb.epoch ||
      (this.epoch === hb.epoch && !isPreferred(this.cfg.nodeId, this.cfg.priority, hb.nodeId, hb.priority));
    const msg = `two active nodes seen: ${this.cfg.nodeId} epoch ${this.epoch}, ${this.cfg.peerId} epoch ${hb.epoch}; ${iYield ? this.cfg.nodeId : this.cfg.peerId} stops`;
    this.alarms.raise('two-active', 'critical', msg);
    if (!iYield) return false;
    this.handoffPending = false;
    this.setRole(now, 'standby', msg);
    if (this.resource !== 'stopped') this.stopResource('two-active', msg);
    return true;
  }

  private manageOwnedResource(now: number): void {
    if (this.resourceOp) return;
    if (this.stopFailed) return; // nothing automatic until an operator has looked (`online`)
    const wantsOut = this.handoffPending || !this.eligible();
    if (wantsOut && this.peer.lostAtMs === null && this.peer.eligible && !this.handoffPending) {
      this.beginHandoff(now, this.notEligibleReason());
      return;
    }
    if (this.handoffPending) {
      if (this.resource === 'stopped') return this.completeHandoff(now);
      if (!this.peer.eligible || this.peer.lostAtMs !== null) {
        this.handoffPending = false; // peer can no longer take it: keep the service
        return;
      }
      return this.stopResource('handoff', `stopping ${this.cfg.nodeId}'s resource for the handoff to ${this.cfg.peerId}`);
    }
    if (this.mode === 'standby') {
      this.restartAtMs = Infinity;
      if (this.resource === 'running' || this.resource === 'failed') this.stopResource('demote', `standby mode and ${this.cfg.peerId} cannot take over: stopping the service`);
      this.alarms.raise('service-down', 'critical', `service stopped: ${this.cfg.nodeId} is in standby mode and ${this.peer.whyNotEligible(this.cfg.peerId)}`);
      return;
    }
    this.alarms.clear('service-down');
    if (this.resource === 'stopped' && now >= this.restartAtMs - 0.5) return this.startResource(now, 'recover', 'restarting the resource');
    if (this.resource === 'stopped' && this.restartAtMs === Infinity) {
      return this.startResource(now, 'recover', 'the owner runs the resource');
    }
    if (this.resource === 'running' && now >= this.nextMonitorMs) {
      this.nextMonitorMs = Infinity;
      this.resourceOp = { opId: this.nextOpId++, op: 'monitor', purpose: 'monitor' };
      this.out.push({ type: 'monitorResource', opId: this.resourceOp.opId });
    }
  }

  private beginHandoff(now: number, why: string): void {
    this.handoffPending = true;
    this.note('mode-changed', `handing the service to ${this.cfg.peerId}: ${why}`);
    this.manageOwnedResourceSoon(now);
  }

  private manageOwnedResourceSoon(now: number): void {
    if (!this.resourceOp && this.resource !== 'stopped') this.stopResource('handoff', `stopping for the handoff to ${this.cfg.peerId}`);
    else if (!this.resourceOp) this.completeHandoff(now);
  }

  private completeHandoff(now: number): void {
    this.handoffPending = false;
    this.handoff = true;
    this.setRole(now, 'standby', `resource stopped; handed the service to ${this.cfg.peerId}`);
  }

  // ------------------------------------------------------------ ownership

  /** Take the service: bump and persist the epoch, then start the resource (the shell runs them in that order). */
  protected takeOver(now: number, cause: StartCause, reason: string): void {
    this.epoch = Math.max(this.epoch, this.peer.maxEpochSeen) + 1;
    this.handoff = false;
    this.refuse = false;
    this.switchoverRequestUntilMs = 0;
    this.restartAtMs = Infinity;
    this.setRole(now, 'active', reason);
    if (this.eligible()) this.startResource(now, cause, reason);
    else this.persist();
  }

  private startResource(now: number, cause: StartCause, reason: string): void {
    if (this.role !== 'active' || this.mode === 'maintenance') return; // only the owner runs the resource
    this.persist();
    this.restartAtMs = Infinity;
    this.resource = 'starting';
    this.resourceOp = { opId: this.nextOpId++, op: 'start', purpose: 'start' };
    this.out.push({ type: 'startResource', opId: this.resourceOp.opId, epoch: this.epoch, cause, reason });
    this.sendAllNow(now);
  }

  private stopResource(purpose: StopPurpose, reason: string): void {
    if (this.resourceOp?.op === 'stop') return;
    this.nextMonitorMs = Infinity;
    this.resource = this.resource === 'unknown' ? 'unknown' : 'stopping';
    this.resourceOp = { opId: this.nextOpId++, op: 'stop', purpose };
    this.out.push({ type: 'stopResource', opId: this.resourceOp.opId, reason });
  }

  private onResourceResult(now: number, ev: Extract<CoreEvent, { type: 'resourceResult' }>): void {
    const op = this.resourceOp;
    if (!op || op.opId !== ev.opId) return; // a stale result
    this.resourceOp = null;
    if (this.mode === 'maintenance') {
      // Record what happened; act on nothing until the operator says `online` (which probes again).
      if (op.op === 'stop') this.resource = ev.ok ? 'stopped' : 'failed';
      else if (op.op === 'start') this.resource = ev.ok ? 'running' : 'failed';
      else this.resource = !ev.ok ? 'failed' : ev.running ? 'running' : 'stopped';
      return;
    }
    if (op.op === 'start') {
      this.alarms.clear('persist-failed'); // the start ran, so the write before it was durable
      if (ev.ok) {
        this.resource = 'running';
        this.alarms.clear('resource-failed');
        this.nextMonitorMs = this.cfg.monitorIntervalMs > 0 ? now + this.cfg.monitorIntervalMs : Infinity;
        this.note('resource-running', `resource running on ${this.cfg.nodeId} (epoch ${this.epoch})`);
      } else this.resourceFailed(now, `start failed: ${ev.reason}`);
    } else if (op.op === 'stop') {
      this.onStopped(now, op.purpose as StopPurpose, ev.ok, ev.reason);
    } else {
      if (ev.ok && ev.running && this.role === 'active') {
        this.nextMonitorMs = this.cfg.monitorIntervalMs > 0 ? now + this.cfg.monitorIntervalMs : Infinity;
      } else if (ev.ok && ev.running) {
        this.stopResource('not-owner', `resource found running on ${this.cfg.nodeId}, which does not own the service`);
      } else if (this.role === 'active') {
        this.resourceFailed(now, ev.ok ? 'monitor: resource not running' : `monitor failed: ${ev.reason}`);
      } else this.resource = ev.ok ? 'stopped' : 'failed';
    }
    this.sendAllNow(now);
  }

  private onStopped(now: number, purpose: StopPurpose, ok: boolean, reason: string): void {
    if (!ok) {
      this.resource = 'failed';
      this.stopFailed = true;
      this.handoffPending = false;
      this.alarms.raise('stop-failed', 'critical', `could not stop the resource (${reason}); its state is unknown, so ${this.cfg.nodeId} keeps it and ${this.cfg.peerId} will not take over. Fix it by hand, then run \`edge-ha online\``);
      return;
    }
    this.resource = 'stopped';
    this.alarms.clear('stop-failed');
    if (purpose !== 'boot') this.note('resource-stopped', `resource stopped on ${this.cfg.nodeId} (${purpose})`);
    if (this.role === 'leaving') this.leaveDeadlineMs = now + this.cfg.shutdownLingerMs;
    else if (this.handoffPending && this.role === 'active') {
      // The peer may have died or changed its mind while we were stopping: then keep the service.
      if (this.peer.lostAtMs === null && this.peer.eligible && !this.stopFailed) this.completeHandoff(now);
      else this.handoffPending = false;
    }
    else if (purpose === 'cleanup' && this.role === 'active') this.restartAtMs = now + this.cfg.restartDelayMs;
  }

  private resourceFailed(now: number, reason: string): void {
    this.resource = 'failed';
    this.nextMonitorMs = Infinity;
    this.alarms.raise('resource-failed', 'critical', `resource failed on ${this.cfg.nodeId}: ${reason}`);
    this.note('resource-failed', reason);
    // A healthy standby is a better place for the service than a local restart.
    if (this.role === 'active' && this.peer.lostAtMs === null && this.peer.eligible) {
      this.handoffPending = true;
      this.note('mode-changed', `handing the service to ${this.cfg.peerId}: ${reason}`);
    }
    this.stopResource('cleanup', `cleaning up after failure: ${reason}`);
    this.restartAtMs = Infinity;
    void now;
  }

  protected eligible(): boolean {
    return this.mode === 'normal' && this.health() !== 'critical' && this.resource !== 'failed' && this.resource !== 'unknown';
  }

  private notEligibleReason(): string {
    if (this.mode !== 'normal') return `${this.cfg.nodeId} is in ${this.mode} mode`;
    if (this.health() === 'critical') return `${this.cfg.nodeId} health is critical (${[...this.healthBySource.entries()].map(([s, h]) => `${s}: ${h.reason}`).join('; ')})`;
    if (this.resource === 'failed') return `the resource failed on ${this.cfg.nodeId}`;
    return 'operator request';
  }

  // ------------------------------------------------------------ fencing

  private startFencing(now: number, delayMs: number, reason: string | null): void {
    if (this.fence.kind !== 'idle') return;
    this.fenceAttempts = 0;
    this.fenceRetryMs = this.cfg.fenceRetryMs;
    this.fence = { kind: 'delayed', untilMs: now + delayMs };
    if (reason) this.note('fence-fired', reason);
    this.driveFence(now);
  }

  private driveFence(now: number): void {
    const f = this.fence;
    if (f.kind === 'idle') return this.startFencing(now, this.role === 'active' ? 0 : this.cfg.fenceDelayMs, null);
    if ((f.kind === 'delayed' || f.kind === 'backoff') && now >= f.untilMs) return this.fireFence(now);
    if (f.kind === 'inflight' && now >= f.sinceMs + this.fenceGiveUpMs()) {
      this.fenceFailed(now, `no result from the fence device after ${Math.round(now - f.sinceMs)} ms`);
    }
  }

  private fenceGiveUpMs(): number {
    return this.cfg.fenceTimeoutMs + 1000;
  }

  /** Persist the fence record first, then fire: after a crash we know a fence may have happened. */
  protected fireFence(now: number): void {
    const fenceId = this.nextFenceId++;
    this.fenceAttempts++;
    const reason = `fencing ${this.cfg.peerId} (attempt ${this.fenceAttempts}) via ${this.cfg.fenceDeviceNames.join(', ')}`;
    this.lastFence = {
      fenceId,
      target: this.cfg.peerId,
      targetIncarnation: this.peer.incarnation ?? 0,
      reason,
      requestedAtMs: now,
    };
    this.fence = { kind: 'inflight', fenceId, sinceMs: now };
    this.persist();
    this.out.push({ type: 'fence', fenceId, target: this.cfg.peerId, targetIncarnation: this.peer.incarnation ?? 0, reason });
  }

  private onFenceResult(now: number, ev: Extract<CoreEvent, { type: 'fenceResult' }>): void {
    const f = this.fence;
    if (f.kind !== 'inflight' || f.fenceId !== ev.fenceId) return;
    this.alarms.clear('persist-failed');
    this.recordFenceResult(now, ev.confirmedOff, ev.reason);
    if (!ev.confirmedOff) return this.fenceFailed(now, ev.reason);
    this.fence = { kind: 'idle' };
    this.fenceLastResult = `confirmed: ${ev.reason}`;
    this.peer.markFenced(now);
    this.peerFencingSinceMs = null;
    for (const p of this.paths) p.reset();
    this.alarms.clear('fence-failed');
    this.alarms.clear('peer-fencing-us');
    this.alarms.raise('peer-fenced', 'warning', `${this.cfg.peerId} was fenced (${ev.reason}); running without a standby`);
    this.note('fence-confirmed', `${this.cfg.peerId} confirmed powered off${ev.device ? ` by ${ev.device}` : ''}`);
    this.onFenceConfirmed(now);
  }

  /** The peer is confirmed off: a non-owner may now take the service. */
  protected onFenceConfirmed(now: number): void {
    this.alarms.clear('peer-lost');
    if (this.role === 'fencing' || this.role === 'standby') this.takeOver(now, 'fence', `${this.cfg.peerId} confirmed powered off; taking over`);
  }

  private recordFenceResult(now: number, ok: boolean, detail: string): void {
    if (!this.lastFence) return;
    this.lastFence = { ...this.lastFence, finishedAtMs: now, result: ok ? 'confirmed' : 'failed', detail };
    this.persist();
  }

  private fenceFailed(now: number, reason: string): void {
    this.fenceLastResult = `failed: ${reason}`;
    this.fence = { kind: 'backoff', untilMs: now + this.fenceRetryMs };
    this.alarms.raise('fence-failed', 'critical', `fencing ${this.cfg.peerId} failed (attempt ${this.fenceAttempts}): ${reason}; retrying in ${this.fenceRetryMs} ms. ${this.role === 'active' ? 'Keeping the service.' : 'Not taking over until the fence is confirmed.'}`);
    this.note('fence-failed', reason);
    this.fenceRetryMs = Math.min(this.fenceRetryMs * 2, this.cfg.fenceRetryMaxMs);
  }

  /** The shell skipped a start or a fence because the state write before it failed: retry both later. */
  private onPersistFailed(now: number, ev: Extract<CoreEvent, { type: 'persistFailed' }>): void {
    this.alarms.raise('persist-failed', 'critical', `could not write the state file (${ev.reason}); starts and fences wait until it works`);
    const op = this.resourceOp;
    if (op && op.op === 'start' && ev.skippedOpIds.includes(op.opId)) {
      this.resourceOp = null;
      this.resource = 'stopped';
      this.restartAtMs = now + PERSIST_RETRY_MS;
    }
    const f = this.fence;
    if (f.kind === 'inflight' && ev.skippedFenceIds.includes(f.fenceId)) {
      this.fence = { kind: 'backoff', untilMs: now + PERSIST_RETRY_MS };
      this.fenceLastResult = `not fired: ${ev.reason}`;
    }
  }

  // ------------------------------------------------------------ operator and shutdown

  private onCommand(now: number, cmdId: number, cmd: OperatorCommand): void {
    const reply = (ok: boolean, message: string): void => {
      this.out.push({ type: "commandResult", cmdId, ok, message });
    };
    switch (cmd.kind) {
      case 'standby':
      case 'maintenance':
        if (this.role === 'leaving') return reply(false, 'shutting down');
        this.setMode(cmd.kind);
        return reply(true, cmd.kind === 'standby' ? `${this.cfg.nodeId} is in standby mode: it will not own the service` : `${this.cfg.nodeId} is in maintenance mode: nothing is started, stopped or fenced`);
      case 'online': {
        const wasMaint = this.mode === 'maintenance';
        this.setMode('normal');
        this.alarms.clear('stop-failed');
        this.stopFailed = false;
        // A loss handled while in standby mode did nothing: judge it again now.
        if (this.peer.lostAtMs !== null && !this.peer.offConfirmed && !this.peer.leftCleanly) this.peer.lostAtMs = null;
        if (this.resource === 'failed' || wasMaint) this.probeResource();
        return reply(true, `${this.cfg.nodeId} is online`);
      }
      case 'switchover':
        return this.commandSwitchover(now, reply);
      case 'force-start':
        if (this.role !== 'waiting') return reply(false, `force-start is only for a node waiting for its peer at start-up (this node is ${this.role})`);
        if (this.mode !== 'normal') return reply(false, `${this.cfg.nodeId} is in ${this.mode} mode; run \`edge-ha online\` first`);
        this.forceStart = true;
        return reply(true, `fencing ${this.cfg.peerId}, then starting the service`);
    }
  }

  private commandSwitchover(now: number, reply: (ok: boolean, message: string) => void): void {
    if (this.mode !== 'normal') return reply(false, `${this.cfg.nodeId} is in ${this.mode} mode`);
    if (this.peer.lostAtMs !== null || !this.peer.everSeen) return reply(false, `${this.cfg.peerId} is not reachable`);
    if (this.role === 'active') {
      if (!this.peer.eligible) return reply(false, this.peer.whyNotEligible(this.cfg.peerId));
      this.beginHandoff(now, 'operator switchover');
      return reply(true, `switching over to ${this.cfg.peerId}`);
    }
    if (this.role === 'standby' && this.peer.hb?.role === 'active') {
      if (!this.eligible()) return reply(false, this.notEligibleReason());
      this.switchoverRequestUntilMs = now + SWITCHOVER_REQUEST_MS;
      this.sendAllNow(now);
      return reply(true, `asked ${this.cfg.peerId} to hand the service over`);
    }
    return reply(false, `no switchover possible: ${this.cfg.nodeId} is ${this.role}, ${this.cfg.peerId} is ${this.peer.hb?.role ?? 'unknown'}`);
  }

  private setMode(mode: Mode): void {
    if (this.mode === mode) return;
    this.note('mode-changed', `${this.cfg.nodeId} mode ${this.mode} -> ${mode}`);
    this.mode = mode;
    this.flagsSent = -1;
  }

  private probeResource(): void {
    if (this.resourceOp) return;
    this.nextMonitorMs = Infinity;
    this.resourceOp = { opId: this.nextOpId++, op: 'monitor', purpose: 'monitor' };
    this.out.push({ type: 'monitorResource', opId: this.resourceOp.opId });
  }

  private onShutdown(now: number, reason: string): void {
    if (this.role === 'leaving') return;
    const owned = this.role === 'active';
    this.handoffPending = false;
    this.fence = { kind: 'idle' };
    this.setRole(now, 'leaving', `shutting down (${reason})${owned ? `; stopping the resource and handing over to ${this.cfg.peerId}` : ''}`);
    if (this.resource !== 'stopped') this.stopResource('leave', `shutting down (${reason})`);
    else this.leaveDeadlineMs = now + this.cfg.shutdownLingerMs;
    this.handoff = owned;
  }

  private evaluateLeaving(now: number): void {
    if (this.resource !== 'stopped' && this.resource !== 'failed') return;
    this.handoff = true;
    const peerTookOver = this.peer.hb?.role === 'active' || this.peer.flag(HB_FLAG.REFUSE) || this.peer.lostAtMs !== null || !this.peer.everSeen;
    if (peerTookOver || now >= this.leaveDeadlineMs) {
      this.leaveDeadlineMs = Infinity;
      this.out.push({ type: 'exit', reason: 'resource stopped and peer told' });
    }
  }

  // ------------------------------------------------------------ heartbeats out

  private flags(now: number): number {
    let f = 0;
    if (this.handoff) f |= HB_FLAG.HANDOFF;
    if (this.refuse) f |= HB_FLAG.REFUSE;
    if (this.switchoverRequestUntilMs > now) f |= HB_FLAG.SWITCHOVER_REQUEST;
    if (this.mode === 'standby') f |= HB_FLAG.MODE_STANDBY;
    if (this.mode === 'maintenance') f |= HB_FLAG.MODE_MAINTENANCE;
    if (this.paths.some((p) => p.isUp(now))) f |= HB_FLAG.PEER_HEARD;
    return f;
  }

  private sendAllNow(now: number): void {
    for (const p of this.paths) p.nextSendMs = Math.min(p.nextSendMs, now);
  }

  private sendDue(now: number): void {
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

  private buildHeartbeat(now: number, p: PathTracker, flags: number): Heartbeat {
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
    };
  }

  // ------------------------------------------------------------ helpers

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

  private note(name: Extract<CoreAction, { type: 'notice' }>['name'], message: string): void {
    this.out.push({ type: 'notice', name, message });
  }

  private peerState(now: number): CoreStatus['peer']['state'] {
    if (!this.peer.everSeen) return 'unseen';
    if (this.peer.fencedIncarnation !== null && this.peer.hb === null) return 'fenced';
    if (this.peer.lostAtMs !== null) return this.peer.leftCleanly ? 'left' : 'lost';
    return this.paths.some((p) => p.isUp(now)) ? 'up' : 'lost';
  }

  private take(): CoreAction[] {
    const out = this.out;
    this.out = [];
    return out;
  }
}

function p_ownsOrBusy(hb: Heartbeat): boolean {
  // The peer owns, is fencing us, is leaving, or has not yet made sure its resource is stopped.
  return hb.role === 'active' || hb.role === 'fencing' || hb.role === 'leaving' || hb.resource !== 'stopped' || (hb.flags & HB_FLAG.HANDOFF) !== 0;
}
