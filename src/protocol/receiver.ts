// Everything between "a datagram arrived on path N" and "the core may see this
// heartbeat": authentication (codec), addressing (cluster, node, path), then
// anti-replay. Counts every reject and rate-limits their logging, because a
// misconfigured or hostile sender can produce thousands per second.
//
// Pure apart from the HMAC: time comes in as nowMs, nothing here reads a clock.

import type { Heartbeat } from '../core/types';
import { decodeHeartbeat, REJECT_REASONS, type RejectReason } from './heartbeatCodec';
import type { Keyring } from './keyring';
import { ReplayGuard } from './replayGuard';

/** At most one logged reject per reason per this interval. */
export const REJECT_LOG_INTERVAL_MS = 10_000;

export interface HeartbeatReceiverOptions {
  clusterId: string;
  /** The only node whose heartbeats we accept. */
  peerId: string;
  keyring: Keyring;
  /** Our own node id; only used to explain a looped-back datagram in the reject detail. */
  nodeId?: string;
}

export type ReceiveResult =
  | { ok: true; hb: Heartbeat; keyId: number }
  | { ok: false; reason: RejectReason; detail: string; log: boolean };

export type ReceiverCounters = Record<RejectReason | 'accepted', number>;

export class HeartbeatReceiver {
  private readonly clusterId: string;
  private readonly peerId: string;
  private readonly nodeId: string | undefined;
  private keyring: Keyring;
  private readonly guard = new ReplayGuard();
  private readonly counts: ReceiverCounters = zeroCounters();
  private readonly lastLoggedAtMs = new Map<RejectReason, number>();
  private readonly suppressed = new Map<RejectReason, number>();

  constructor(opts: HeartbeatReceiverOptions) {
    this.clusterId = opts.clusterId;
    this.peerId = opts.peerId;
    this.nodeId = opts.nodeId;
    this.keyring = opts.keyring;
  }

  /** Swaps the verification keys (a reloaded key file); replay state is kept. */
  setKeyring(keyring: Keyring): void {
    this.keyring = keyring;
  }

  /**
   * Judges one datagram that arrived on the socket of path `pathIdExpected`.
   * Throws RangeError only for a bad pathIdExpected (a bug in the caller).
   */
  receive(buf: Uint8Array, pathIdExpected: number, nowMs: number): ReceiveResult {
    if (!Number.isInteger(pathIdExpected) || pathIdExpected < 0 || pathIdExpected > 255) {
      throw new RangeError(`HeartbeatReceiver.receive: pathIdExpected ${pathIdExpected} is not an integer in 0..255`);
    }
    const decoded = decodeHeartbeat(buf, this.keyring);
    if (!decoded.ok) return this.reject(decoded.reason, decoded.detail, nowMs);
    const hb = decoded.hb;
    if (hb.clusterId !== this.clusterId) {
      return this.reject('wrong-cluster', `cluster "${hb.clusterId}" (node "${hb.nodeId}"); we are cluster "${this.clusterId}"`, nowMs);
    }
    if (hb.nodeId !== this.peerId) {
      const why = hb.nodeId === this.nodeId ? ' (our own heartbeat looped back)' : '';
      return this.reject('unknown-node', `node "${hb.nodeId}"${why}; the peer is "${this.peerId}"`, nowMs);
    }
    if (hb.pathId !== pathIdExpected) {
      return this.reject('wrong-path', `heartbeat for path ${hb.pathId} arrived on path ${pathIdExpected}`, nowMs);
    }
    // Last, so only a datagram that passed every other check can move the guard.
    const verdict = this.guard.admit(hb.pathId, hb.incarnation, hb.seq);
    if (verdict === 'stale-incarnation') {
      const seen = this.guard.highestIncarnation(hb.pathId);
      return this.reject('stale-incarnation', `incarnation ${hb.incarnation} on path ${hb.pathId}; already saw ${seen}`, nowMs);
    }
    if (verdict === 'replay') {
      const seen = this.guard.highestSeq(hb.pathId);
      return this.reject(
        'replay',
        `seq ${hb.seq} on path ${hb.pathId} is not above ${seen}, already seen in incarnation ${hb.incarnation}`,
        nowMs,
      );
    }
    this.counts.accepted++;
    return { ok: true, hb, keyId: decoded.keyId };
  }

  /** A copy of the counters: accepted heartbeats and rejects per reason since construction. */
  counters(): ReceiverCounters {
    return { ...this.counts };
  }

  private reject(reason: RejectReason, detail: string, nowMs: number): ReceiveResult {
    this.counts[reason]++;
    const last = this.lastLoggedAtMs.get(reason);
    if (last !== undefined && nowMs - last < REJECT_LOG_INTERVAL_MS) {
      this.suppressed.set(reason, (this.suppressed.get(reason) ?? 0) + 1);
      return { ok: false, reason, detail, log: false };
    }
    this.lastLoggedAtMs.set(reason, nowMs);
    const skipped = this.suppressed.get(reason) ?? 0;
    this.suppressed.set(reason, 0);
    const note = skipped > 0 ? ` (+${skipped} more ${reason} rejects not logged since the last one)` : '';
    return { ok: false, reason, detail: detail + note, log: true };
  }
}

function zeroCounters(): ReceiverCounters {
  const c = { accepted: 0 } as ReceiverCounters;
  for (const r of REJECT_REASONS) c[r] = 0;
  return c;
}
