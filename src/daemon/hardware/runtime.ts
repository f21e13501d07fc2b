// The hardware of one node, running: the UPS monitor (and the NUT server that
// shares its readings), the RAID monitors, the crossover carrier watcher and
// the slow node-health poller. Each reading goes two ways: through rules.ts
// to the core as a health event (only when its level or reason changed), and
// to telemetry as a reading. Nothing here decides anything, and nothing here
// may block the event loop that sends heartbeats: every monitor is async,
// bounded and owns its own timer.

import type { HardwareConfig } from '../../config/types';
import type { HealthKind, HealthLevel } from '../../core/types';
import { CarrierWatcher, HealthChangeFilter, SlowHealthPoller, systemInformationProbes, type LinkState } from '../../../hw/health';
import { RaidMonitor, type RaidMonitorEvent } from '../../../hw/raid/monitor';
import { formatStatus, type UpsReading } from '../../../hw/ups/model';
import { UpsMonitor } from '../../../hw/ups/monitor/monitor';
import { NutServer } from '../../../hw/ups/nut/server';
import { timerSchedule, type Schedule } from '../../../hw/ups/schedule';
import { buildRaidSource, buildUpsSource } from './sources';
import { carrierHealth, raidHealth, upsHealth, type RuledHealth } from './rules';

export interface HardwareDeps {
  health: (e: { source: string; level: HealthLevel; reason: string; kind: HealthKind }) => void;
  /** Telemetry (retained `hw/<device>` topic, Sparkplug DDATA); flat numeric/text values. */
  reading: (device: string, kind: string, values: Record<string, string | number | boolean>) => void;
  log: (level: 'info' | 'warn' | 'error', event: string, msg: string) => void;
  schedule?: Schedule;
  nowMs: () => number;
}

export interface HardwareStatus {
  ups: { driver: string; status: string; critical: boolean; commLost: boolean; reason: string; lastSeenAgoMs: number | null; serving: string | null } | null;
  raid: Array<{ source: string; array: string; state: string; reason: string }>;
  health: Array<{ source: string; level: HealthLevel; reason: string }>;
  errors: string[];
}

const SLOW_PROBE_TIMEOUT_MS = 10_000;

export class HardwareRuntime {
  private ups: UpsMonitor | null = null;
  private nut: NutServer | null = null;
  private nutAddress: string | null = null;
  private readonly raids: RaidMonitor[] = [];
  private carrier: CarrierWatcher | null = null;
  private slow: SlowHealthPoller | null = null;
  private readonly closers: Array<() => void> = [];
  private readonly filter = new HealthChangeFilter();
  private readonly last = new Map<string, RuledHealth>();
  private readonly arrays = new Map<string, { source: string; array: string; state: string; reason: string }>();
  private readonly errors: string[] = [];
  private readonly schedule: Schedule;

  constructor(
    private readonly hw: HardwareConfig,
    private readonly deps: HardwareDeps,
  ) {
    this.schedule = deps.schedule ?? timerSchedule;
  }

  /** Starts every configured monitor. A device that cannot be built is an error in status, never a crash. */
  async start(): Promise<void> {
    if (this.hw.ups) await this.startUps(this.hw.ups);
    this.hw.raid.forEach((r, i) => this.startRaid(r, i));
    if (this.hw.health.crossoverInterface) this.startCarrier(this.hw.health.crossoverInterface);
    if (this.hw.ups || this.hw.raid.length > 0 || this.hw.health.crossoverInterface) this.startSlowHealth();
  }

  async stop(): Promise<void> {
    this.ups?.stop();
    await Promise.all([...this.raids.map((r) => r.stop()), this.carrier?.stop(), this.slow?.stop(), this.nut?.close()]);
    for (const c of this.closers.splice(0)) c();
  }

  status(): HardwareStatus {
    const u = this.ups?.snapshot();
    return {
      ups: u && this.hw.ups
        ? { driver: this.hw.ups.driver, status: formatStatus(u.lastStatus), critical: u.critical, commLost: u.commLost, reason: this.last.get('ups')?.reason ?? u.criticalReason, lastSeenAgoMs: u.lastSeenMs === null ? null : Math.round(this.deps.nowMs() - u.lastSeenMs), serving: this.nutAddress }
        : null,
      raid: [...this.arrays.values()],
      health: [...this.last.values()].map(({ source, level, reason }) => ({ source, level, reason })),
      errors: [...this.errors],
    };
  }

  private emit(h: RuledHealth): void {
    this.last.set(h.source, h);
    if (!this.filter.changed(h)) return;
    this.deps.health(h);
  }

  private fail(what: string, error: string): void {
    const msg = `${what}: ${error}`;
    this.errors.push(msg);
    this.deps.log('error', 'hardware-error', msg);
  }

  private async startUps(cfg: NonNullable<HardwareConfig['ups']>): Promise<void> {
    const built = buildUpsSource(cfg, this.schedule);
    if (!built.ok) return this.fail('UPS', built.error);
    if (built.close) this.closers.push(built.close);
    const monitor = new UpsMonitor({ source: built.value, schedule: this.schedule, nowMs: this.deps.nowMs, intervalMs: cfg.pollIntervalMs, commLostAfterFailures: cfg.commLostAfterFailures });
    this.ups = monitor;
    monitor.on((e) => {
      if (e.type === 'reading') this.publishUps(e.reading);
      else if (e.type === 'comm-lost') this.deps.log('warn', 'ups-comm-lost', `UPS communication lost: ${e.reason}`);
      else if (e.type === 'comm-restored') this.deps.log('info', 'ups-comm-restored', `UPS communication restored after ${Math.round(e.downForMs)} ms`);
      else if (e.type === 'status-change') this.deps.log('info', 'ups-status', `UPS status ${formatStatus(e.from) || '-'} -> ${formatStatus(e.to)}`);
      this.judgeUps();
    });
    monitor.start();
    if (cfg.serve) await this.startNutServer(cfg.serve);
  }

  private judgeUps(): void {
    const s = this.ups?.snapshot();
    if (!s) return;
    const r = s.lastReading;
    const charge = r?.['battery.charge'];
    const runtime = r?.['battery.runtime'];
    this.emit(upsHealth({ status: s.lastStatus, critical: s.critical, criticalReason: s.criticalReason, commLost: s.commLost, chargePercent: typeof charge === 'number' ? charge : undefined, runtimeSec: typeof runtime === 'number' ? runtime : undefined }, this.hw.rules));
  }

  private publishUps(reading: UpsReading): void {
    const flat: Record<string, string | number | boolean> = {};
    for (const [k, v] of Object.entries(reading)) {
      if (v === undefined) continue;
      flat[k] = Array.isArray(v) ? formatStatus(v as never) : (v as string | number);
    }
    this.deps.reading('ups', 'ups', flat);
  }

  /** upsd's protocol with this node's readings, so stock upsmon on other machines on the same UPS shut down in time. */
  private async startNutServer(serve: NonNullable<NonNullable<HardwareConfig['ups']>['serve']>): Promise<void> {
    const server = new NutServer({
      host: serve.bind.host,
      port: serve.bind.port,
      ups: [{ name: serve.name, description: `edge-ha ${this.hw.ups?.driver ?? ''} UPS` }],
      provider: () => {
        const s = this.ups?.snapshot();
        if (!s || s.lastReading === null) return 'not-connected';
        return s.commLost ? 'stale' : s.lastReading;
      },
    });
    try {
      const addr = await server.listen();
      this.nut = server;
      this.nutAddress = `${addr.host}:${addr.port}`;
      this.deps.log('info', 'nut-server', `serving UPS "${serve.name}" over the NUT protocol on ${this.nutAddress} (read-only)`);
    } catch (err) {
      this.fail('NUT server', `cannot listen on ${serve.bind.host}:${serve.bind.port}: ${(err as Error).message}`);
    }
  }

  private startRaid(cfg: HardwareConfig['raid'][number], i: number): void {
    const built = buildRaidSource(cfg, this.schedule);
    if (!built.ok) return this.fail(`RAID source ${i}`, built.error);
    const monitor = new RaidMonitor({ source: built.value, intervalMs: cfg.pollIntervalMs, schedule: this.schedule, nowMs: this.deps.nowMs, onEvent: (e) => this.onRaid(built.value.name, e) });
    this.raids.push(monitor);
    monitor.start();
  }

  private onRaid(sourceName: string, e: RaidMonitorEvent): void {
    if (e.kind === 'health') return this.emit(raidHealth(e.event.source, e.event.level, e.event.reason, this.hw.rules));
    if (e.kind === 'state') {
      this.arrays.set(`${sourceName}/${e.array}`, { source: sourceName, array: e.array, state: e.to, reason: e.reason });
      this.deps.log(e.to === 'ok' ? 'info' : 'warn', 'raid-state', `${e.array}: ${e.from ?? 'unseen'} -> ${e.to} (${e.reason})`);
      this.deps.reading(`raid-${e.array}`, 'raid', { state: e.to, reason: e.reason });
    } else if (e.kind === 'progress') {
      this.deps.reading(`raid-${e.array}`, 'raid', { action: e.action, ...(e.percent !== null ? { percent: e.percent } : {}), ...(e.etaMs !== null ? { etaSec: Math.round(e.etaMs / 1000) } : {}) });
    } else if (e.kind === 'read-failed') {
      this.emit({ source: `raid-read:${e.source}`, level: 'degraded', reason: `cannot read ${e.source}: ${e.error}`, kind: 'storage' });
    } else if (e.kind === 'read-recovered') {
      this.emit({ source: `raid-read:${e.source}`, level: 'ok', reason: `${e.source} readable again`, kind: 'storage' });
    }
  }

  private startCarrier(iface: string): void {
    this.carrier = new CarrierWatcher({
      interfaces: [iface],
      intervalMs: this.hw.health.carrierPollMs,
      schedule: this.schedule,
      nowMs: this.deps.nowMs,
      onChange: (s: LinkState) => {
        this.emit(carrierHealth(s.iface, s.carrier, s.operstate, s.error, this.hw.rules));
        this.deps.reading(`nic-${s.iface}`, 'nic', { carrier: s.carrier === true, operstate: s.operstate ?? 'unknown' });
      },
    });
    this.carrier.start();
  }

  private startSlowHealth(): void {
    this.slow = new SlowHealthPoller({
      probes: systemInformationProbes(),
      intervalMs: this.hw.health.pollIntervalMs,
      timeoutMs: SLOW_PROBE_TIMEOUT_MS,
      schedule: this.schedule,
      nowMs: this.deps.nowMs,
      onEvent: (e) => this.emit({ ...e, kind: 'node' }),
    });
    this.slow.start();
  }
}
