// Two last-resort rules, both about a node taking itself out safely:
//
// Critical power (like upsmon). A `power` health source at critical means this
// node's UPS is about to die. A peer whose power is fine takes the service by
// the ordinary handoff (critical health makes this node ineligible). When no
// peer can take it, the owner stops the service cleanly; non-owners shut down
// at once and the owner last, after a critical peer has gone (or after
// powerShutdownWaitMs), so the machines go down in order, as upsmon's
// secondaries go before its primary.
//
// Self-fencing (like sbd). With no power switch, a node that loses its peer
// asks an arbitrator whether it may survive. Refused or unreachable, it stops
// the resource and stops petting its watchdog (the shell does that on the
// `selfFence` action), and does nothing else until the reset. A confirmed
// fence (the survivor's wait of twice the watchdog timeout) counts only after
// the arbitrator said yes.

import { ResourceRules } from './resourceRules';
import { HB_FLAG, type CoreEvent } from './types';

export abstract class PowerAndArbiterRules extends ResourceRules {
  /** True when this round belongs to the power rule (nothing else may start or move the service). */
  protected evaluatePower(now: number): boolean {
    const sources = this.criticalPower();
    if (!this.cfg.powerCriticalShutdown || sources.length === 0) {
      this.powerWaitSinceMs = null;
      if (this.powerShutdown === null) this.alarms.clear('power-critical');
      return false;
    }
    const why = sources.join('; ');
    const peerUp = this.peer.lostAtMs === null && this.peer.hb !== null;
    const peerCritical = peerUp && this.peer.flag(HB_FLAG.POWER_CRITICAL);
    if (this.role === 'active') {
      // A peer with good power takes the service by the handoff that critical health starts.
      if (peerUp && (this.peer.eligible || this.handoffPending)) {
        this.alarms.raise('power-critical', 'critical', `power critical (${why}): handing the service to ${this.cfg.peerId}, then shutting down`);
        return false;
      }
      const nobody = peerCritical ? `${this.cfg.peerId}'s power is critical too` : peerUp ? this.peer.whyNotEligible(this.cfg.peerId) : `${this.cfg.peerId} is not reachable`;
      this.alarms.raise('power-critical', 'critical', `power critical (${why}) and ${nobody}: stopping the service cleanly, then shutting down`);
      if (this.resourceOp) return true;
      if (this.resource !== 'stopped' && !this.stopFailed) {
        this.stopResource('power', `power critical (${why}) and ${nobody}: stopping the service before the power goes`);
        return true;
      }
      if (peerCritical && !this.stopFailed) {
        this.powerWaitSinceMs ??= now;
        if (now < this.powerWaitSinceMs + this.cfg.powerShutdownWaitMs) return true;
      }
      const stopNote = this.stopFailed ? ' (the resource did not stop cleanly)' : '';
      this.powerOff(now, `power critical (${why}); service stopped${stopNote}, shutting down last`);
      return true;
    }
    if (this.resourceOp) return true; // a start-up stop still running: let it finish first
    this.alarms.raise('power-critical', 'critical', `power critical (${why}): shutting down (${this.cfg.nodeId} does not own the service)`);
    this.powerOff(now, `power critical (${why}); ${this.cfg.nodeId} does not own the service, shutting down${peerCritical ? ` before ${this.cfg.peerId}` : ''}`);
    return true;
  }

  protected powerOff(now: number, reason: string): void {
    this.powerShutdown = reason;
    this.note('power-shutdown', reason);
    this.onShutdown(now, reason);
  }

  /** Wakes the owner when its wait for a critical peer to shut down first is over. */
  protected powerWakeMs(): number {
    return this.powerWaitSinceMs === null ? Infinity : this.powerWaitSinceMs + this.cfg.powerShutdownWaitMs;
  }

  // ------------------------------------------------------------ self-fencing

  /** The peer is lost and this node is about to fence or keep the service: first, may it survive? */
  protected consultArbiter(why: string): void {
    if (this.arbiter !== 'idle') return;
    this.arbiter = 'asking';
    this.arbiterReason = why;
    this.out.push({ type: 'askArbiter', reason: why });
  }

  protected onArbiter(now: number, ev: Extract<CoreEvent, { type: 'arbiter' }>): void {
    // A grant that lapsed (the witness gave it to the other node) is a no as well: the other may take over.
    if (this.arbiter === 'granted' && !ev.mayProceed) return this.selfFence(now, ev.reason);
    if (this.arbiter !== 'asking') return; // a late answer after the peer came back, or none asked
    if (!ev.mayProceed) return this.selfFence(now, ev.reason);
    this.arbiter = 'granted';
    this.arbiterReason = ev.reason;
    this.note('mode-changed', `arbitrator: ${this.cfg.nodeId} may survive (${ev.reason})`);
    const held = this.heldFenceConfirm;
    this.heldFenceConfirm = null;
    if (held) this.applyFenceConfirmed(now, held.device, held.reason);
  }

  /** The peer was heard again: the question is moot; give back a grant (a witness lease) at once. */
  protected arbiterPeerBack(): void {
    if (this.arbiter === 'off' || this.arbiter === 'idle' || this.arbiter === 'denied') return;
    this.arbiter = 'idle';
    this.arbiterReason = null;
    this.heldFenceConfirm = null;
    this.out.push({ type: 'releaseArbiter' });
  }

  protected selfFence(now: number, reason: string): void {
    this.arbiter = 'denied';
    this.arbiterReason = reason;
    this.heldFenceConfirm = null;
    this.fence.abandon();
    this.handoffPending = false;
    const msg = `self-fencing: lost ${this.cfg.peerId} and the arbitrator did not let ${this.cfg.nodeId} survive (${reason}); stopping the resource and letting the watchdog reset this node`;
    this.alarms.raise('self-fence', 'critical', msg);
    this.note('self-fence', msg);
    this.out.push({ type: 'selfFence', reason: msg });
    if (this.role === 'active' || this.role === 'fencing') this.setRole(now, 'standby', msg);
    if (this.resource !== 'stopped') this.stopResource('self-fence', msg);
  }

  /** Once denied, nothing but heartbeats until the watchdog resets the node. */
  protected get selfFenced(): boolean {
    return this.arbiter === 'denied';
  }

  protected abstract onShutdown(now: number, reason: string): void;

  /** Implemented by the core: what a confirmed fence does (mark the peer off, take over). */
  protected abstract applyFenceConfirmed(now: number, device: string | undefined, reason: string): void;
}
