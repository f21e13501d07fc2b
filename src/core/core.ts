// The cluster core: a deterministic state machine. Events and time go in,
// actions come out. No sockets, timers, clocks or randomness in here, so the
// simulator can replay any run from its seed and the daemon is just I/O glue.
//
// Ownership of the service moves in exactly three ways (see README,
// "Architecture"): formation (both nodes up, nobody owns, the preferred node
// takes it), handoff (the owner stops the resource and hands it over), and
// fencing (the peer is lost and confirmed powered off). Nothing else may start
// the resource on a node that does not already own the service.

import { isPreferred } from './peer';
import { describeSilence } from './paths';
import { PowerAndArbiterRules } from './powerAndArbiter';
import {
  HB_FLAG,
  type CoreAction,
  type CoreEvent,
  type Heartbeat,
  type Mode,
  type OperatorCommand,
} from './types';

const SWITCHOVER_REQUEST_MS = 5000;
/** After a failed state write, try the skipped start or fence again this much later. */
const PERSIST_RETRY_MS = 500;
/** Datagrams from a fenced peer life that count as in flight before it died, not as a lying fence. */
const LATE_AFTER_FENCE_MAX = 3;
export type { CoreInit } from './coreState';

export class ClusterCore extends PowerAndArbiterRules {

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
        this.onHealth(ev.source, ev.level, ev.reason, ev.kind);
        break;
      case 'arbiter':
        this.onArbiter(now, ev);
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
    t = Math.min(t, this.fence.wakeMs());
    if (this.role === 'waiting' && !this.startupAlarmed) t = Math.min(t, this.bootMs + this.cfg.startupWaitMs);
    if (this.suspendLossUntilMs > now) t = Math.min(t, this.suspendLossUntilMs);
    // While a resource operation runs, its result (not time) moves things on.
    if (this.role === 'active' && !this.resourceOp && !this.stopFailed) {
      t = Math.min(t, this.nextMonitorMs);
      if (this.mode === 'normal') t = Math.min(t, this.restartAtMs);
    }
    if (this.role === 'leaving') t = Math.min(t, this.leaveDeadlineMs);
    t = Math.min(t, this.powerWakeMs());
    if (this.switchoverRequestUntilMs > now) t = Math.min(t, this.switchoverRequestUntilMs);
    if (this.peerFencingSinceMs !== null && this.fence.kind === 'idle' && this.role === 'active' && this.peer.lostAtMs === null) {
      t = Math.min(t, Math.max(this.peerFencingSinceMs + this.preemptGraceMs(), this.suspendLossUntilMs));
    }
    return t;
  }




  // ------------------------------------------------------------ inputs

  /** A process that was paused (SIGSTOP, VM freeze, long GC) must not judge the peer on stale silence. */
  protected guardStall(now: number): void {
    const last = this.lastEventMs ?? now;
    if (now - last > this.stallThresholdMs) this.suspendLossUntilMs = Math.max(this.suspendLossUntilMs, now + 2 * this.minIntervalMs);
    this.lastEventMs = Math.max(last, now);
  }

  protected onHeartbeat(now: number, pathName: string, hb: Heartbeat): void {
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
      this.arbiterPeerBack();
    }
    if (this.peerFlagsChanged(prev, hb)) this.sendAllNow(now);
  }

  protected peerFlagsChanged(prev: Heartbeat | null, hb: Heartbeat): boolean {
    return !prev || prev.role !== hb.role || prev.flags !== hb.flags || prev.resource !== hb.resource;
  }



  // ------------------------------------------------------------ evaluation

  protected evaluate(now: number): void {
    this.evaluatePaths(now);
    if (this.role === 'leaving') return this.evaluateLeaving(now);
    if (this.selfFenced) return; // committed: the watchdog resets this node
    if (this.mode === 'maintenance') return;
    if (this.peerLost(now)) this.onPeerLost(now);
    if (this.evaluatePower(now)) return;
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

  protected evaluatePaths(now: number): void {
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

  protected peerLost(now: number): boolean {
    if (!this.peer.everSeen || this.peer.lostAtMs !== null) return false;
    if (now < this.suspendLossUntilMs) return false;
    return !this.paths.some((p) => p.isUp(now));
  }

  protected onPeerLost(now: number): void {
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
      const delayMs = this.nonOwnerFenceDelayMs();
      this.setRole(now, 'fencing', `peer lost on all paths (${silence}); fencing ${this.cfg.peerId} via ${via} after ${delayMs} ms (fence delay: the owner fences first)`);
      this.startFencing(now, delayMs, null);
    }
  }

  protected evaluateWaiting(now: number): void {
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
      this.startFencing(now, this.nonOwnerFenceDelayMs(), null);
    }
  }

  protected evaluateStandby(now: number): void {
    // Just back from a stall, the queued heartbeats may come from a peer life that
    // has since ended (a handoff it no longer stands by): take nothing until fresh.
    // A fence started while this node still owned the service is driven to its result.
    if (this.fence.kind !== 'idle' && this.peer.lostAtMs !== null && !this.peer.offConfirmed) {
      this.setRole(now, 'fencing', `${this.cfg.peerId} is still lost; continuing to fence it`);
      return this.evaluateFencing(now);
    }
    if (this.fence.kind === 'inflight') this.driveFence(now);
    else if (this.peer.lostAtMs === null) this.fence.cancelPending();
    if (now < this.suspendLossUntilMs) return;
    // Ownership moves only on words addressed to this life of ours (see Heartbeat.peerIncarnation).
    const fresh = this.peer.hb?.peerIncarnation === this.incarnation;
    if (this.peer.lostAtMs !== null) {
      if (this.peer.leftCleanly && this.peer.handsOff && fresh && this.eligible()) this.takeOver(now, 'handoff', `${this.cfg.peerId} left and handed the service over`);
      return;
    }
    const p = this.peer;
    if (this.handoff) {
      if (p.hb?.role === 'active') this.handoff = false;
      else if (p.flag(HB_FLAG.REFUSE) && fresh) {
        this.handoff = false;
        return this.takeOver(now, 'formation', `${this.cfg.peerId} refused the handoff; keeping the service`);
      } else return;
    }
    if (this.refuse && !p.handsOff) this.refuse = false;
    if (p.handsOff && fresh) {
      // A refusal is final for this offer: the peer may already be taking the service back on the strength
      // of it, so accepting now could start the resource twice. Only a new offer (after this one is gone) counts.
      if (this.eligible() && !this.refuse) return this.takeOver(now, 'handoff', `${this.cfg.peerId} stopped the service and handed it over`);
      this.refuse = true;
      return;
    }
    if (this.switchoverRequestUntilMs <= now) this.switchoverRequestUntilMs = 0;
    this.evaluateFormation(now);
  }

  /** Both nodes up, nobody owns the service: the preferred node takes it (or passes it on if it cannot run it). */
  protected evaluateFormation(now: number): void {
    const hb = this.peer.hb;
    if (!hb || this.resource !== 'stopped' || p_ownsOrBusy(hb) || hb.peerIncarnation !== this.incarnation) return;
    if (!isPreferred(this.cfg.nodeId, this.cfg.priority, hb.nodeId, hb.priority)) return;
    if (this.eligible()) {
      this.takeOver(now, 'formation', `nobody owns the service and ${this.cfg.nodeId} is preferred (priority ${this.cfg.priority} vs ${hb.priority})`);
    } else if (this.peer.eligible) {
      this.handoff = true;
      this.sendAllNow(now);
    }
  }

  protected evaluateFencing(now: number): void {
    if (this.fence.kind !== 'inflight' && this.peer.everSeen && this.peer.lostAtMs === null) {
      this.fence.cancelPending();
      this.alarms.clear('peer-lost');
      this.alarms.clear('fence-failed');
      this.setRole(now, 'standby', `${this.cfg.peerId} heard again; fence cancelled`);
      return this.evaluateStandby(now);
    }
    this.driveFence(now);
  }

  protected evaluateActive(now: number): void {
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
  protected evaluatePreempt(now: number, hb: Heartbeat): void {
    const threatens = hb.role === 'fencing' && (hb.flags & HB_FLAG.PEER_HEARD) === 0;
    if (!threatens) {
      this.peerFencingSinceMs = null;
      if (this.fence.cancelPending()) {
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

  protected preemptGraceMs(): number {
    return Math.min(this.cfg.fenceDelayMs / 2, 2 * Math.max(...this.paths.map((p) => p.intervalMs)));
  }

  /** Two owners seen: the lower epoch (then the non-preferred node) stops at once. */
  protected resolveTwoActives(now: number): boolean {
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





  // ------------------------------------------------------------ ownership









  // ------------------------------------------------------------ fencing

  protected startFencing(now: number, delayMs: number, reason: string | null): void {
    if (!this.fence.begin(now, delayMs)) return;
    if (reason) this.note('fence-fired', reason);
    if (this.cfg.selfFence) this.consultArbiter(reason ?? `${this.cfg.peerId} lost; about to fence it`);
    this.driveFence(now);
  }

  /**
   * How long a node that does not own the service waits before fencing: the base delay, a random part
   * (two non-owners do not fire in step), and, when the peer did not own the service either, the base
   * once more for the node that is not preferred, so the priority decides a race between equals.
   */
  protected nonOwnerFenceDelayMs(): number {
    let delayMs = this.cfg.fenceDelayMs + Math.floor(this.random() * (this.cfg.fenceDelayRandomMs + 1));
    const hb = this.peer.hb;
    const peerOwned = hb !== null && (hb.role === 'active' || hb.resource !== 'stopped');
    if (hb !== null && !peerOwned && !isPreferred(this.cfg.nodeId, this.cfg.priority, hb.nodeId, hb.priority)) delayMs += this.cfg.fenceDelayMs;
    return delayMs;
  }

  protected driveFence(now: number): void {
    if (this.fence.kind === 'idle') return this.startFencing(now, this.role === 'active' ? 0 : this.nonOwnerFenceDelayMs(), null);
    const due = this.fence.due(now);
    if (due === 'fire') this.fireFence(now);
    else if (due === 'give-up') this.fenceFailed(now, `no result from the fence device after ${Math.round(this.fence.inflightForMs(now))} ms`);
  }

  /** Persist the fence record first, then fire: after a crash we know a fence may have happened. */
  protected fireFence(now: number): void {
    const { fenceId, attempt } = this.fence.fire(now);
    const reason = `fencing ${this.cfg.peerId} (attempt ${attempt}) via ${this.cfg.fenceDeviceNames.join(', ')}`;
    this.lastFence = {
      fenceId,
      target: this.cfg.peerId,
      targetIncarnation: this.peer.incarnation ?? 0,
      reason,
      requestedAtMs: now,
    };
    this.persist();
    this.out.push({ type: 'fence', fenceId, target: this.cfg.peerId, targetIncarnation: this.peer.incarnation ?? 0, reason });
  }

  protected onFenceResult(now: number, ev: Extract<CoreEvent, { type: 'fenceResult' }>): void {
    if (!this.fence.isInflight(ev.fenceId)) return;
    this.alarms.clear('persist-failed');
    this.recordFenceResult(now, ev.confirmedOff, ev.reason);
    if (!ev.confirmedOff) return this.fenceFailed(now, ev.reason);
    this.fence.confirmed(ev.reason);
    if (this.cfg.selfFence && this.arbiter !== 'granted') {
      // The wait for the peer's watchdog is over, but only the arbitrator's yes says the peer is the one cut off.
      if (this.arbiter === 'denied') return;
      this.heldFenceConfirm = { device: ev.device, reason: ev.reason };
      this.consultArbiter(`${this.cfg.peerId}'s fence confirmed (${ev.reason}); may ${this.cfg.nodeId} take over?`);
      return;
    }
    this.applyFenceConfirmed(now, ev.device, ev.reason);
  }

  protected applyFenceConfirmed(now: number, device: string | undefined, reason: string): void {
    this.peer.markFenced(now);
    this.peerFencingSinceMs = null;
    for (const p of this.paths) p.reset();
    this.alarms.clear('fence-failed');
    this.alarms.clear('peer-fencing-us');
    this.alarms.raise('peer-fenced', 'warning', `${this.cfg.peerId} was fenced (${reason}); running without a standby`);
    this.note('fence-confirmed', `${this.cfg.peerId} confirmed powered off${device ? ` by ${device}` : ''}`);
    this.onFenceConfirmed(now);
  }

  /** The peer is confirmed off: a non-owner may now take the service. */
  protected onFenceConfirmed(now: number): void {
    this.alarms.clear('peer-lost');
    if (this.role === 'fencing' || this.role === 'standby') this.takeOver(now, 'fence', `${this.cfg.peerId} confirmed powered off; taking over`);
  }

  protected recordFenceResult(now: number, ok: boolean, detail: string): void {
    if (!this.lastFence) return;
    this.lastFence = { ...this.lastFence, finishedAtMs: now, result: ok ? 'confirmed' : 'failed', detail };
    this.persist();
  }

  protected fenceFailed(now: number, reason: string): void {
    const retryInMs = this.fence.failed(now, reason);
    this.alarms.raise(
      'fence-failed',
      'critical',
      `fencing ${this.cfg.peerId} failed (attempt ${this.fence.attempts}): ${reason}; retrying in ${retryInMs} ms. ${this.role === 'active' ? 'Keeping the service.' : 'Not taking over until the fence is confirmed.'} If ${this.cfg.peerId} is really powered off, run \`edge-ha fence confirm ${this.cfg.peerId}\``,
    );
    this.note('fence-failed', reason);
  }

  /** The shell skipped a start or a fence because the state write before it failed: retry both later. */
  protected onPersistFailed(now: number, ev: Extract<CoreEvent, { type: 'persistFailed' }>): void {
    this.alarms.raise('persist-failed', 'critical', `could not write the state file (${ev.reason}); starts and fences wait until it works`);
    const op = this.resourceOp;
    if (op && op.op === 'start' && ev.skippedOpIds.includes(op.opId)) {
      this.resourceOp = null;
      this.resource = 'stopped';
      this.restartAtMs = now + PERSIST_RETRY_MS;
    }
    for (const id of ev.skippedFenceIds) this.fence.notFired(now, id, ev.reason, PERSIST_RETRY_MS);
  }

  // ------------------------------------------------------------ operator and shutdown

  protected onCommand(now: number, cmdId: number, cmd: OperatorCommand): void {
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
      case 'confirm-fenced':
        return reply(...this.operatorConfirmed(now, cmd.target));
      case 'force-start':
        if (this.role !== 'waiting') return reply(false, `force-start is only for a node waiting for its peer at start-up (this node is ${this.role})`);
        if (this.mode !== 'normal') return reply(false, `${this.cfg.nodeId} is in ${this.mode} mode; run \`edge-ha online\` first`);
        this.forceStart = true;
        return reply(true, `fencing ${this.cfg.peerId}, then starting the service`);
    }
  }

  protected commandSwitchover(now: number, reply: (ok: boolean, message: string) => void): void {
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

  /** `edge-ha fence confirm <peer>`: a person says the peer is off. Refused while anything says otherwise. */
  protected operatorConfirmed(now: number, target: string): [boolean, string] {
    if (target !== this.cfg.peerId) return [false, `${target} is not this node's peer (${this.cfg.peerId})`];
    if (this.role === 'leaving') return [false, 'shutting down'];
    if (this.selfFenced) return [false, `${this.cfg.nodeId} is resetting itself (self-fence)`];
    if (this.mode === 'maintenance') return [false, `${this.cfg.nodeId} is in maintenance mode; run \`edge-ha online\` first`];
    const heard = this.paths.filter((p) => p.isUp(now)).map((p) => p.name);
    if (heard.length > 0) return [false, `refused: ${target} is heard on ${heard.join(', ')}, so it is running, not off`];
    if (this.peer.offConfirmed) return [false, `${target} is already confirmed off`];
    const { fenceId } = this.fence.fire(now);
    this.fence.confirmed('operator confirmed the peer is off');
    this.lastFence = { fenceId, target, targetIncarnation: this.peer.incarnation ?? 0, reason: 'operator confirmation (edge-ha fence confirm)', requestedAtMs: now, finishedAtMs: now, result: 'confirmed', detail: 'an operator confirmed the peer is powered off' };
    this.persist();
    if (this.cfg.selfFence) {
      this.arbiter = 'granted';
      this.arbiterReason = 'operator confirmation';
    }
    this.peer.everSeen = true; // wait_for_all is satisfied by the operator's word
    if (this.role === 'waiting') this.setRole(now, 'fencing', `operator confirmed ${target} is off`);
    this.alarms.clear('waiting-for-peer');
    this.alarms.clear('fence-failed');
    this.applyFenceConfirmed(now, 'operator', 'operator confirmation');
    return [true, `${target} recorded as powered off by operator confirmation${this.role === 'active' ? `; ${this.cfg.nodeId} owns the service` : ''}`];
  }

  protected setMode(mode: Mode): void {
    if (this.mode === mode) return;
    this.note('mode-changed', `${this.cfg.nodeId} mode ${this.mode} -> ${mode}`);
    this.mode = mode;
    this.flagsSent = -1;
  }


  protected onShutdown(now: number, reason: string): void {
    if (this.role === 'leaving') return;
    const owned = this.role === 'active';
    this.handoffPending = false;
    this.fence.abandon();
    this.setRole(now, 'leaving', `shutting down (${reason})${owned ? `; stopping the resource and handing over to ${this.cfg.peerId}` : ''}`);
    if (this.resource !== 'stopped') this.stopResource('leave', `shutting down (${reason})`);
    else this.leaveDeadlineMs = now + this.cfg.shutdownLingerMs;
    this.handoff = owned;
  }

  protected evaluateLeaving(now: number): void {
    if (this.resource !== 'stopped' && this.resource !== 'failed') return;
    this.handoff = true;
    const peerTookOver = this.peer.hb?.role === 'active' || this.peer.flag(HB_FLAG.REFUSE) || this.peer.lostAtMs !== null || !this.peer.everSeen;
    if (peerTookOver || now >= this.leaveDeadlineMs) {
      this.leaveDeadlineMs = Infinity;
      if (this.powerShutdown !== null) this.out.push({ type: 'exit', reason: this.powerShutdown, powerOff: true });
      else this.out.push({ type: 'exit', reason: 'resource stopped and peer told' });
    }
  }

  // ------------------------------------------------------------ heartbeats out





  // ------------------------------------------------------------ helpers





}

function p_ownsOrBusy(hb: Heartbeat): boolean {
  // The peer owns, is fencing us, is leaving, or has not yet made sure its resource is stopped.
  return hb.role === 'active' || hb.role === 'fencing' || hb.role === 'leaving' || hb.resource !== 'stopped' || (hb.flags & HB_FLAG.HANDOFF) !== 0;
}
