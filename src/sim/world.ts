// The simulated world of a two-node pair: time, network, power switch, fence
// devices and resources, all driven by one seeded PRNG and one event queue.
// The real ClusterCore runs inside; the world executes its actions the way the
// daemon does (persist first, in order) and injects named faults.

import { ClusterCore, type CoreInit } from '../core/core';
import type { CoreAction, CoreEvent, OperatorCommand, StartCause } from '../core/types';
import { EventQueue } from './eventQueue';
import { coreConfigFor, type SimParams } from './params';
import type { Prng } from './prng';
import { SimNode, type FenceMode } from './simNode';

export type CoreFactory = (init: CoreInit) => ClusterCore;

/** What the checkers observe. */
export type Observation =
  | { kind: 'start'; node: SimNode; cause: StartCause; atMs: number }
  | { kind: 'fence-fired'; node: SimNode; atMs: number }
  | { kind: 'fence-confirmed'; node: SimNode; atMs: number }
  /** What the fence device and the status read-back made of one fire (delivered to the core or not). */
  | { kind: 'fence-result'; node: SimNode; confirmedOff: boolean; reason: string; atMs: number }
  | { kind: 'persist'; node: SimNode; epoch: number; atMs: number }
  | { kind: 'bad-delivery'; pathIndex: number; from: SimNode; atMs: number }
  | { kind: 'not-alive'; node: SimNode; atMs: number }
  | { kind: 'step'; atMs: number };

export interface Observer {
  observe(o: Observation, world: SimWorld): void;
}

const FROZEN_INBOX_MAX = 256;
const LIVELOCK_EVENTS = 20_000;

export class SimWorld {
  nowMs = 0;
  readonly q = new EventQueue();
  readonly a = new SimNode('a');
  readonly b = new SimNode('b');
  /** cut[pathIndex][fromKey] drops everything from that node on that path. */
  readonly cut: Record<'a' | 'b', boolean>[];
  readonly extraLoss: number[];
  readonly observers: Observer[] = [];
  readonly trace: string[] = [];
  traceAll = false;
  persistFailProb: number;
  baseLoss: number;
  events = 0;
  private sameInstant = 0;
  /** Set when simulated time stops advancing; the scenario reports it as a violation. */
  livelock: string | null = null;

  constructor(
    readonly p: SimParams,
    readonly r: Prng,
    private readonly coreFactory: CoreFactory,
  ) {
    this.cut = p.paths.map(() => ({ a: false, b: false }));
    this.extraLoss = p.paths.map(() => 0);
    this.persistFailProb = p.persistFailProb;
    this.baseLoss = p.baseLoss;
  }

  peerOf(n: SimNode): SimNode {
    return n === this.a ? this.b : this.a;
  }

  log(line: string): void {
    const s = `${this.nowMs.toFixed(1).padStart(9)} ms  ${line}`;
    this.trace.push(s);
    if (!this.traceAll && this.trace.length > 400) this.trace.splice(0, this.trace.length - 300);
  }

  emit(o: Observation): void {
    if (o.kind === 'not-alive') o.node.lastNotAliveMs = o.atMs;
    for (const ob of this.observers) ob.observe(o, this);
  }

  at(delayMs: number, run: () => void): void {
    this.q.push(this.nowMs + Math.max(0, delayMs), run);
  }

  /** Run the queue until untilMs. */
  runUntil(untilMs: number, stopWhen?: () => boolean): void {
    while (this.q.peekTime() <= untilMs) {
      const e = this.q.pop();
      if (!e) break;
      this.sameInstant = e.atMs === this.nowMs ? this.sameInstant + 1 : 0;
      if (this.sameInstant > LIVELOCK_EVENTS) {
        this.livelock = `more than ${LIVELOCK_EVENTS} events at ${this.nowMs.toFixed(1)} ms without time advancing (a core asks to be woken in the past)`;
        return;
      }
      this.nowMs = e.atMs;
      e.run();
      this.events++;
      this.emit({ kind: 'step', atMs: this.nowMs });
      if (stopWhen?.()) return;
    }
    this.nowMs = Math.max(this.nowMs, untilMs);
  }

  // ------------------------------------------------------------ daemon life

  startDaemon(n: SimNode): void {
    if (!n.power || n.proc !== 'dead') return;
    n.life++;
    n.incarnation++;
    n.proc = 'running';
    n.frozenInbox = [];
    n.lastNotAliveMs = this.nowMs;
    this.emit({ kind: 'not-alive', node: n, atMs: this.nowMs });
    n.core = this.coreFactory({ config: coreConfigFor(this.p, n.key), persisted: n.storage, incarnation: n.incarnation });
    this.log(`${n.id}  daemon starts (incarnation ${n.incarnation}, epoch ${n.storage?.epoch ?? 0})`);
    this.exec(n, n.core.boot(this.nowMs));
  }

  crash(n: SimNode): void {
    if (n.proc === 'dead') return;
    this.log(`${n.id}  FAULT crash (daemon killed; resource ${n.resource} keeps its state)`);
    this.kill(n);
  }

  freeze(n: SimNode, forMs: number): void {
    if (n.proc !== 'running') return;
    this.log(`${n.id}  FAULT freeze for ${forMs} ms`);
    n.proc = 'frozen';
    this.emit({ kind: 'not-alive', node: n, atMs: this.nowMs });
    const life = n.life;
    this.at(forMs, () => {
      if (n.life !== life || n.proc !== 'frozen') return;
      this.log(`${n.id}  resumes after freeze`);
      n.proc = 'running';
      this.emit({ kind: 'not-alive', node: n, atMs: this.nowMs });
      // The worst order for the core: its timer fires before the queued datagrams are read.
      this.deliver(n, { type: 'tick', nowMs: this.nowMs });
      const inbox = n.frozenInbox;
      n.frozenInbox = [];
      for (const ev of inbox) this.deliver(n, { ...ev, nowMs: this.nowMs });
    });
  }

  powerOff(n: SimNode, why: string): void {
    if (!n.power) return;
    this.log(`${n.id}  POWER OFF (${why})`);
    n.power = false;
    n.resource = 'stopped';
    n.resourceBusyUntilMs = 0;
    n.powerGen++;
    this.kill(n);
  }

  powerOn(n: SimNode): void {
    if (n.power) return;
    n.power = true;
    this.log(`${n.id}  power on; boots in ${this.p.bootDelayMs} ms`);
    const life = n.life;
    this.at(this.p.bootDelayMs, () => {
      if (n.power && n.life === life) this.startDaemon(n);
    });
  }

  private kill(n: SimNode): void {
    n.proc = 'dead';
    n.core = null;
    n.life++;
    n.tickAtMs = Infinity;
    n.frozenInbox = [];
    this.emit({ kind: 'not-alive', node: n, atMs: this.nowMs });
  }

  command(n: SimNode, command: OperatorCommand): void {
    this.log(`${n.id}  OPERATOR ${command.kind}`);
    this.deliver(n, { type: 'command', nowMs: this.nowMs, cmdId: 0, command });
  }

  health(n: SimNode, level: 'ok' | 'critical'): void {
    this.log(`${n.id}  HEALTH ${level}`);
    this.deliver(n, { type: 'health', nowMs: this.nowMs, source: 'sim', level, reason: `simulated ${level}` });
  }

  /** Set a node's fence device mode now; cancels the rest of any sequence under way. */
  setFenceMode(n: SimNode, mode: FenceMode): void {
    n.fenceSequenceGen++;
    this.applyFenceMode(n, mode);
  }

  /**
   * Fence device modes in turn, each for its time, then `then` (default ok):
   * a device that hangs, fails or lies for a while and then recovers.
   */
  fenceSequence(n: SimNode, steps: readonly { mode: FenceMode; forMs: number }[], then: FenceMode = 'ok'): void {
    const gen = ++n.fenceSequenceGen;
    let offsetMs = 0;
    for (const [i, step] of [...steps, { mode: then, forMs: 0 }].entries()) {
      if (i === 0) this.applyFenceMode(n, step.mode);
      else this.at(offsetMs, () => n.fenceSequenceGen === gen && this.applyFenceMode(n, step.mode));
      offsetMs += step.forMs;
    }
  }

  private applyFenceMode(n: SimNode, mode: FenceMode): void {
    if (n.fenceMode !== mode) this.log(`${n.id}  fence device -> ${mode}`);
    n.fenceMode = mode;
  }

  // ------------------------------------------------------------ core I/O

  /** Hand one event to a node's core, or to its inbox while it is frozen. */
  deliver(n: SimNode, ev: CoreEvent): void {
    if (!n.power || n.proc === 'dead' || !n.core) return;
    if (n.proc === 'frozen') {
      if (ev.type === 'tick') return;
      n.frozenInbox.push(ev);
      if (n.frozenInbox.length > FROZEN_INBOX_MAX) {
        // The socket buffer overflows and the oldest datagram is lost; a child's exit, a fence result or a command is not.
        const oldest = n.frozenInbox.findIndex((e) => e.type === 'heartbeat');
        if (oldest >= 0) n.frozenInbox.splice(oldest, 1);
      }
      return;
    }
    if (ev.type === 'fenceResult' && ev.confirmedOff) {
      n.confirmedFenceSeen = true;
      this.emit({ kind: 'fence-confirmed', node: n, atMs: this.nowMs });
    }
    this.exec(n, n.core.handle(ev));
  }

  private exec(n: SimNode, actions: CoreAction[]): void {
    const life = n.life;
    let failed = false;
    const skippedOpIds: number[] = [];
    const skippedFenceIds: number[] = [];
    for (const a of actions) {
      if (n.life !== life || !n.core) return;
      if (a.type === 'persist' && (failed || this.r.chance(this.persistFailProb))) {
        if (!failed) this.log(`${n.id}  FAULT state write failed; starts and fences of this batch skipped`);
        failed = true;
        continue;
      }
      if (failed && a.type === 'startResource') skippedOpIds.push(a.opId);
      else if (failed && a.type === 'fence') skippedFenceIds.push(a.fenceId);
      else this.execOne(n, a, life);
    }
    if (failed) {
      this.at(0, () => n.life === life && this.deliver(n, { type: 'persistFailed', nowMs: this.nowMs, reason: 'simulated EIO', skippedOpIds, skippedFenceIds }));
    }
    this.scheduleTick(n);
  }

  private execOne(n: SimNode, a: CoreAction, life: number): void {
    switch (a.type) {
      case 'send':
        return this.transmit(n, a.path, a.hb);
      case 'persist':
        if (a.state.epoch > n.epochHigh) n.epochHigh = a.state.epoch;
        this.emit({ kind: 'persist', node: n, epoch: a.state.epoch, atMs: this.nowMs });
        n.storage = a.state;
        return;
      case 'fence':
        return this.fire(n, a.fenceId, life);
      case 'startResource':
        this.log(`${n.id}  start resource (${a.cause}, epoch ${a.epoch})`);
        this.emit({ kind: 'start', node: n, cause: a.cause, atMs: this.nowMs });
        n.confirmedFenceSeen = false;
        return this.resourceOp(n, 'start', a.opId, life);
      case 'stopResource':
        return this.resourceOp(n, 'stop', a.opId, life);
      case 'monitorResource':
        return this.resourceOp(n, 'monitor', a.opId, life);
      case 'transition':
        return this.log(`${n.id}  ${a.transition.from} -> ${a.transition.to} (epoch ${a.transition.epoch}): ${a.transition.reason}`);
      case 'alarm':
        return this.log(`${n.id}  alarm ${a.raised ? 'RAISED' : 'cleared'} ${a.alarm.id}: ${a.alarm.message}`);
      case 'notice':
        return this.log(`${n.id}  ${a.name}: ${a.message}`);
      case 'commandResult':
        return this.log(`${n.id}  command ${a.ok ? 'ok' : 'refused'}: ${a.message}`);
      case 'exit':
        this.log(`${n.id}  daemon exits (${a.reason})`);
        return this.kill(n);
    }
  }

  private scheduleTick(n: SimNode): void {
    if (!n.core) return;
    const t = Math.max(this.nowMs, n.core.nextWakeMs());
    if (t === n.tickAtMs || t === Infinity) return;
    n.tickAtMs = t;
    const gen = ++n.tickGen;
    const life = n.life;
    this.q.push(t, () => {
      if (n.tickGen !== gen || n.life !== life) return;
      n.tickAtMs = Infinity;
      this.deliver(n, { type: 'tick', nowMs: this.nowMs });
      if (n.proc === 'frozen') n.tickAtMs = Infinity;
    });
  }

  private transmit(from: SimNode, pathName: string, hb: import('../core/types').Heartbeat): void {
    const i = this.p.paths.findIndex((x) => x.name === pathName);
    const to = this.peerOf(from);
    const loss = Math.min(1, this.baseLoss + (this.extraLoss[i] ?? 0));
    if ((this.cut[i] as Record<'a' | 'b', boolean>)[from.key] || this.r.chance(loss)) {
      this.emit({ kind: 'bad-delivery', pathIndex: i, from, atMs: this.nowMs });
      return;
    }
    const delay = this.p.netDelayMinMs + this.r.next() * this.p.netDelayJitterMs;
    this.at(delay, () => this.deliver(to, { type: 'heartbeat', nowMs: this.nowMs, path: pathName, hb }));
  }

  // ------------------------------------------------------------ devices

  private fire(n: SimNode, fenceId: number, life: number): void {
    const target = this.peerOf(n);
    const mode = n.fenceMode;
    this.emit({ kind: 'fence-fired', node: n, atMs: this.nowMs });
    this.log(`${n.id}  fence ${target.id} fired (device ${mode})`);
    if (mode === 'hang') return;
    const latency = mode === 'slow' ? this.p.fenceTimeoutMs * 1.5 : this.p.fenceLatencyMs;
    this.at(latency, () => {
      const { confirmedOff, reason } = this.fenceOutcome(n, target, mode);
      this.emit({ kind: 'fence-result', node: n, confirmedOff, reason, atMs: this.nowMs });
      if (n.life !== life) return;
      this.deliver(n, { type: 'fenceResult', nowMs: this.nowMs, fenceId, confirmedOff, device: 'sim-switch', reason });
    });
  }

  /**
   * What the device does, then what the shell's confirmation sees: like the
   * real fencer, an off counts only when a status read afterwards says off.
   */
  private fenceOutcome(n: SimNode, target: SimNode, mode: FenceMode): { confirmedOff: boolean; reason: string } {
    if (mode === 'fail' || !n.power) return { confirmedOff: false, reason: 'sim-switch: relay fault' };
    if (mode === 'lie') {
      // The device reports its off done but switched nothing: the read-back decides.
      if (!target.power) return { confirmedOff: true, reason: `sim-switch: ${target.id} off, status reads off` };
      this.log(`${n.id}  sim-switch claims ${target.id} off; status still reads on`);
      return { confirmedOff: false, reason: `sim-switch claimed ${target.id} off (device reported success) but status still reads on` };
    }
    this.powerOff(target, `fenced by ${n.id}`);
    if (this.p.fenceAction === 'reboot') this.at(this.p.rebootDelayMs, () => this.powerOn(target));
    return { confirmedOff: true, reason: `sim-switch: ${target.id} off, status reads off` };
  }

  private resourceOp(n: SimNode, op: 'start' | 'stop' | 'monitor', opId: number, life: number): void {
    const startAt = Math.max(this.nowMs, n.resourceBusyUntilMs);
    const dur = op === 'start' ? this.p.startMs : op === 'stop' ? this.p.stopMs : 1;
    n.resourceBusyUntilMs = startAt + dur;
    // The resource is ground truth that outlives the daemon, but not the power:
    // an operation cut by a power loss never completes, even once power is back.
    const powerGen = n.powerGen;
    const powered = () => n.power && n.powerGen === powerGen;
    this.q.push(startAt, () => {
      if (!powered()) return;
      if (op === 'start') n.resource = 'starting';
      if (op === 'stop' && n.resource !== 'stopped') n.resource = 'stopping';
    });
    this.q.push(startAt + dur, () => {
      if (!powered()) return;
      if (op === 'start') n.resource = 'running';
      if (op === 'stop') n.resource = 'stopped';
      const running = n.resource === 'running';
      if (n.life !== life) return;
      this.deliver(n, { type: 'resourceResult', nowMs: this.nowMs, opId, op, ok: true, running, reason: `${op} done` });
    });
  }
}
