// Owning the service: starting, monitoring and stopping the resource on the
// owner, and handing the service over (switchover, standby mode, bad health,
// a failed resource). A handoff completes only after the resource reported
// stopped, and only to a peer that is still there and eligible.

import { CoreState } from './coreState';
import type { CoreEvent, StartCause } from './types';
import type { StopPurpose } from './coreState';

export abstract class ResourceRules extends CoreState {
  protected manageOwnedResource(now: number): void {
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

  protected beginHandoff(now: number, why: string): void {
    this.handoffPending = true;
    this.note('mode-changed', `handing the service to ${this.cfg.peerId}: ${why}`);
    this.manageOwnedResourceSoon(now);
  }

  protected manageOwnedResourceSoon(now: number): void {
    if (!this.resourceOp && this.resource !== 'stopped') this.stopResource('handoff', `stopping for the handoff to ${this.cfg.peerId}`);
    else if (!this.resourceOp) this.completeHandoff(now);
  }

  protected completeHandoff(now: number): void {
    this.handoffPending = false;
    this.handoff = true;
    this.setRole(now, 'standby', `resource stopped; handed the service to ${this.cfg.peerId}`);
  }

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

  protected startResource(now: number, cause: StartCause, reason: string): void {
    if (this.role !== 'active' || this.mode === 'maintenance') return; // only the owner runs the resource
    this.persist();
    this.restartAtMs = Infinity;
    this.resource = 'starting';
    this.resourceOp = { opId: this.nextOpId++, op: 'start', purpose: 'start' };
    this.out.push({ type: 'startResource', opId: this.resourceOp.opId, epoch: this.epoch, cause, reason });
    this.sendAllNow(now);
  }

  protected stopResource(purpose: StopPurpose, reason: string): void {
    if (this.resourceOp?.op === 'stop') return;
    this.nextMonitorMs = Infinity;
    this.resource = this.resource === 'unknown' ? 'unknown' : 'stopping';
    this.resourceOp = { opId: this.nextOpId++, op: 'stop', purpose };
    this.out.push({ type: 'stopResource', opId: this.resourceOp.opId, reason });
  }

  protected onResourceResult(now: number, ev: Extract<CoreEvent, { type: 'resourceResult' }>): void {
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

  protected onStopped(now: number, purpose: StopPurpose, ok: boolean, reason: string): void {
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

  protected resourceFailed(now: number, reason: string): void {
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

  protected notEligibleReason(): string {
    if (this.mode !== 'normal') return `${this.cfg.nodeId} is in ${this.mode} mode`;
    if (this.health() === 'critical') return `${this.cfg.nodeId} health is critical (${[...this.healthBySource.entries()].map(([s, h]) => `${s}: ${h.reason}`).join('; ')})`;
    if (this.resource === 'failed') return `the resource failed on ${this.cfg.nodeId}`;
    return 'operator request';
  }

  protected probeResource(): void {
    if (this.resourceOp) return;
    this.nextMonitorMs = Infinity;
    this.resourceOp = { opId: this.nextOpId++, op: 'monitor', purpose: 'monitor' };
    this.out.push({ type: 'monitorResource', opId: this.resourceOp.opId });
  }
}
