// Pet the watchdog only while this daemon is healthy, so a hung or confused
// daemon gets the node reset: the event loop is responsive (recent lag under
// a bound), heartbeats went out recently, and the core has not decided to
// self-fence. When any check fails the gate closes and says why.

export type GateVerdict = { open: true } | { open: false; reasons: string[] };

export interface WatchdogGateOptions {
  nowMs: () => number;
  /** Worst recent event-loop lag (LoopLagMonitor.worstLagMs); null = no sample yet. */
  worstLoopLagMs?: (nowMs: number) => number | null;
  maxLoopLagMs: number;
  /** When the last heartbeat was sent (same clock as nowMs); null = none yet. */
  lastHeartbeatSentMs?: () => number | null;
  maxHeartbeatAgeMs: number;
  /** After creation, "no heartbeat yet" and "no lag sample yet" are accepted this long. */
  startupGraceMs?: number;
}

export class WatchdogGate {
  private selfFenceReason: string | null = null;
  private readonly createdMs: number;

  constructor(private readonly opts: WatchdogGateOptions) {
    this.createdMs = opts.nowMs();
  }

  /** The core decided this node must die (e.g. it lost quorum while holding the service). Petting stops. */
  selfFence(reason: string): void {
    this.selfFenceReason = reason;
  }

  clearSelfFence(): void {
    this.selfFenceReason = null;
  }

  check(): GateVerdict {
    const now = this.opts.nowMs();
    const inGrace = now - this.createdMs < (this.opts.startupGraceMs ?? 0);
    const reasons: string[] = [];
    if (this.selfFenceReason !== null) reasons.push(`self-fence requested: ${this.selfFenceReason}`);
    if (this.opts.worstLoopLagMs !== undefined) {
      const lag = this.opts.worstLoopLagMs(now);
      if (lag === null && !inGrace) reasons.push('event-loop lag monitor has no sample (not started?)');
      else if (lag !== null && lag > this.opts.maxLoopLagMs) {
        reasons.push(`event loop lagged ${Math.round(lag)} ms (limit ${this.opts.maxLoopLagMs} ms)`);
      }
    }
    if (this.opts.lastHeartbeatSentMs !== undefined) {
      const last = this.opts.lastHeartbeatSentMs();
      if (last === null && !inGrace) reasons.push(`no heartbeat sent in ${Math.round(now - this.createdMs)} ms since start`);
      else if (last !== null && now - last > this.opts.maxHeartbeatAgeMs) {
        reasons.push(`last heartbeat sent ${Math.round(now - last)} ms ago (limit ${this.opts.maxHeartbeatAgeMs} ms)`);
      }
    }
    return reasons.length === 0 ? { open: true } : { open: false, reasons };
  }
}
