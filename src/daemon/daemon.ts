// The daemon binds the pure core to the world: UDP sockets, one timer, the
// resource command, the fencer, the state directory and the control socket.
// It makes no decisions. Order rules (as in etcd raft's Ready handling):
// a persist is durable before any later start or fence of the same batch
// runs; heartbeats and log lines go out at once and never wait for the disk.

import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Config } from '../config/types';
import { toCoreConfig } from '../config/toCore';
import { ClusterCore } from '../core/core';
import type { CoreAction, CoreEvent, OperatorCommand, PersistedState } from '../core/types';
import { encodeHeartbeat } from '../protocol/heartbeatCodec';
import { loadKeyFile, type Keyring } from '../protocol/keyring';
import { HeartbeatReceiver } from '../protocol/receiver';
import { startControlServer, type ControlServer } from '../shell/control';
import { Fencer } from '../shell/fence/fencer';
import { FENCE_HISTORY_NAME, finishedFields, type FenceRequestRecord } from '../shell/fence/history';
import { fenceLevelsFor } from '../shell/fence/topology';
import type { Logger } from '../shell/log';
import { CommandResource } from '../shell/resource/commandResource';
import { StateStore } from '../shell/state';
import type { CommandReply, DaemonEvent, DaemonStatus, InjectArgs } from './contract';
import { LOG_EVENTS } from './contract';
import { validatePersisted } from './persisted';
import { UdpTransport } from './transport';
import { createTelemetry } from '../telemetry/context';
import type { TelemetryPublisher } from '../telemetry/publisher';
import { VERSION } from '../version';
import { spawn } from 'node:child_process';
import { HardwareRuntime } from './hardware/runtime';
import { WatchdogRuntime } from './hardware/watchdog';
import { ArbiterLink } from './arbiterLink';
import { applyBoard } from './hardware/board';
import { LedLink } from './hardware/leds';
import { FenceDeviceMonitor } from '../shell/fence/deviceMonitor';
import { timerSchedule } from '../../hw/ups/schedule';
import type { Alarm } from '../core/types';
import type { HardwareConfig } from '../config/types';
import type { ResolvedBoard } from '../../hw/boards';

const COMMAND_TIMEOUT_MS = 5000;
const FENCE_HISTORY_MAX_BYTES = 1024 * 1024;
const CORE_STATE = 'core';

export const monoMs = (): number => performance.now();
export const wallMs = (): number => performance.timeOrigin + performance.now();

export class Daemon {
  private core!: ClusterCore;
  private store!: StateStore;
  private receiver!: HeartbeatReceiver;
  private keyring!: Keyring;
  private transport!: UdpTransport;
  private control: ControlServer | null = null;
  private telemetry: TelemetryPublisher | null = null;
  /** Why telemetry is enabled but not running (bad password file, unreadable certificate...). */
  private telemetryError: string | null = null;
  private readonly resource: CommandResource;
  private readonly fencer: Fencer;
  private timer: NodeJS.Timeout | null = null;
  /** Deadline the armed timer fires for (NaN: none armed or it already fired). */
  private timerAtMs = NaN;
  private effects: Promise<void> = Promise.resolve();
  private readonly pendingCommands = new Map<number, (r: CommandReply) => void>();
  private nextCmdId = 1;
  private readonly startedMs = monoMs();
  private hardware: HardwareRuntime | null = null;
  private watchdog: WatchdogRuntime | null = null;
  private arbiter: ArbiterLink | null = null;
  private readonly leds = new LedLink();
  private fenceMonitor: FenceDeviceMonitor | null = null;
  /** Alarms raised by the shell itself (a broken fence device), shown with the core's. */
  private readonly shellAlarms = new Map<string, Alarm>();
  private fencing = 0;
  /** The hardware section with the board profile's wiring filled in (set at start). */
  private hw!: HardwareConfig;
  private board: ResolvedBoard | null = null;
  /** When the last heartbeat left (the watchdog gate pets only while heartbeats go out). */
  private lastSendMs: number | null = null;
  private finished = false;
  private resolveDone!: (code: number) => void;
  /** Resolves with the exit code once the daemon has stopped. */
  readonly done = new Promise<number>((r) => (this.resolveDone = r));

  constructor(
    private readonly cfg: Config,
    private readonly log: Logger,
  ) {
    this.resource = new CommandResource(cfg.resource, {
      EDGE_HA_NODE: cfg.node.id,
      EDGE_HA_PEER: cfg.peer.id,
      EDGE_HA_STATE_DIR: cfg.stateDir,
      EDGE_HA_RESOURCE: cfg.resource.name,
      OCF_RESOURCE_INSTANCE: cfg.resource.name,
    });
    this.fencer = new Fencer({ levels: fenceLevelsFor(cfg.fencing), timeoutMs: cfg.timeouts.fenceTimeoutMs });
  }

  /** Opens everything, then boots the core. Throws with a clear message if anything cannot be opened. */
  async start(): Promise<void> {
    const keys = await loadKeyFile(this.cfg.heartbeat.keyFile);
    if (!keys.ok) throw new Error(keys.error);
    this.keyring = keys.keyring;
    this.store = await StateStore.open(this.cfg.stateDir);
    const persisted = await this.store.load<PersistedState>(CORE_STATE, validatePersisted);
    const incarnation = await this.store.nextIncarnation(Math.floor(Date.now() / 1000));
    this.receiver = new HeartbeatReceiver({ clusterId: this.cfg.cluster.id, peerId: this.cfg.peer.id, keyring: this.keyring, nodeId: this.cfg.node.id });
    this.core = new ClusterCore({ config: toCoreConfig(this.cfg), persisted, incarnation, seed: randomInt(0, 0x7fffffff) });
    await this.startSafetyHardware();
    this.transport = new UdpTransport(this.cfg.heartbeat.paths, (i, data) => this.onDatagram(i, data), (path, message) => this.log.warn('heartbeat-path-error', { path, msg: message }));
    await this.transport.open();
    this.applyBootFaults();
    this.control = await startControlServer({
      path: this.cfg.controlSocket,
      handler: (cmd, args) => this.onControl(cmd, args),
      onError: (err) => this.log.error('control-socket-error', { msg: err.message }),
    });
    this.log.info(LOG_EVENTS.started, {
      msg: `edge-ha ${this.cfg.node.id} started in cluster ${this.cfg.cluster.id} (incarnation ${incarnation}, epoch ${persisted?.epoch ?? 0}, paths ${this.cfg.heartbeat.paths.map((p) => p.name).join(', ')})`,
      pid: process.pid,
      incarnation,
    });
    this.dispatch(this.core.boot(monoMs()));
    this.scheduleTick();
    await this.startHardware();
    this.startFenceMonitor();
    await this.startTelemetry().catch((err: Error) => {
      this.telemetryError = `internal error: ${err.message}`;
      this.log.error('telemetry-disabled', { msg: `telemetry not started: ${err.stack ?? err.message}` });
    });
  }

  /**
   * The watchdog and the arbitrator come up before the core: with self-fencing configured, a node whose
   * watchdog cannot be opened or whose arbitrator cannot be built must not start, since it could never reset itself.
   */
  private async startSafetyHardware(): Promise<void> {
    const applied = applyBoard(this.cfg.hardware, this.cfg.stateDir);
    if (!applied.ok) throw new Error(applied.error);
    this.hw = applied.hw;
    this.board = applied.resolved;
    const hwLog = (level: 'info' | 'warn' | 'error', event: string, msg: string) => this.log.log(level, event, { msg });
    const link = ArbiterLink.create(this.cfg, (a) => this.feed({ type: 'arbiter', nowMs: monoMs(), mayProceed: a.mayProceed, reason: a.reason }), (level, msg) => hwLog(level, 'arbiter', msg));
    if (typeof link === 'string') throw new Error(link);
    this.arbiter = link;
    this.watchdog = new WatchdogRuntime(this.hw.watchdog, { lastHeartbeatSentMs: () => this.lastSendMs, nowMs: monoMs, log: hwLog });
    const wd = await this.watchdog.start(this.arbiter !== null);
    if (!wd.ok) throw new Error(`${wd.error} (self-fencing is configured, so this node will not start without its watchdog)`);
  }

  /** UPS, RAID, carrier and node health: readings become health events; a device that fails is reported, never fatal. */
  private async startHardware(): Promise<void> {
    await this.leds.start(this.board, (level, event, msg) => this.log.log(level, event, { msg }));
    this.leds.update(this.core.status(monoMs()));
    this.hardware = new HardwareRuntime(this.hw, {
      health: (h) => this.feed({ type: 'health', nowMs: monoMs(), source: h.source, level: h.level, reason: h.reason, kind: h.kind }),
      reading: (device, kind, values) => {
        try {
          this.telemetry?.reading(device, kind as 'ups' | 'raid' | 'nic', values);
        } catch (err) {
          this.log.error('telemetry-error', { msg: (err as Error).message });
        }
      },
      log: (level, event, msg) => this.log.log(level, event, { msg }),
      nowMs: monoMs,
    });
    await this.hardware.start().catch((err: Error) => this.log.error('hardware-error', { msg: `hardware monitoring not started: ${err.stack ?? err.message}` }));
  }

  /** Every fence device is checked on a schedule, so a broken one is an alarm long before a failover needs it. */
  private startFenceMonitor(): void {
    if (this.cfg.fencing.monitorIntervalMs === 0) return;
    this.fenceMonitor = new FenceDeviceMonitor({
      devices: this.fencer.devices,
      intervalMs: this.cfg.fencing.monitorIntervalMs,
      schedule: timerSchedule,
      nowMs: () => Date.now(),
      isFencing: () => this.fencing > 0,
      onAlarm: (id, raised, severity, message) => {
        const alarm: Alarm = { id, severity, message };
        if (raised) this.shellAlarms.set(id, alarm);
        else this.shellAlarms.delete(id);
        this.emit({ type: 'alarm', node: this.cfg.node.id, tsMs: wallMs(), alarm, raised });
      },
    });
    this.fenceMonitor.start();
  }

  /** Telemetry is an extension: when it cannot start, the daemon says why and runs on without it. */
  private async startTelemetry(): Promise<void> {
    if (!this.cfg.telemetry.enabled) return;
    const t = await createTelemetry(
      this.cfg,
      { status: () => this.status(), command: (kind) => this.command({ kind }), log: this.log, wallMs, monoMs },
      { version: VERSION },
    );
    if (!t.ok) {
      this.telemetryError = t.error;
      this.log.error('telemetry-disabled', { msg: `telemetry not started: ${t.error}` });
      return;
    }
    this.telemetry = t.value;
    this.telemetry.start();
  }

  /**
   * Test and demo only (testing.faultInjection): paths listed in EDGE_HA_INJECT_CUT are cut before
   * the first heartbeat, so a simulated cable that was cut stays cut across a reboot.
   */
  private applyBootFaults(): void {
    const cut = process.env.EDGE_HA_INJECT_CUT;
    if (!cut || !this.cfg.testing.faultInjection) return;
    for (const path of cut.split(',').filter(Boolean)) {
      try {
        this.log.warn('fault-injected', { msg: this.transport.inject({ action: 'cut', path }) });
      } catch (err) {
        this.log.error('fault-injection-failed', { msg: (err as Error).message });
      }
    }
  }

  /** SIGTERM/SIGINT: stop the resource, tell the peer, exit. A stuck stop cannot hold the process forever. */
  shutdown(reason: string): void {
    if (this.finished) return;
    this.log.info(LOG_EVENTS.stopping, { msg: `shutting down (${reason})` });
    const graceMs = this.cfg.resource.stopTimeoutMs + this.cfg.timeouts.shutdownLingerMs + 5000;
    setTimeout(() => {
      this.log.error('shutdown-timeout', { msg: `shutdown did not finish within ${graceMs} ms; exiting anyway` });
      void this.finish(1);
    }, graceMs).unref();
    this.feed({ type: 'shutdown', nowMs: monoMs(), reason });
  }

  // ------------------------------------------------------------ event loop

  private feed(ev: CoreEvent): void {
    if (this.finished) return;
    this.dispatch(this.core.handle(ev));
    this.scheduleTick();
  }

  /** One timer, set to the core's next deadline. The tick runs in setImmediate so datagrams already queued are read first. */
  private scheduleTick(): void {
    const at = this.finished ? Infinity : this.core.nextWakeMs();
    // Most datagrams leave the next deadline where it was: keep the armed timer (no churn per packet).
    if (at === this.timerAtMs) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerAtMs = at;
    if (at === Infinity) return;
    const delayMs = Math.max(0, at - monoMs());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAtMs = NaN;
      setImmediate(() => this.feed({ type: 'tick', nowMs: monoMs() }));
    }, delayMs);
  }

  private onDatagram(pathIndex: number, data: Buffer): void {
    const path = this.cfg.heartbeat.paths[pathIndex];
    if (!path || this.finished) return;
    const now = monoMs();
    const res = this.receiver.receive(data, pathIndex, wallMs());
    if (!res.ok) {
      if (res.log) this.log.warn(LOG_EVENTS.reject, { path: path.name, reason: res.reason, msg: res.detail });
      return;
    }
    this.feed({ type: 'heartbeat', nowMs: now, path: path.name, hb: res.hb });
  }

  // ------------------------------------------------------------ actions

  private dispatch(actions: CoreAction[]): void {
    const ordered: CoreAction[] = [];
    for (const a of actions) {
      switch (a.type) {
        case 'send': {
          const i = this.cfg.heartbeat.paths.findIndex((p) => p.name === a.path);
          this.transport.send(i, encodeHeartbeat(a.hb, this.keyring.signing));
          this.lastSendMs = monoMs();
          break;
        }
        case 'transition':
          this.emit({ type: 'transition', node: this.cfg.node.id, tsMs: wallMs(), transition: a.transition });
          break;
        case 'alarm':
          this.emit({ type: 'alarm', node: this.cfg.node.id, tsMs: wallMs(), alarm: a.alarm, raised: a.raised });
          break;
        case 'notice':
          this.emit({ type: 'notice', node: this.cfg.node.id, tsMs: wallMs(), name: a.name, message: a.message });
          break;
        case 'askArbiter':
          if (this.arbiter) {
            this.log.warn('arbiter', { msg: `asking ${this.arbiter.description} whether ${this.cfg.node.id} may survive: ${a.reason}` });
            this.arbiter.ask();
          } else setImmediate(() => this.feed({ type: 'arbiter', nowMs: monoMs(), mayProceed: false, reason: 'no arbitrator configured' }));
          break;
        case 'releaseArbiter':
          this.arbiter?.release();
          break;
        case 'selfFence':
          this.watchdog?.selfFence(a.reason);
          break;
        case 'commandResult':
          this.pendingCommands.get(a.cmdId)?.({ ok: a.ok, message: a.message });
          this.pendingCommands.delete(a.cmdId);
          break;
        default:
          ordered.push(a);
      }
    }
    if (ordered.length) this.effects = this.effects.then(() => this.runEffects(ordered)).catch((err: Error) => this.log.error('effect-error', { msg: err.stack ?? String(err) }));
  }

  private async runEffects(batch: CoreAction[]): Promise<void> {
    let failed: string | null = null;
    const skippedOpIds: number[] = [];
    const skippedFenceIds: number[] = [];
    for (const a of batch) {
      switch (a.type) {
        case 'persist':
          if (failed) break;
          try {
            await this.store.save(CORE_STATE, a.state);
          } catch (err) {
            failed = (err as Error).message;
            this.log.error('persist-failed', { msg: failed });
          }
          break;
        case 'startResource':
          if (failed) skippedOpIds.push(a.opId);
          else this.runResource('start', a.opId, a.epoch);
          break;
        case 'stopResource':
          this.runResource('stop', a.opId, null);
          break;
        case 'monitorResource':
          this.runResource('monitor', a.opId, null);
          break;
        case 'fence':
          if (failed) skippedFenceIds.push(a.fenceId);
          else await this.runFence(a);
          break;
        case 'exit':
          if (a.powerOff) await this.powerOff(a.reason);
          await this.finish(0);
          return;
        default:
          break;
      }
    }
    if (failed) this.feed({ type: 'persistFailed', nowMs: monoMs(), reason: failed, skippedOpIds, skippedFenceIds });
  }

  private runResource(op: 'start' | 'stop' | 'monitor', opId: number, epoch: number | null): void {
    const env = epoch === null ? undefined : { EDGE_HA_EPOCH: String(epoch) };
    void this.resource[op](env).then((r) => {
      const ev: DaemonEvent = { type: 'resource', node: this.cfg.node.id, tsMs: wallMs(), op, ok: r.ok, running: r.running, reason: r.reason, durationMs: r.durationMs };
      if (op !== 'monitor' || !r.ok || !r.running) this.emit(ev);
      this.feed({ type: 'resourceResult', nowMs: monoMs(), opId, op, ok: r.ok, running: r.running, reason: r.reason });
    });
  }

  /** The fence record is on disk (core state and history) before the device is touched. */
  private async runFence(a: Extract<CoreAction, { type: 'fence' }>): Promise<void> {
    const record: FenceRequestRecord = { fenceId: a.fenceId, origin: 'core', target: a.target, targetIncarnation: a.targetIncarnation, action: this.cfg.fencing.action, reason: a.reason, requestedAt: new Date(wallMs()).toISOString() };
    await this.appendFenceHistory({ ...record, phase: 'requested' });
    this.log.warn(LOG_EVENTS.fence, { phase: 'fired', target: a.target, msg: a.reason });
    this.fencing++;
    void this.fencer.fence(a.target, this.cfg.fencing.action).then(async (o) => {
      this.fencing--;
      this.emit({ type: 'fence', node: this.cfg.node.id, tsMs: wallMs(), target: a.target, confirmedOff: o.confirmedOff, reason: o.reason, durationMs: o.durationMs });
      await this.appendFenceHistory({ ...record, ...finishedFields(o) });
      this.feed({ type: 'fenceResult', nowMs: monoMs(), fenceId: a.fenceId, confirmedOff: o.confirmedOff, device: o.device ?? undefined, reason: o.reason });
    });
  }

  /** Critical power: the service is stopped and the peer told; now the machine goes down, like upsmon's SHUTDOWNCMD. */
  private async powerOff(reason: string): Promise<void> {
    const argv = this.cfg.hardware.shutdownCommand;
    this.log.error('power-shutdown', { msg: `shutting the node down: ${reason}${argv.length ? ` (running ${argv.join(' ')})` : ' (hardware.shutdownCommand is [], so only the daemon exits)'}` });
    if (argv.length === 0) return;
    await new Promise<void>((resolve) => {
      const [program, ...args] = argv as [string, ...string[]];
      const child = spawn(program, args, { stdio: 'ignore', detached: true });
      child.once('error', (err) => {
        this.log.error('power-shutdown-failed', { msg: `${program}: ${err.message}` });
        resolve();
      });
      child.once('spawn', () => {
        child.unref();
        resolve();
      });
    });
  }

  private appendFenceHistory(record: Record<string, unknown>): Promise<void> {
    return this.store.appendJsonl(FENCE_HISTORY_NAME, record, { maxBytes: FENCE_HISTORY_MAX_BYTES }).catch((err: Error) => this.log.error('fence-history-failed', { msg: err.message }));
  }

  /**
   * `edge-ha fence <peer>`: an operator fences the peer through this node's topology. Recorded in the
   * history like any fence, but the core is not told: a manual fence never makes this node take over.
   * (If the peer really goes off, the core notices it lost the peer and runs its own fence as usual.)
   */
  private async manualFence(args: Record<string, unknown>): Promise<unknown> {
    const target = typeof args.target === 'string' ? args.target : '';
    const action = args.action;
    if (target !== this.cfg.peer.id) {
      throw new Error(`cannot fence ${JSON.stringify(target)}: this node's fence devices fence its peer ${this.cfg.peer.id} only`);
    }
    if (action !== 'off' && action !== 'reboot' && action !== 'status') throw new Error(`unknown fence action ${JSON.stringify(action)} (off, reboot, status)`);
    if (action === 'status') return this.peerPowerStatus(target);
    if (args.confirmed !== true) throw new Error(`refused: fencing ${target} needs the operator's confirmation (--yes)`);
    const record: FenceRequestRecord = { fenceId: `op-${Date.now()}`, origin: 'operator', target, action, reason: 'operator request (edge-ha fence)', requestedAt: new Date(wallMs()).toISOString() };
    await this.appendFenceHistory({ ...record, phase: 'requested' });
    this.log.warn(LOG_EVENTS.fence, { phase: 'fired', target, origin: 'operator', msg: `operator fence (${action}) of ${target}` });
    const o = await this.fencer.fence(target, action);
    this.emit({ type: 'fence', node: this.cfg.node.id, tsMs: wallMs(), target, confirmedOff: o.confirmedOff, reason: `operator fence: ${o.reason}`, durationMs: o.durationMs });
    await this.appendFenceHistory({ ...record, ...finishedFields(o) });
    return { target, action, ...o };
  }

  /** Every device's reading of the peer's power; `on` wins over `off`, so one live supply is never hidden. */
  private async peerPowerStatus(target: string): Promise<unknown> {
    const devices = this.fencer.devices;
    const readings = await Promise.all(devices.map(async (d) => ({ device: d.name, ...(await d.status(target).catch((e: Error) => ({ state: 'unknown' as const, reason: e.message, durationMs: 0 }))) })));
    const states = readings.map((r) => r.state);
    const state = states.includes('on') ? 'on' : states.length > 0 && states.every((x) => x === 'off') ? 'off' : 'unknown';
    return { target, action: 'status', state, devices: readings };
  }

  private emit(ev: DaemonEvent): void {
    const { type, node: _node, ...rest } = ev;
    void _node;
    if (type === 'transition') {
      const t = ev.transition;
      this.log.warn(LOG_EVENTS.transition, { from: t.from, to: t.to, epoch: t.epoch, reason: t.reason, tsMs: ev.tsMs, msg: `${t.from} -> ${t.to} (epoch ${t.epoch}): ${t.reason}` });
    } else if (type === 'alarm') {
      const level = ev.raised ? (ev.alarm.severity === 'critical' ? 'error' : 'warn') : 'info';
      this.log.log(level, LOG_EVENTS.alarm, { id: ev.alarm.id, severity: ev.alarm.severity, raised: ev.raised, tsMs: ev.tsMs, msg: `${ev.raised ? 'RAISED' : 'cleared'} ${ev.alarm.id}: ${ev.alarm.message}` });
    } else if (type === 'notice') {
      this.log.info(LOG_EVENTS.notice, { name: ev.name, tsMs: ev.tsMs, msg: ev.message });
    } else {
      this.log.info(type === 'resource' ? LOG_EVENTS.resource : LOG_EVENTS.fence, { ...rest, msg: 'reason' in ev ? ev.reason : '' });
    }
    if (type === 'transition' || type === 'alarm') this.leds.update(this.status().core);
    try {
      this.telemetry?.onEvent(ev);
    } catch (err) {
      // Telemetry must never take the daemon down; the event is still in the log.
      this.log.error('telemetry-error', { msg: (err as Error).stack ?? String(err) });
    }
    try {
      this.control?.broadcast(ev);
    } catch (err) {
      this.log.error('broadcast-failed', { msg: (err as Error).message });
    }
  }

  // ------------------------------------------------------------ control socket

  private async onControl(cmd: string, args: Record<string, unknown>): Promise<unknown> {
    switch (cmd) {
      case 'status':
        return this.status();
      case 'standby':
      case 'online':
      case 'maintenance':
      case 'switchover':
      case 'force-start':
        return this.command({ kind: cmd });
      case 'inject':
        if (!this.cfg.testing.faultInjection) throw new Error('fault injection is disabled on this node (testing.faultInjection: false)');
        return { ok: true, message: this.transport.inject(args as unknown as InjectArgs) };
      case 'fence-history':
        return this.store.readJsonl(FENCE_HISTORY_NAME, { limit: Number(args.limit ?? 100) || 100 });
      case 'fence':
        return this.manualFence(args);
      case 'fence-confirm': {
        const target = typeof args.target === 'string' ? args.target : '';
        if (args.confirmed !== true) throw new Error(`refused: confirming that ${target || 'the peer'} is off needs the operator's explicit confirmation (--yes)`);
        this.log.warn(LOG_EVENTS.fence, { phase: 'operator-confirm', target, msg: `operator confirms ${target} is powered off` });
        const reply = await this.command({ kind: 'confirm-fenced', target });
        if (reply.ok) await this.appendFenceHistory({ fenceId: `confirm-${Date.now()}`, origin: 'operator', target, action: 'off', reason: 'operator confirmation (edge-ha fence confirm)', requestedAt: new Date(wallMs()).toISOString(), phase: 'finished', confirmedOff: true, device: 'operator' });
        return reply;
      }
      default:
        throw new Error(`unknown command "${cmd}" (status, standby, online, maintenance, switchover, force-start, fence, fence-confirm, fence-history, watch${this.cfg.testing.faultInjection ? ', inject' : ''})`);
    }
  }

  private command(command: OperatorCommand): Promise<CommandReply> {
    const cmdId = this.nextCmdId++;
    const reply = new Promise<CommandReply>((resolve) => {
      this.pendingCommands.set(cmdId, resolve);
      setTimeout(() => {
        if (this.pendingCommands.delete(cmdId)) resolve({ ok: false, message: `no answer from the core within ${COMMAND_TIMEOUT_MS} ms` });
      }, COMMAND_TIMEOUT_MS).unref();
    });
    this.log.info(LOG_EVENTS.command, { command: command.kind, msg: `operator command: ${command.kind}` });
    this.feed({ type: 'command', nowMs: monoMs(), cmdId, command });
    return reply;
  }

  status(): DaemonStatus {
    const core = this.core.status(monoMs());
    return {
      core: { ...core, alarms: [...core.alarms, ...this.shellAlarms.values()] },
      pid: process.pid,
      uptimeMs: Math.round(monoMs() - this.startedMs),
      clusterId: this.cfg.cluster.id,
      resourceName: this.cfg.resource.name,
      rejects: Object.fromEntries(Object.entries(this.receiver.counters()).filter(([k, v]) => k !== 'accepted' && v > 0)),
      paths: this.transport.counters(),
      faultInjection: this.cfg.testing.faultInjection,
      telemetry: this.telemetry ? this.telemetry.status() : this.telemetryError ? { error: this.telemetryError } : null,
      hardware: this.hardware?.status() ?? null,
      watchdog: this.watchdog?.status() ?? null,
      fenceDevices: this.fenceMonitor?.status() ?? null,
    };
  }

  private async finish(code: number): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
    this.transport?.close();
    this.arbiter?.stop();
    this.fenceMonitor?.stop();
    await this.leds.stop().catch(() => undefined);
    await this.hardware?.stop().catch((err: Error) => this.log.error('hardware-stop-failed', { msg: err.message }));
    await this.watchdog?.stop(code === 0 ? 'daemon stopped' : 'daemon failed').catch((err: Error) => this.log.error('watchdog-stop-failed', { msg: err.message }));
    await this.telemetry?.stop().catch((err: Error) => this.log.error('telemetry-stop-failed', { msg: err.message }));
    await this.control?.close().catch(() => undefined);
    this.log.info('daemon-stopped', { msg: 'stopped', code });
    this.resolveDone(code);
  }
}
