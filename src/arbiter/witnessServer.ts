// `edge-ha witness` as a library: a UDP service on a third machine that
// grants survival to one node of a cluster at a time (rules in
// witnessTable.ts, wire format in witnessWire.ts, guarantees in
// docs/arbiter.md). Every authenticated request gets a signed answer; a
// datagram that does not authenticate gets none (answering would make the
// witness a reflector) and is logged, rate-limited.

import dgram from 'node:dgram';
import { isIP } from 'node:net';
import type { Keyring } from '../protocol/keyring';
import { loadArbiterKeyFile } from './keyFile';
import { systemClock, type ArbiterClock } from './types';
import { WitnessTable, type WitnessStart } from './witnessTable';
import { readWitnessState, writeWitnessState } from './witnessStateFile';
import { decodeWitnessMessage, encodeWitnessMessage, isRequest, type RefusalCode, type WitnessAnswer, type WitnessRequest } from './witnessWire';
import { parseHostPort } from '../config/hostPort';
import { RejectLogLimiter } from './rejectLog';

export const WITNESS_DEFAULT_PORT = 5409;
export const WITNESS_DEFAULT_LEASE_MS = 30_000;
export const WITNESS_DEFAULT_MAX_SKEW_MS = 30_000;
export const WITNESS_DEFAULT_MAX_CLUSTERS = 256;
export const WITNESS_DEFAULT_MAX_NODES_PER_CLUSTER = 4;

export interface WitnessOptions {
  /** `host:port` (an IP address; `[v6]:port`), or an object, whose port may be 0 for tests. */
  bind: string | { host: string; port: number };
  /** Key file in the heartbeat key file format (mode 0600), shared with the nodes. */
  keyFile: string;
  leaseMs?: number;
  /** One line per grant, refusal, release and rejected datagram. */
  log?: (line: string) => void;
  /** Where holders are recorded so a restart keeps them; without it a restart refuses every claim for one lease. */
  stateFile?: string;
  /** Only these cluster ids are served; empty or absent: any cluster whose requests carry a valid MAC. */
  clusters?: readonly string[];
  /** Requests whose timestamp differs from the witness clock by more than this are refused as stale. */
  maxSkewMs?: number;
  maxClusters?: number;
  maxNodesPerCluster?: number;
  clock?: ArbiterClock;
}

export interface WitnessServer {
  /** The bound address (the real port when bound to port 0). */
  readonly address: { host: string; port: number };
  /** Unexpired grants, for status output and tests. */
  liveGrants(): Array<{ clusterId: string; nodeId: string; remainingMs: number }>;
  close(): Promise<void>;
}

export class WitnessStartError extends Error {}

/** Starts a witness. Rejects with WitnessStartError naming what is wrong (bad option, key file, port in use). */
export async function startWitness(options: WitnessOptions): Promise<WitnessServer> {
  const log = options.log ?? (() => undefined);
  const clock = options.clock ?? systemClock;
  const leaseMs = options.leaseMs ?? WITNESS_DEFAULT_LEASE_MS;
  const maxSkewMs = options.maxSkewMs ?? WITNESS_DEFAULT_MAX_SKEW_MS;
  checkPositive('leaseMs', leaseMs);
  checkPositive('maxSkewMs', maxSkewMs);
  const bind = parseBind(options.bind);
  const keys = loadArbiterKeyFile(options.keyFile, 'witness --key-file');
  if (!keys.ok) throw new WitnessStartError(keys.error);
  const start = startState(options.stateFile, leaseMs, log);
  const table = new WitnessTable({
    leaseMs,
    maxClusters: options.maxClusters ?? WITNESS_DEFAULT_MAX_CLUSTERS,
    maxNodesPerCluster: options.maxNodesPerCluster ?? WITNESS_DEFAULT_MAX_NODES_PER_CLUSTER,
    // Past 2 x skew every remembered timestamp is refused as stale anyway.
    forgetAfterMs: 2 * maxSkewMs + 1000,
    startMs: clock.monotonicMs(),
    start,
  });
  const ctx: Ctx = {
    table,
    keyring: keys.keyring,
    clock,
    log,
    maxSkewMs,
    leaseMs,
    stateFile: options.stateFile,
    served: options.clusters && options.clusters.length > 0 ? new Set(options.clusters) : null,
    rejects: new RejectLogLimiter(log, () => clock.monotonicMs()),
    socket: dgram.createSocket({ type: isIP(bind.host) === 6 ? 'udp6' : 'udp4' }),
  };
  await bindSocket(ctx.socket, bind);
  ctx.socket.on('message', (buf, rinfo) => {
    try {
      onDatagram(ctx, buf, rinfo);
    } catch (err) {
      // Last resort: one bad datagram must never take the witness down.
      log(`witness: internal error on a datagram from ${rinfo.address}:${rinfo.port}: ${(err as Error).message}`);
    }
  });
  const a = ctx.socket.address();
  log(`witness: listening on ${fmtAddr(a.address, a.port)} (UDP), lease ${leaseMs} ms, clock skew limit ${maxSkewMs} ms` +
    `${ctx.served ? `, clusters ${[...ctx.served].join(', ')}` : ', any cluster with the key'}`);
  return {
    address: { host: a.address, port: a.port },
    liveGrants: () => {
      const now = clock.monotonicMs();
      return table.liveHolders(now).map((h) => ({ clusterId: h.clusterId, nodeId: h.nodeId, remainingMs: h.expiresAtMs - now }));
    },
    close: () => new Promise<void>((resolve) => ctx.socket.close(() => resolve())),
  };
}

interface Ctx {
  table: WitnessTable;
  keyring: Keyring;
  clock: ArbiterClock;
  log: (line: string) => void;
  maxSkewMs: number;
  leaseMs: number;
  stateFile: string | undefined;
  served: Set<string> | null;
  rejects: RejectLogLimiter;
  socket: dgram.Socket;
}

function startState(stateFile: string | undefined, leaseMs: number, log: (l: string) => void): WitnessStart {
  if (stateFile === undefined) {
    log(`witness: no state file, so no record of grants made before this start: refusing every claim for ${leaseMs} ms`);
    return { kind: 'hold' };
  }
  const read = readWitnessState(stateFile);
  if (!read.ok) {
    log(`witness: state file not usable (${read.error}): refusing every claim for ${leaseMs} ms`);
    return { kind: 'hold' };
  }
  const names = read.state.holders.map((h) => `${h.clusterId}/${h.nodeId}`);
  log(`witness: restored ${names.length} holder(s) from ${stateFile}${names.length ? `: ${names.join(', ')} (each keeps its grant one lease unless renewed)` : ''}`);
  return { kind: 'restored', holders: read.state.holders, previousLeaseMs: read.state.leaseMs };
}

function onDatagram(ctx: Ctx, buf: Buffer, rinfo: dgram.RemoteInfo): void {
  const from = fmtAddr(rinfo.address, rinfo.port);
  const dec = decodeWitnessMessage(buf, ctx.keyring);
  if (!dec.ok) return ctx.rejects.reject(`witness: dropped ${buf.length}-byte datagram from ${from}: ${dec.reason}: ${dec.detail}`);
  const msg = dec.msg;
  if (!isRequest(msg)) return ctx.rejects.reject(`witness: dropped a ${msg.kind} answer from ${from}: the witness only takes claim and release`);
  const key = { keyId: dec.keyId, key: ctx.keyring.keys.get(dec.keyId)! };
  const who = `${msg.clusterId}/${msg.nodeId} from ${from}`;
  const answer = (a: DistributiveOmit<WitnessAnswer, 'clusterId' | 'nodeId' | 'nonce' | 'timestampMs'>) => {
    const full = { ...a, clusterId: msg.clusterId, nodeId: msg.nodeId, nonce: msg.nonce, timestampMs: Math.max(0, Math.round(ctx.clock.wallMs())) } as WitnessAnswer;
    ctx.socket.send(encodeWitnessMessage(full, key), rinfo.port, rinfo.address, (err) => {
      if (err) ctx.log(`witness: cannot answer ${who}: ${err.message}`);
    });
  };
  const refuse = (code: RefusalCode, text: string, retryAfterMs = 0, holder: string | null = null) => {
    ctx.log(`witness: REFUSED ${msg.kind} by ${who}: ${code}: ${text}`);
    answer({ kind: 'refused', code, text, retryAfterMs, holder });
  };
  const refusal = admit(ctx, msg);
  if (refusal !== null) return refuse(refusal.code, refusal.text);
  if (msg.kind === 'release') return onRelease(ctx, msg, who, answer);
  const now = ctx.clock.monotonicMs();
  const outcome = ctx.table.claim(msg.clusterId, msg.nodeId, now);
  if (outcome.kind === 'refused') return refuse(outcome.code, outcome.text, outcome.retryAfterMs, outcome.holder);
  if (!outcome.renewal) {
    // A new holder must be on disk before anyone hears of it (witnessStateFile.ts).
    const failed = persist(ctx, now);
    if (failed !== null) {
      ctx.table.release(msg.clusterId, msg.nodeId, now);
      return refuse('internal', `${failed}; the grant is withheld because a restart would forget it`);
    }
  }
  const how = outcome.renewal ? 'renewed' : outcome.previousHolder ? `new; the lease of ${outcome.previousHolder} had run out` : 'new';
  ctx.log(`witness: GRANTED ${who}: survival for ${outcome.leaseMs} ms (${how})`);
  answer({ kind: 'granted', leaseMs: outcome.leaseMs, previousHolder: outcome.previousHolder });
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The checks every authenticated request passes before its claim or release is judged. */
function admit(ctx: Ctx, msg: WitnessRequest): { code: RefusalCode; text: string } | null {
  if (ctx.served !== null && !ctx.served.has(msg.clusterId)) {
    return { code: 'wrong-cluster', text: `this witness does not serve cluster ${msg.clusterId} (it serves ${[...ctx.served].join(', ')})` };
  }
  const skewMs = msg.timestampMs - ctx.clock.wallMs();
  if (Math.abs(skewMs) > ctx.maxSkewMs) {
    const side = skewMs < 0 ? 'behind' : 'ahead of';
    return { code: 'stale', text: `request timestamp is ${Math.round(Math.abs(skewMs))} ms ${side} the witness clock (limit ${ctx.maxSkewMs} ms); check the clocks (NTP) of node and witness` };
  }
  const memory = ctx.table.node(msg.clusterId, msg.nodeId, ctx.clock.monotonicMs());
  if (typeof memory === 'string') return { code: 'capacity', text: memory };
  const verdict = memory.admit(msg.nonce, msg.timestampMs);
  return verdict.fresh ? null : { code: 'replay', text: verdict.why };
}

function onRelease(ctx: Ctx, msg: WitnessRequest, who: string, answer: (a: { kind: 'released'; wasHolder: boolean }) => void): void {
  const now = ctx.clock.monotonicMs();
  const wasHolder = ctx.table.release(msg.clusterId, msg.nodeId, now);
  if (wasHolder) {
    // Late removal is safe (a stale holder only delays others by one lease after a restart), so a failure is just logged.
    const failed = persist(ctx, now);
    if (failed !== null) ctx.log(`witness: ${failed}`);
  }
  ctx.log(`witness: RELEASED by ${who}${wasHolder ? '' : ' (it held no live grant)'}`);
  answer({ kind: 'released', wasHolder });
}

function persist(ctx: Ctx, nowMs: number): string | null {
  if (ctx.stateFile === undefined) return null;
  const holders = ctx.table.liveHolders(nowMs).map(({ clusterId, nodeId }) => ({ clusterId, nodeId }));
  return writeWitnessState(ctx.stateFile, { leaseMs: ctx.leaseMs, holders });
}

function parseBind(bind: WitnessOptions['bind']): { host: string; port: number } {
  let hp: { host: string; port: number };
  if (typeof bind === 'string') {
    const parsed = parseHostPort(bind);
    if (!parsed.ok) throw new WitnessStartError(`--bind ${JSON.stringify(bind)}: expected host:port (an IP address; [v6]:port for IPv6)${parsed.note ? `: ${parsed.note}` : ''}`);
    hp = parsed.value;
  } else {
    hp = bind;
  }
  if (isIP(hp.host) === 0) throw new WitnessStartError(`--bind host ${JSON.stringify(hp.host)} is not an IP address (use 0.0.0.0 or :: for every interface)`);
  if (!Number.isInteger(hp.port) || hp.port < 0 || hp.port > 65535) throw new WitnessStartError(`--bind port ${hp.port} is not in 0..65535`);
  return hp;
}

function bindSocket(socket: dgram.Socket, bind: { host: string; port: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      socket.close();
      reject(new WitnessStartError(`cannot listen on ${fmtAddr(bind.host, bind.port)} (UDP): ${err.message}`));
    };
    socket.once('error', onError);
    socket.bind(bind.port, bind.host, () => {
      socket.off('error', onError);
      socket.on('error', () => undefined);
      resolve();
    });
  });
}

function checkPositive(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1 || v > 0xffffffff) throw new WitnessStartError(`${name} ${v} is not a positive integer number of milliseconds`);
}

function fmtAddr(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
