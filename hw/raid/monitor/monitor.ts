// Polls one RaidSource on an interval (never two reads at once), compares
// each array with the last poll and emits: state changes with the reason,
// progress of a rebuild/resync with a time-left estimate, read failures and
// recoveries, and one health event per array (`raid:<name>`) whenever its
// level or reason changes. A vanished array is reported as failed, like
// mdadm's DeviceDisappeared.

import { HealthChangeFilter } from '../../health/types';
import type { Cancel, Schedule } from '../../ups/schedule';
import type { RaidState } from '../types';
import { raidHealthLevel, type ArraySnapshot, type RaidMonitorEvent, type RaidSource } from './types';

export interface RaidMonitorOptions {
  source: RaidSource;
  intervalMs: number;
  schedule: Schedule;
  nowMs: () => number;
  onEvent: (event: RaidMonitorEvent) => void;
}

interface Seen {
  state: RaidState;
  percent: number | null;
  atMs: number;
}

export class RaidMonitor {
  private cancel: Cancel | null = null;
  private polling: Promise<void> | null = null;
  private readonly seen = new Map<string, Seen>();
  private readFailing = false;
  private readonly health = new HealthChangeFilter();

  constructor(private readonly opts: RaidMonitorOptions) {
    if (!(opts.intervalMs > 0)) throw new RangeError(`raid monitor intervalMs must be > 0, got ${opts.intervalMs}`);
  }

  start(): void {
    if (this.cancel !== null) return;
    this.cancel = () => undefined;
    void this.loop();
  }

  async stop(): Promise<void> {
    this.cancel?.();
    this.cancel = null;
    await this.polling;
  }

  /** One poll now; joins a poll already running. */
  pollOnce(): Promise<void> {
    this.polling ??= this.poll().finally(() => (this.polling = null));
    return this.polling;
  }

  private async loop(): Promise<void> {
    await this.pollOnce();
    if (this.cancel === null) return;
    this.cancel = this.opts.schedule(this.opts.intervalMs, () => void this.loop());
  }

  private async poll(): Promise<void> {
    const r = await this.opts.source.read();
    const now = this.opts.nowMs();
    const src = this.opts.source.name;
    if (!r.ok) {
      if (!this.readFailing) this.emit({ kind: 'read-failed', atMs: now, source: src, error: r.error });
      this.readFailing = true;
      this.healthOf(now, `raid:${src}`, 'degraded', `cannot read RAID status: ${r.error}`);
      return;
    }
    if (this.readFailing) this.emit({ kind: 'read-recovered', atMs: now, source: src });
    this.readFailing = false;
    this.healthOf(now, `raid:${src}`, 'ok', `RAID status readable from ${src}`);
    const names = new Set<string>();
    for (const a of r.arrays) {
      names.add(a.name);
      this.compare(now, a);
    }
    for (const [name, prev] of [...this.seen]) {
      if (names.has(name)) continue;
      this.seen.delete(name);
      const reason = `${name} is no longer listed by ${src} (array disappeared)`;
      this.emit({ kind: 'state', atMs: now, array: name, from: prev.state, to: 'failed', reason });
      this.healthOf(now, `raid:${name}`, 'critical', reason);
      this.health.forget(`raid:${name}`);
    }
  }

  private compare(now: number, a: ArraySnapshot): void {
    const prev = this.seen.get(a.name);
    if (prev === undefined || prev.state !== a.state) {
      this.emit({ kind: 'state', atMs: now, array: a.name, from: prev?.state ?? null, to: a.state, reason: a.reason });
    }
    const p = a.progress;
    if (p !== null && (prev === undefined || prev.percent !== p.percent || prev.state !== a.state)) {
      const { etaMs, etaFrom } = estimate(prev, p.percent, p.finishMinutes, now);
      this.emit({ kind: 'progress', atMs: now, array: a.name, action: p.action, percent: p.percent, etaMs, etaFrom, speedKPerSec: p.speedKPerSec });
    }
    this.seen.set(a.name, { state: a.state, percent: p?.percent ?? null, atMs: now });
    this.healthOf(now, `raid:${a.name}`, raidHealthLevel(a.state), a.reason);
  }

  private healthOf(now: number, source: string, level: ReturnType<typeof raidHealthLevel>, reason: string): void {
    const event = { source, level, reason };
    if (this.health.changed(event)) this.emit({ kind: 'health', atMs: now, event });
  }

  private emit(e: RaidMonitorEvent): void {
    this.opts.onEvent(e);
  }
}

/** The device's estimate wins; else extrapolate the percent rate since the previous poll. */
function estimate(prev: Seen | undefined, percent: number | null, finishMinutes: number | null, now: number): { etaMs: number | null; etaFrom: 'device' | 'rate' | null } {
  if (finishMinutes !== null) return { etaMs: Math.round(finishMinutes * 60_000), etaFrom: 'device' };
  if (percent === null || prev === undefined || prev.percent === null) return { etaMs: null, etaFrom: null };
  const rate = (percent - prev.percent) / (now - prev.atMs);
  if (!(rate > 0) || !Number.isFinite(rate)) return { etaMs: null, etaFrom: null };
  return { etaMs: Math.round((100 - percent) / rate), etaFrom: 'rate' };
}
