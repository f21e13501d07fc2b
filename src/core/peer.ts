// What one node knows about its peer, built only from authenticated heartbeats
// and fence results. Pure data plus small predicates the rules read.

import { HB_FLAG, type Heartbeat } from './types';

export class PeerView {
  /** Last accepted heartbeat (any path). */
  hb: Heartbeat | null = null;
  /** Seen at least once since this node booted (wait_for_all is satisfied). */
  everSeen = false;
  /** Incarnation confirmed powered off by a fence; heartbeats from it afterwards mean a lying fence. */
  fencedIncarnation: number | null = null;
  heardAfterFence = 0;
  /** A fence confirmed the peer powered off, and it has not been heard since. */
  offConfirmed = false;
  /** Highest epoch the peer ever announced; survives markFenced so a fenced takeover still goes above it. */
  maxEpochSeen = 0;
  /** Monotonic time the peer was declared lost (all paths silent); null while heard. */
  lostAtMs: number | null = null;

  get incarnation(): number | null {
    return this.hb ? this.hb.incarnation : null;
  }

  flag(bit: number): boolean {
    return this.hb !== null && (this.hb.flags & bit) !== 0;
  }

  /** The peer said it owns the service (or is still stopping it). */
  get owns(): boolean {
    return this.hb !== null && (this.hb.role === 'active' || !this.resourceStopped);
  }

  get resourceStopped(): boolean {
    return this.hb !== null && this.hb.resource === 'stopped';
  }

  /** The peer left on purpose: its last word was role `leaving` with the resource stopped. */
  get leftCleanly(): boolean {
    return this.hb !== null && this.hb.role === 'leaving' && this.resourceStopped;
  }

  get inMaintenance(): boolean {
    return this.flag(HB_FLAG.MODE_MAINTENANCE);
  }

  get handsOff(): boolean {
    return this.flag(HB_FLAG.HANDOFF) && !this.owns;
  }

  /** Could the peer take the service if it were handed over now? */
  get eligible(): boolean {
    const hb = this.hb;
    if (!hb) return false;
    return (
      hb.role === 'standby' &&
      hb.resource === 'stopped' &&
      hb.health !== 'critical' &&
      (hb.flags & (HB_FLAG.MODE_STANDBY | HB_FLAG.MODE_MAINTENANCE)) === 0
    );
  }

  /** Why the peer is not eligible, for operator messages. */
  whyNotEligible(peerId: string): string {
    const hb = this.hb;
    if (!hb) return `${peerId} has not been seen`;
    const why: string[] = [];
    if (hb.role !== 'standby') why.push(`role ${hb.role}`);
    if (hb.resource !== 'stopped') why.push(`resource ${hb.resource}`);
    if (hb.health === 'critical') why.push('health critical');
    if (hb.flags & HB_FLAG.MODE_STANDBY) why.push('standby mode');
    if (hb.flags & HB_FLAG.MODE_MAINTENANCE) why.push('maintenance mode');
    return `${peerId} is not ready to take over (${why.join(', ') || 'unknown'})`;
  }

  /** The peer is confirmed off: forget its last words, remember it is gone. */
  markFenced(nowMs: number): void {
    this.fencedIncarnation = this.incarnation;
    this.heardAfterFence = 0;
    this.offConfirmed = true;
    this.lostAtMs ??= nowMs;
    this.hb = null;
  }
}

/** Static tie-break both nodes compute alike: higher priority, then the smaller node id. */
export function isPreferred(myId: string, myPriority: number, peerId: string, peerPriority: number): boolean {
  if (myPriority !== peerPriority) return myPriority > peerPriority;
  return myId < peerId;
}
