// The witness's decisions, without sockets or files: who of each cluster holds
// the survival grant, until when, and the replay memory of each node. The one
// rule: at any instant at most one node of a cluster holds an unexpired grant.
// A grant lasts leaseMs from the claim that made or renewed it; it ends early
// only when its holder releases it.
//
// Bounded: at most maxClusters clusters and maxNodesPerCluster nodes each.
// A record without a live grant that has been idle for forgetAfterMs can be
// forgotten to make room: by then every nonce it remembers carries a timestamp
// the witness refuses as stale anyway.

import { NonceMemory } from './nonceMemory';
import type { RefusalCode } from './witnessWire';

export type ClaimOutcome =
  | { kind: 'granted'; leaseMs: number; renewal: boolean; previousHolder: string | null }
  | { kind: 'refused'; code: RefusalCode; retryAfterMs: number; holder: string | null; text: string };

/** How the witness came up: with no knowledge of earlier grants, or with the holders from its state file. */
export type WitnessStart =
  | { kind: 'hold' }
  | { kind: 'restored'; holders: ReadonlyArray<{ clusterId: string; nodeId: string }>; previousLeaseMs: number };

export interface WitnessTableOptions {
  leaseMs: number;
  maxClusters: number;
  maxNodesPerCluster: number;
  forgetAfterMs: number;
  startMs: number;
  start: WitnessStart;
}

interface NodeRecord {
  nonces: NonceMemory;
  lastSeenMs: number;
}

interface ClusterRecord {
  holder: { nodeId: string; expiresAtMs: number } | null;
  nodes: Map<string, NodeRecord>;
  lastActivityMs: number;
}

export class WitnessTable {
  private readonly clusters = new Map<string, ClusterRecord>();
  private readonly holdUntilMs: number;

  constructor(private readonly opts: WitnessTableOptions) {
    const { start, startMs, leaseMs } = opts;
    this.holdUntilMs = start.kind === 'hold' ? startMs + leaseMs : -Infinity;
    if (start.kind === 'restored') {
      // A restored holder may have renewed just before the restart, for the
      // longer of the old and the new lease: it keeps the grant that long.
      const expiresAtMs = startMs + Math.max(leaseMs, start.previousLeaseMs);
      for (const { clusterId, nodeId } of start.holders.slice(0, opts.maxClusters)) {
        this.clusters.set(clusterId, { holder: { nodeId, expiresAtMs }, nodes: new Map(), lastActivityMs: startMs });
      }
    }
  }

  /**
   * The replay memory of a node, creating its record if there is room.
   * Returns a refusal text when the witness is full.
   */
  node(clusterId: string, nodeId: string, nowMs: number): NonceMemory | string {
    let cluster = this.clusters.get(clusterId);
    if (cluster === undefined) {
      if (this.clusters.size >= this.opts.maxClusters && !this.forgetOneCluster(nowMs)) {
        return `the witness already tracks its maximum of ${this.opts.maxClusters} clusters, all active; cluster ${clusterId} cannot be added`;
      }
      cluster = { holder: null, nodes: new Map(), lastActivityMs: nowMs };
      this.clusters.set(clusterId, cluster);
    }
    cluster.lastActivityMs = nowMs;
    let node = cluster.nodes.get(nodeId);
    if (node === undefined) {
      if (cluster.nodes.size >= this.opts.maxNodesPerCluster && !this.forgetOneNode(cluster, nowMs)) {
        return `cluster ${clusterId} already has the maximum of ${this.opts.maxNodesPerCluster} nodes at this witness; node ${nodeId} cannot be added`;
      }
      node = { nonces: new NonceMemory(), lastSeenMs: nowMs };
      cluster.nodes.set(nodeId, node);
    }
    node.lastSeenMs = nowMs;
    return node.nonces;
  }

  claim(clusterId: string, nodeId: string, nowMs: number): ClaimOutcome {
    const leaseMs = this.opts.leaseMs;
    const cluster = this.clusters.get(clusterId) ?? this.addBare(clusterId, nowMs);
    if (cluster === null) {
      return { kind: 'refused', code: 'capacity', retryAfterMs: 0, holder: null, text: `the witness already tracks its maximum of ${this.opts.maxClusters} clusters` };
    }
    cluster.lastActivityMs = nowMs;
    const holder = cluster.holder;
    if (holder !== null && holder.nodeId !== nodeId && holder.expiresAtMs > nowMs) {
      const remainingMs = holder.expiresAtMs - nowMs;
      return {
        kind: 'refused',
        code: 'held',
        retryAfterMs: remainingMs,
        holder: holder.nodeId,
        text: `node ${holder.nodeId} of cluster ${clusterId} holds the grant for ${Math.ceil(remainingMs)} ms more unless it renews it`,
      };
    }
    if (nowMs < this.holdUntilMs) {
      const remainingMs = this.holdUntilMs - nowMs;
      return {
        kind: 'refused',
        code: 'restart-hold',
        retryAfterMs: remainingMs,
        holder: null,
        text:
          `the witness started ${Math.round(nowMs - this.opts.startMs)} ms ago with no record of earlier grants; it refuses every claim ` +
          `for one lease (${leaseMs} ms, ${Math.ceil(remainingMs)} ms more) so a grant made before the restart has run out`,
      };
    }
    const renewal = holder !== null && holder.nodeId === nodeId && holder.expiresAtMs > nowMs;
    const previousHolder = holder !== null && holder.nodeId !== nodeId ? holder.nodeId : null;
    cluster.holder = { nodeId, expiresAtMs: nowMs + leaseMs };
    return { kind: 'granted', leaseMs, renewal, previousHolder };
  }

  /** Ends the node's grant; true if it held one that had not expired. */
  release(clusterId: string, nodeId: string, nowMs: number): boolean {
    const cluster = this.clusters.get(clusterId);
    if (cluster === undefined || cluster.holder === null || cluster.holder.nodeId !== nodeId) return false;
    const wasLive = cluster.holder.expiresAtMs > nowMs;
    cluster.holder = null;
    cluster.lastActivityMs = nowMs;
    return wasLive;
  }

  /** Every unexpired grant, for the state file and for status. */
  liveHolders(nowMs: number): Array<{ clusterId: string; nodeId: string; expiresAtMs: number }> {
    const out: Array<{ clusterId: string; nodeId: string; expiresAtMs: number }> = [];
    for (const [clusterId, c] of this.clusters) {
      if (c.holder !== null && c.holder.expiresAtMs > nowMs) out.push({ clusterId, ...c.holder });
    }
    return out;
  }

  /** Milliseconds of restart hold left (0 when none). */
  holdRemainingMs(nowMs: number): number {
    return Math.max(0, this.holdUntilMs - nowMs);
  }

  get clusterCount(): number {
    return this.clusters.size;
  }

  private addBare(clusterId: string, nowMs: number): ClusterRecord | null {
    if (this.clusters.size >= this.opts.maxClusters && !this.forgetOneCluster(nowMs)) return null;
    const c: ClusterRecord = { holder: null, nodes: new Map(), lastActivityMs: nowMs };
    this.clusters.set(clusterId, c);
    return c;
  }

  private forgetOneCluster(nowMs: number): boolean {
    for (const [id, c] of this.clusters) {
      const live = c.holder !== null && c.holder.expiresAtMs > nowMs;
      if (!live && nowMs - c.lastActivityMs >= this.opts.forgetAfterMs) {
        this.clusters.delete(id);
        return true;
      }
    }
    return false;
  }

  private forgetOneNode(cluster: ClusterRecord, nowMs: number): boolean {
    for (const [id, n] of cluster.nodes) {
      const holds = cluster.holder !== null && cluster.holder.nodeId === id && cluster.holder.expiresAtMs > nowMs;
      if (!holds && nowMs - n.lastSeenMs >= this.opts.forgetAfterMs) {
        cluster.nodes.delete(id);
        return true;
      }
    }
    return false;
  }
}
