// The simulated pair: two daemons on loopback, the power switch that fences
// them, and the fault buttons of the demo. Reads each daemon's JSON log to
// follow roles and transitions; talks to the daemons over their control
// sockets for status and fault injection.

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Role } from '../core/types';
import type { DaemonStatus, InjectArgs } from '../daemon/contract';
import { controlRequest } from '../shell/control';
import { startSimPowerServer, type PowerBackend, type SimPowerServer } from '../simpower';
import { injectAll, sendCommand } from './controlCommands';
import type {
  CommandOutcome,
  NodeRef,
  NodeSnapshot,
  NodeStatusResult,
  PairEvent,
  PairEventListener,
  TransitionRecord,
} from './events';
import { LogLineSplitter, parseDaemonLogLine, type DaemonLogEvent } from './logLine';
import type { DiskAction } from './mdstatSim';
import { PairHardware } from './pairHardware';
import type { UpsAction } from './upsSim';
import { hardwareMark, removeClaim, writeClaim } from './orphans';
import { NodeProcess, type DaemonExit } from './nodeProcess';
import type { PairNodeFiles, RunDirLayout } from './runDir';

export interface PairSupervisorOptions {
  layout: RunDirLayout;
  repoRoot: string;
  /** The daemon's argv for a config file. Default: this Node running bin/edge-ha run --config FILE --log-format json. */
  daemonArgv?: (configPath: string) => [string, ...string[]];
  /** After a REBOOT fence, how long the node stays off. Default 2000. */
  rebootDelayMs?: number;
  /** After power returns, the daemon starts this much later (boot time). Default 1000. */
  bootDelayMs?: number;
  /** stop(): how long the daemons get to shut down before SIGKILL. Default 5000. */
  stopGraceMs?: number;
  /** Control requests give up after this long. Default 1500. */
  requestTimeoutMs?: number;
}

const TRANSITIONS_KEPT = 20;
/** Read by the daemon at start when testing.faultInjection is on (see src/daemon/daemon.ts). */
const INJECT_CUT_ENV = 'EDGE_HA_INJECT_CUT';
/** Events kept for a listener that subscribes late. */
const HISTORY_KEPT = 200;

interface Node {
  files: PairNodeFiles;
  proc: NodeProcess;
  splitter: LogLineSplitter;
  role: Role | null;
  epoch: number | null;
  transitions: TransitionRecord[];
  lastExit: NodeSnapshot['lastExit'];
}

export class PairSupervisor {
  private readonly nodes: [Node, Node];
  private readonly listeners = new Set<PairEventListener>();
  private readonly history: PairEvent[] = [];
  private readonly startWallMs = Date.now();
  private power: SimPowerServer | null = null;
  private stopping: Promise<void> | null = null;
  private readonly requestTimeoutMs: number;
  /** Paths cut now; they stay cut for a daemon that (re)starts until `heal`. */
  private readonly cuts = new Set<string>();
  private readonly envs: NodeJS.ProcessEnv[] = [];
  /** Carried by every process of this pair (EDGE_HA_PAIR_MARK=<token>:<node>). */
  private readonly token: string;
  /** Simulated UPS, RAID, watchdog of each node and the fence simulators. */
  readonly hardware: PairHardware;

  constructor(private readonly opts: PairSupervisorOptions) {
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 1500;
    const token = randomBytes(6).toString('hex');
    this.token = token;
    const argv = opts.daemonArgv ?? ((config: string) => defaultDaemonArgv(opts.repoRoot, config));
    const make = (files: PairNodeFiles): Node => {
      const node: Node = {
        files,
        splitter: new LogLineSplitter(),
        role: null,
        epoch: null,
        transitions: [],
        lastExit: null,
        proc: new NodeProcess({
          id: files.id,
          argv: argv(files.configPath),
          cwd: opts.repoRoot,
          // The daemon passes its environment to resource agents: this tells
          // the demo service where its pid file goes even if the daemon does not.
          env: this.envFor(files.id),
          mark: `${token}:${files.id}`,
          onStdout: (chunk) => this.onStdout(node, chunk),
          onSpawn: (pid) => this.emit({ type: 'daemon-start', tMs: this.now(), node: files.id, pid }),
          onExit: (exit) => this.onExit(node, exit),
          onBootFailed: (reason) => {
            const exit = { pid: 0, code: null, signal: null, cause: 'unexpected' as const, stderrLastLine: `boot failed: ${reason}` };
            this.onExit(node, exit);
          },
        }),
      };
      return node;
    };
    this.nodes = [make(opts.layout.nodes[0]), make(opts.layout.nodes[1])];
    this.hardware = new PairHardware({
      layout: opts.layout,
      power: this.backend(),
      emit: (e) => this.emit(e),
      now: () => this.now(),
      resetOffMs: opts.rebootDelayMs ?? 2000,
      isStopping: () => this.stopping !== null,
      mark: hardwareMark(token),
    });
  }

  /**
   * One environment object per node, read at every (re)start: a cut cable stays cut across a
   * reboot, so the supervisor's current cuts go to a booting daemon in EDGE_HA_INJECT_CUT.
   */
  private envFor(id: string): NodeJS.ProcessEnv {
    // The daemon passes its environment to resource agents: this tells the demo
    // service where its pid file goes even if the daemon does not.
    const env: NodeJS.ProcessEnv = { ...process.env, EDGE_HA_STATE_DIR: this.opts.layout.nodes.find((n) => n.id === id)?.stateDir, EDGE_HA_NODE: id, NO_COLOR: '1' };
    delete env[INJECT_CUT_ENV];
    this.envs.push(env);
    return env;
  }

  private rememberCuts(): void {
    for (const env of this.envs) {
      if (this.cuts.size) env[INJECT_CUT_ENV] = [...this.cuts].join(',');
      else delete env[INJECT_CUT_ENV];
    }
  }

  get nodeIds(): [string, string] {
    return [this.nodes[0].files.id, this.nodes[1].files.id];
  }

  get pathNames(): string[] {
    return [...this.opts.layout.pathNames];
  }

  /** ms since the pair started. */
  now(): number {
    return Date.now() - this.startWallMs;
  }

  /** `replay`: first hand the listener the events so far (the daemons start before a view subscribes). */
  onEvent(listener: PairEventListener, replay = false): () => void {
    if (replay) for (const event of this.history) listener(event);
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Starts the power switch, the simulated hardware and both daemons. Throws with a readable reason.
   * (prepareRunDir already refused a run dir where daemons still answer.)
   */
  async start(): Promise<void> {
    const { host, port } = this.opts.layout.power;
    const server = await startSimPowerServer({ host, port, backend: this.backend(), rebootDelayMs: this.opts.rebootDelayMs ?? 2000 });
    if (!server.ok) throw new Error(`${server.reason} (is another pair running? pass --port-base to move every port)`);
    this.power = server;
    // Claimed before anything else starts: a later pair reaps whatever a killed supervisor left.
    await writeClaim(this.opts.layout.runDir, { pid: process.pid, token: this.token, nodeIds: [...this.nodeIds] });
    try {
      await this.hardware.start();
    } catch (e) {
      this.power = null;
      await server.close();
      await removeClaim(this.opts.layout.runDir, this.token).catch(() => undefined);
      throw e;
    }
    for (const node of this.nodes) node.proc.start();
  }

  private backend(): PowerBackend {
    return {
      plugs: () => this.nodeIds,
      isOn: (plug) => this.byId(plug)?.proc.powered === true,
      powerOff: async (plug) => {
        const node = this.byIdOrThrow(plug);
        await node.proc.powerOff();
        this.hardware.powerLost(plug);
        this.emit({ type: 'power', tMs: this.now(), node: plug, on: false });
      },
      powerOn: async (plug) => {
        if (this.stopping !== null) throw new Error('the pair is shutting down');
        const node = this.byIdOrThrow(plug);
        await node.proc.powerOn(this.opts.bootDelayMs ?? 1000);
        this.emit({ type: 'power', tMs: this.now(), node: plug, on: true });
      },
    };
  }

  private byId(id: string): Node | undefined {
    return this.nodes.find((n) => n.files.id === id);
  }

  private byIdOrThrow(id: string): Node {
    const node = this.byId(id);
    if (node === undefined) throw new Error(`no node ${JSON.stringify(id)}`);
    return node;
  }

  /** Events seen outside the supervisor (the MQTT broker watch) join the same stream. */
  report(event: PairEvent): void {
    this.emit(event);
  }

  private emit(event: PairEvent): void {
    this.history.push(event);
    if (this.history.length > HISTORY_KEPT) this.history.shift();
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A broken view must not stop the supervisor from following the daemons.
      }
    }
  }

  private onStdout(node: Node, chunk: Buffer): void {
    for (const line of node.splitter.push(chunk)) {
      // Lines that are not JSON events (a stack trace, say) are not ours to show.
      const parsed = parseDaemonLogLine(line);
      if (parsed.ok) this.onLogEvent(node, parsed.event);
    }
  }

  private onLogEvent(node: Node, e: DaemonLogEvent): void {
    const tMs = Math.max(0, (e.wallMs ?? Date.now()) - this.startWallMs);
    const id = node.files.id;
    if (e.kind === 'transition') {
      node.role = e.to;
      node.epoch = e.epoch;
      node.transitions.push({ tMs, from: e.from, to: e.to, epoch: e.epoch, reason: e.reason });
      if (node.transitions.length > TRANSITIONS_KEPT) node.transitions.shift();
      this.emit({ type: 'transition', tMs, node: id, from: e.from, to: e.to, epoch: e.epoch, reason: e.reason });
    } else if (e.kind === 'fence') {
      const { phase, target, confirmedOff, reason } = e;
      this.emit({ type: 'fence', tMs, node: id, phase, target, confirmedOff, reason });
    } else if (e.kind === 'alarm') {
      this.emit({ type: 'alarm', tMs, node: id, id: e.id, message: e.message, raised: e.raised });
    } else if (e.kind === 'resource') {
      this.emit({ type: 'resource', tMs, node: id, op: e.op, ok: e.ok, running: e.running, reason: e.reason });
    }
  }

  private onExit(node: Node, exit: DaemonExit): void {
    const tMs = this.now();
    node.role = null;
    node.lastExit = { tMs, cause: exit.cause, detail: exit.stderrLastLine };
    const { pid, cause, code, signal } = exit;
    this.emit({ type: 'daemon-exit', tMs, node: node.files.id, pid, cause, code, signal, detail: exit.stderrLastLine });
  }

  /** `a`/`b` by position, `active` by last known role (the higher epoch if both claim it). */
  resolve(ref: NodeRef): { ok: true; id: string } | { ok: false; error: string } {
    if (ref === 'a') return { ok: true, id: this.nodes[0].files.id };
    if (ref === 'b') return { ok: true, id: this.nodes[1].files.id };
    const active = this.nodes.filter((n) => n.role === 'active').sort((x, y) => (y.epoch ?? 0) - (x.epoch ?? 0));
    const first = active[0];
    if (first !== undefined) return { ok: true, id: first.files.id };
    const roles = this.nodes.map((n) => `${n.files.id} ${n.role ?? 'down'}`).join(', ');
    return { ok: false, error: `no node is active (${roles})` };
  }

  crash(id: string): CommandOutcome {
    const node = this.byId(id);
    if (node === undefined) return { ok: false, message: `no node ${id}` };
    const pid = node.proc.pid;
    if (pid === null || !node.proc.crash()) return { ok: false, message: `${id}: no daemon is running` };
    return { ok: true, message: `${id}: daemon pid ${pid} killed (SIGKILL); its resource keeps running` };
  }

  freeze(id: string, seconds: number): CommandOutcome {
    const node = this.byId(id);
    if (node === undefined) return { ok: false, message: `no node ${id}` };
    if (!(seconds > 0 && seconds <= 3600)) return { ok: false, message: `freeze: seconds must be > 0 and ≤ 3600, got ${seconds}` };
    if (!node.proc.freeze(seconds)) return { ok: false, message: `${id}: no daemon is running` };
    return { ok: true, message: `${id}: daemon frozen (SIGSTOP) for ${seconds} s` };
  }

  /** Stops the daemon for good: no heartbeats, no watchdog keepalives, until its watchdog or the peer's fence resets the node. */
  hang(id: string): CommandOutcome {
    const node = this.byId(id);
    if (node === undefined) return { ok: false, message: `no node ${id}` };
    const pid = node.proc.pid;
    if (pid === null || !node.proc.hang()) return { ok: false, message: `${id}: no daemon is running` };
    const timeout = this.hardware.watchdogTimeoutSec(id);
    const by = timeout === null ? 'the peer fences it (this node has no watchdog)' : `its watchdog resets the node within ${timeout} s, unless the peer fences it first`;
    const detail = `daemon pid ${pid} hung (SIGSTOP, never resumed): no heartbeats, no watchdog keepalives; ${by}`;
    this.emit({ type: 'hardware', tMs: this.now(), node: id, device: 'watchdog', detail });
    return { ok: true, message: `${id}: ${detail}` };
  }

  ups(id: string, action: UpsAction): CommandOutcome {
    return this.hardware.ups(id, action);
  }

  disk(id: string, action: DiskAction): Promise<CommandOutcome> {
    return this.hardware.disk(id, action);
  }

  /** Drops heartbeats on one path (or `all`) at both daemons. */
  cut(path: string): Promise<CommandOutcome> {
    if (path !== 'all' && !this.opts.layout.pathNames.includes(path)) {
      const known = [...this.opts.layout.pathNames, 'all'].join(', ');
      return Promise.resolve({ ok: false, message: `cut: unknown path ${JSON.stringify(path)}; expected one of ${known}` });
    }
    for (const p of path === 'all' ? this.opts.layout.pathNames : [path]) this.cuts.add(p);
    this.rememberCuts();
    return this.injectBoth({ action: 'cut', path }, `cut ${path}`);
  }

  heal(): Promise<CommandOutcome> {
    this.cuts.clear();
    this.rememberCuts();
    return this.injectBoth({ action: 'heal', path: 'all' }, 'heal');
  }

  private injectBoth(args: InjectArgs, what: string): Promise<CommandOutcome> {
    return injectAll(this.nodes.map((n) => n.files), args, what, this.requestTimeoutMs);
  }

  /** Asks the active node to hand the service to its peer. */
  async switchover(): Promise<CommandOutcome> {
    const active = this.resolve('active');
    if (!active.ok) return { ok: false, message: `switchover: ${active.error}` };
    const r = await sendCommand(this.byIdOrThrow(active.id).files, 'switchover', {}, this.requestTimeoutMs);
    return { ok: r.ok, message: `switchover via ${active.id}: ${r.message}` };
  }

  /** Both nodes' status; a node that does not answer is reported, not thrown. */
  async status(): Promise<[NodeStatusResult, NodeStatusResult]> {
    return Promise.all([this.nodeStatus(0), this.nodeStatus(1)]);
  }

  /** One node's status (0 = a, 1 = b), so a frozen node does not hold up the other's. */
  async nodeStatus(index: 0 | 1): Promise<NodeStatusResult> {
    const n = this.nodes[index];
    try {
      const status = (await this.request(n, 'status', {})) as DaemonStatus;
      if (status?.core?.role !== undefined && n.proc.pid !== null) {
        n.role = status.core.role;
        n.epoch = status.core.epoch;
      }
      return { node: n.files.id, ok: true, status };
    } catch (e) {
      const powered = n.proc.powered;
      return { node: n.files.id, ok: false, error: (e as Error).message, powered, daemonRunning: n.proc.pid !== null };
    }
  }

  private request(node: Node, cmd: string, args: Record<string, unknown>): Promise<unknown> {
    return controlRequest(node.files.controlSocket, cmd, args, { timeoutMs: this.requestTimeoutMs });
  }

  snapshot(): [NodeSnapshot, NodeSnapshot] {
    const one = (n: Node): NodeSnapshot => ({
      id: n.files.id,
      powered: n.proc.powered,
      pid: n.proc.pid,
      frozen: n.proc.frozen,
      booting: n.proc.booting,
      role: n.role,
      epoch: n.epoch,
      transitions: n.transitions.slice(-5),
      lastExit: n.lastExit,
      hardware: this.hardware.snapshot(n.files.id),
      hung: n.proc.hung,
    });
    return [one(this.nodes[0]), one(this.nodes[1])];
  }

  /** Stops both daemons, every process of both nodes, the simulated hardware and the power switch. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const graceMs = this.opts.stopGraceMs ?? 5000;
      await this.hardware.stopWatchdogs();
      await Promise.all(this.nodes.map((n) => n.proc.stop(graceMs)));
      await this.hardware.stop();
      await this.power?.close();
      await removeClaim(this.opts.layout.runDir, this.token).catch(() => undefined);
    })();
    return this.stopping;
  }
}

export function defaultDaemonArgv(repoRoot: string, configPath: string): [string, ...string[]] {
  return [process.execPath, join(repoRoot, 'bin', 'edge-ha'), 'run', '--config', configPath, '--log-format', 'json'];
}
