// Failure detection per heartbeat path. A path is up while the peer's last
// authenticated heartbeat on it is younger than intervalMs x missMultiplier.
// The peer counts as lost only when every path is down (decided in core.ts).

import type { PathConfig, PathStatus } from './types';

const U32 = 0x1_0000_0000;

export class PathTracker {
  readonly name: string;
  readonly index: number;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** Monotonic time of the last accepted heartbeat on this path; null: never heard. */
  lastHeardMs: number | null = null;
  /** The peer's txTimeMs of that heartbeat, echoed back so the peer can measure round trips. */
  lastPeerTxMs = 0;
  rttMs: number | null = null;
  nextSendMs = 0;
  /** Up/down as last reported, so changes can raise and clear alarms. */
  reportedUp = false;

  constructor(cfg: PathConfig, index: number) {
    this.name = cfg.name;
    this.index = index;
    this.intervalMs = cfg.intervalMs;
    this.timeoutMs = cfg.intervalMs * cfg.missMultiplier;
  }

  isUp(nowMs: number): boolean {
    return this.lastHeardMs !== null && nowMs - this.lastHeardMs <= this.timeoutMs;
  }

  /** When this path goes down if nothing more is heard; Infinity when already down. */
  deadlineMs(nowMs: number): number {
    return this.isUp(nowMs) ? (this.lastHeardMs as number) + this.timeoutMs + 1 : Infinity;
  }

  silentMs(nowMs: number): number | null {
    return this.lastHeardMs === null ? null : Math.round(nowMs - this.lastHeardMs);
  }

  /** Record a heartbeat heard on this path; measures RTT from the echoed timestamp. */
  heard(nowMs: number, peerTxMs: number, echoTxMs: number, echoHoldMs: number): void {
    this.lastHeardMs = nowMs;
    this.lastPeerTxMs = peerTxMs;
    if (echoTxMs !== 0) {
      const rtt = ((Math.floor(nowMs) % U32) - echoTxMs + U32) % U32 - echoHoldMs;
      // A value above 60 s is a wrapped or stale echo, not a round trip.
      if (rtt >= 0 && rtt < 60_000) this.rttMs = rtt;
    }
  }

  /** Forget everything heard: the peer restarted or was fenced. */
  reset(): void {
    this.lastHeardMs = null;
    this.lastPeerTxMs = 0;
    this.rttMs = null;
  }

  status(nowMs: number): PathStatus {
    return {
      name: this.name,
      up: this.isUp(nowMs),
      lastHeardAgeMs: this.silentMs(nowMs),
      rttMs: this.rttMs,
      deadlineMs: this.timeoutMs,
    };
  }
}

/** Monotonic ms as carried on the wire: u32, never 0 (0 means "nothing to echo"). */
export function wireTimeMs(nowMs: number): number {
  return Math.floor(nowMs) % U32 || 1;
}

/** "crossover: 212 ms silent, lan: never heard" */
export function describeSilence(paths: readonly PathTracker[], nowMs: number): string {
  return paths
    .map((p) => {
      const s = p.silentMs(nowMs);
      return `${p.name}: ${s === null ? 'never heard' : `${s} ms silent`}`;
    })
    .join(', ');
}
