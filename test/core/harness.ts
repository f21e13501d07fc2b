// A deterministic, hand-driven harness for the pure core (not the seeded
// simulator of src/sim): two cores wired back to back over a manual clock, or
// one core fed hand-made heartbeats. Everything a core emits is recorded in a
// transcript (fixtures.ts) that tests assert on.

import { ClusterCore } from '../../src/core/core';
import type { CoreAction, CoreConfig, CoreEvent, CoreStatus, HealthLevel, OperatorCommand, PersistedState, Role } from '../../src/core/types';
import { A, B, type EventIn, Recorder, testConfig } from './fixtures';

export { Solo } from './solo';

export type Key = 'a' | 'b';

interface Node {
  key: Key;
  id: string;
  cfg: CoreConfig;
  core: ClusterCore | null;
  frozen: boolean;
  incarnation: number;
  /** Bumped when the process dies, so deliveries meant for the old life are dropped. */
  life: number;
  stored: PersistedState | undefined;
  /** Ground truth of the resource: a power-off stops it, a daemon crash would not. */
  running: boolean;
  ops: Array<{ opId: number; op: 'start' | 'stop' | 'monitor' }>;
  fences: number[];
  inbox: Array<() => void>;
  lastCallMs: number;
}

interface Pending { atMs: number; seq: number; node: Node; life: number; run: () => void }

export interface PairOptions {
  a?: Partial<CoreConfig>;
  b?: Partial<CoreConfig>;
  /** One-way delivery time of a heartbeat. */
  delayMs?: number;
  /** Resource operations succeed on their own after this long; null: tests complete them by hand. */
  resourceMs?: number | null;
  /** Nodes booted at time 0 (default both). */
  boot?: Key[];
}

export class Pair extends Recorder {
  now = 0;
  resourceMs: number | null;
  readonly delayMs: number;
  private readonly nodes: Record<Key, Node>;
  private queue: Pending[] = [];
  private readonly cuts = new Set<string>();
  private seq = 0;
  private cmdId = 0;

  constructor(opts: PairOptions = {}) {
    super();
    this.delayMs = opts.delayMs ?? 1;
    this.resourceMs = opts.resourceMs === undefined ? 10 : opts.resourceMs;
    const mk = (key: Key, id: string, peer: string, over?: Partial<CoreConfig>): Node => ({
      key, id, cfg: testConfig(id, peer, over), core: null, frozen: false, incarnation: 0, life: 0,
      stored: undefined, running: false, ops: [], fences: [], inbox: [], lastCallMs: 0,
    });
    this.nodes = { a: mk('a', A, B, opts.a), b: mk('b', B, A, opts.b) };
    for (const k of opts.boot ?? ['a', 'b']) this.boot(k);
  }

  core(k: Key): ClusterCore {
    const c = this.nodes[k].core;
    if (!c) throw new Error(`${this.nodes[k].id} is not running\n${this.transcript()}`);
    return c;
  }
  role(k: Key): Role { return this.core(k).currentRole; }
  status(k: Key): CoreStatus { return this.core(k).status(this.now); }
  alive(k: Key): boolean { return this.nodes[k].core !== null; }
  running(k: Key): boolean { return this.nodes[k].running; }
  stored(k: Key): PersistedState | undefined { return this.nodes[k].stored; }

  /** Start the daemon (again) with a new incarnation and whatever it last persisted. */
  boot(k: Key): CoreAction[] {
    const n = this.nodes[k];
    n.life++;
    n.incarnation++;
    n.ops = [];
    n.fences = [];
    n.inbox = [];
    n.frozen = false;
    n.core = new ClusterCore({ config: n.cfg, persisted: n.stored, incarnation: n.incarnation });
    const core = n.core;
    return this.call(n, `boot (incarnation ${n.incarnation})`, () => core.boot(this.now));
  }

  powerOff(k: Key): void {
    const n = this.nodes[k];
    this.record(n.id, this.now, [], 'power off');
    Object.assign(n, { core: null, running: false, frozen: false, ops: [], fences: [], inbox: [] });
    n.life++;
  }

  freeze(k: Key): void { this.nodes[k].frozen = true; }
  /** The process resumes: its timer fires first, then what queued up while it was frozen. */
  thaw(k: Key): void {
    const n = this.nodes[k];
    n.frozen = false;
    this.tick(n);
    for (const run of n.inbox.splice(0)) if (n.core && !n.frozen) run();
  }

  /** Cut a path (all paths when omitted) in one direction (from `from`) or both. */
  cut(path?: string, from?: Key): void { this.linkSet(path, from, true); }
  heal(path?: string, from?: Key): void { this.linkSet(path, from, false); }

  /** Run the clock forward, ticking each core at its nextWakeMs and delivering what is due. */
  advance(ms: number, until?: () => boolean): number {
    const end = this.now + ms;
    for (let steps = 0; ; steps++) {
      if (steps > 200_000) throw new Error(`harness: no progress by ${this.now} ms\n${this.transcript()}`);
      const t = Math.min(this.queue[0]?.atMs ?? Infinity, this.wake(this.nodes.a), this.wake(this.nodes.b));
      if (t > end) break;
      this.now = Math.max(this.now, t);
      while (this.queue.length > 0 && this.queue[0].atMs <= this.now) this.deliver(this.queue.shift() as Pending);
      for (const n of [this.nodes.a, this.nodes.b]) if (this.wake(n) <= this.now) this.tick(n);
      if (until?.()) return this.now;
    }
    this.now = end;
    if (until) throw new Error(`harness: condition not met within ${ms} ms\n${this.transcript()}`);
    return this.now;
  }

  /** Advance until `until` holds; returns the time it did (throws with the transcript otherwise). */
  advanceUntil(until: () => boolean, maxMs = 10_000): number {
    return until() ? this.now : this.advance(maxMs, until);
  }

  completeStart(k: Key, ok = true): void { this.finishOp(this.nodes[k], 'start', ok); }
  completeStop(k: Key, ok = true): void { this.finishOp(this.nodes[k], 'stop', ok); }
  completeMonitor(k: Key, ok = true): void { this.finishOp(this.nodes[k], 'monitor', ok); }
  pendingOps(k: Key): string[] { return this.nodes[k].ops.map((o) => o.op); }
  /** The resource dies on its own (the next monitor reports it not running). */
  crashResource(k: Key): void { this.nodes[k].running = false; }

  /** The device confirms the peer of `k` is off; by default it really is powered off first. */
  confirmFence(k: Key, opts: { powerOff?: boolean } = {}): void {
    if (opts.powerOff ?? true) this.powerOff(k === 'a' ? 'b' : 'a');
    this.answerFence(k, true, 'device reports power off');
  }
  failFence(k: Key, reason = 'device unreachable'): void { this.answerFence(k, false, reason); }

  command(k: Key, command: OperatorCommand): Extract<CoreAction, { type: 'commandResult' }> {
    const cmdId = ++this.cmdId;
    const out = this.feed(this.nodes[k], { type: 'command', cmdId, command }, `command ${command.kind}`);
    const r = out.find((a) => a.type === 'commandResult' && a.cmdId === cmdId);
    if (!r || r.type !== 'commandResult') throw new Error(`no result for command ${command.kind}\n${this.transcript()}`);
    return r;
  }
  health(k: Key, level: HealthLevel, source = 'raid'): CoreAction[] {
    return this.feed(this.nodes[k], { type: 'health', source, level, reason: `${source} is ${level}` }, `health ${source} ${level}`);
  }
  /** The node's UPS reading as a `power` health source (UPS critical = its power is about to go). */
  power(k: Key, level: HealthLevel, reason = `ups is ${level}`): CoreAction[] {
    return this.feed(this.nodes[k], { type: 'health', source: 'ups', level, reason, kind: 'power' }, `power ${level}`);
  }
  /** Any event, stamped with the harness clock. */
  event(k: Key, ev: EventIn, label?: string): CoreAction[] {
    return this.feed(this.nodes[k], ev, label ?? ev.type);
  }
  shutdown(k: Key): CoreAction[] { return this.feed(this.nodes[k], { type: 'shutdown', reason: 'SIGTERM' }, 'shutdown'); }

  // ---------------------------------------------------------------- internals

  private linkSet(path: string | undefined, from: Key | undefined, cut: boolean): void {
    for (const p of path ? [path] : this.nodes.a.cfg.paths.map((q) => q.name)) {
      for (const f of from ? [from] : (['a', 'b'] as Key[])) {
        if (cut) this.cuts.add(`${p}:${f}`);
        else this.cuts.delete(`${p}:${f}`);
      }
    }
    this.record('net', this.now, [], `${cut ? 'cut' : 'heal'} ${path ?? 'all paths'}${from ? ` from ${from}` : ''}`);
  }

  private wake(n: Node): number {
    if (!n.core || n.frozen) return Infinity;
    return Math.max(Math.ceil(n.core.nextWakeMs()), n.lastCallMs + 1);
  }

  private tick(n: Node): void {
    const core = n.core;
    if (core) this.call(n, undefined, () => core.handle({ type: 'tick', nowMs: this.now }));
  }

  private feed(n: Node, ev: EventIn, input?: string): CoreAction[] {
    const core = n.core;
    if (!core) throw new Error(`${n.id} is not running\n${this.transcript()}`);
    return this.call(n, input, () => core.handle({ ...ev, nowMs: this.now } as CoreEvent));
  }

  private call(n: Node, input: string | undefined, fn: () => CoreAction[]): CoreAction[] {
    n.lastCallMs = this.now;
    const out = this.record(n.id, this.now, fn(), input);
    for (const a of out) this.apply(n, a);
    return out;
  }

  private apply(n: Node, a: CoreAction): void {
    const other = n.key === 'a' ? this.nodes.b : this.nodes.a;
    if (a.type === 'send' && !this.cuts.has(`${a.path}:${n.key}`)) {
      this.schedule(other, this.delayMs, () => this.feed(other, { type: 'heartbeat', path: a.path, hb: a.hb }));
    } else if (a.type === 'persist') n.stored = a.state;
    else if (a.type === 'fence') n.fences.push(a.fenceId);
    else if (a.type === 'exit') this.powerOff(n.key);
    else if (a.type === 'startResource' || a.type === 'stopResource' || a.type === 'monitorResource') {
      const op = a.type === 'startResource' ? 'start' : a.type === 'stopResource' ? 'stop' : 'monitor';
      n.ops.push({ opId: a.opId, op });
      if (this.resourceMs !== null) this.schedule(n, this.resourceMs, () => this.finishOp(n, op, true, a.opId));
    }
  }

  private schedule(n: Node, afterMs: number, run: () => void): void {
    this.queue.push({ atMs: this.now + afterMs, seq: ++this.seq, node: n, life: n.life, run });
    this.queue.sort((x, y) => x.atMs - y.atMs || x.seq - y.seq);
  }

  private deliver(p: Pending): void {
    if (p.life !== p.node.life || !p.node.core) return;
    if (p.node.frozen) p.node.inbox.push(p.run);
    else p.run();
  }

  private finishOp(n: Node, op: 'start' | 'stop' | 'monitor', ok: boolean, opId?: number): void {
    const i = n.ops.findIndex((o) => o.op === op && (opId === undefined || o.opId === opId));
    if (i < 0) {
      if (opId !== undefined) return; // already completed by hand
      throw new Error(`${n.id} has no pending ${op}\n${this.transcript()}`);
    }
    const id = n.ops.splice(i, 1)[0].opId;
    if (ok && op !== 'monitor') n.running = op === 'start';
    const running = op === 'monitor' ? n.running : n.running && ok;
    this.feed(n, { type: 'resourceResult', opId: id, op, ok, running, reason: ok ? `${op} ok` : `${op} failed` }, `${op} #${id} ${ok ? 'ok' : 'failed'}`);
  }

  private answerFence(k: Key, confirmedOff: boolean, reason: string): void {
    const n = this.nodes[k];
    const fenceId = n.fences.pop();
    if (fenceId === undefined) throw new Error(`${n.id} has no fence in flight\n${this.transcript()}`);
    n.fences = [];
    this.feed(n, { type: 'fenceResult', fenceId, confirmedOff, device: 'ipmi', reason }, `fence #${fenceId} ${confirmedOff ? 'confirmed' : 'failed'}`);
  }
}

/** Both nodes up, the preferred one (node-a by default) active with the resource running and seen so by the other. */
export function formedPair(opts: PairOptions = {}): Pair {
  const h = new Pair({ ...opts, resourceMs: 10 });
  const formed = (k: Key, o: Key) => h.role(k) === 'active' && h.running(k) && h.status(o).peer.resource === 'running';
  h.advanceUntil(() => formed('a', 'b') || formed('b', 'a'), 2000);
  h.resourceMs = opts.resourceMs === undefined ? 10 : opts.resourceMs;
  return h;
}
