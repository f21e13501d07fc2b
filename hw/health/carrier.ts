// Link state of the NICs that matter (the heartbeat crossover above all),
// read straight from sysfs every ~100 ms: two tiny files per interface, via
// fs.promises so the event loop never waits on them, one poll at a time.
// A pulled cable shows up as carrier 0 within one interval. Reading
// `carrier` of an interface that is administratively down fails with EINVAL:
// that is reported as "down", not as an error.

import type { Cancel, Schedule } from '../ups/schedule';
import { readSmallFile, type SmallFileReader } from './readSmall';
import type { HealthEvent, HealthLevel } from './types';

export const NET_SYSFS_ROOT = '/sys/class/net';

export interface LinkState {
  iface: string;
  /** true: link up; false: no carrier or interface down; null: unknown (interface missing, read error). */
  carrier: boolean | null;
  operstate: string | null;
  /** Set when the state could not be read. */
  error: string | null;
}

export interface CarrierWatcherOptions {
  interfaces: readonly string[];
  sysfsRoot?: string;
  intervalMs: number;
  schedule: Schedule;
  nowMs: () => number;
  readFile?: SmallFileReader;
  /** Level reported while a link is down (default degraded). */
  downLevel?: HealthLevel;
  onChange: (state: LinkState, atMs: number) => void;
  onHealth?: (event: HealthEvent) => void;
}

export async function readLinkState(iface: string, root = NET_SYSFS_ROOT, read: SmallFileReader = readSmallFile): Promise<LinkState> {
  if (!/^[A-Za-z0-9_.:@-]{1,15}$/.test(iface) || iface === '.' || iface === '..') {
    return { iface, carrier: null, operstate: null, error: `${JSON.stringify(iface)} is not an interface name` };
  }
  const [c, o] = await Promise.all([read(`${root}/${iface}/carrier`, 64), read(`${root}/${iface}/operstate`, 64)]);
  const operstate = o.ok ? o.text.trim() : null;
  if (c.ok) {
    const t = c.text.trim();
    if (t === '1' || t === '0') return { iface, carrier: t === '1', operstate, error: null };
    return { iface, carrier: null, operstate, error: `${root}/${iface}/carrier holds ${JSON.stringify(t.slice(0, 20))}, not 0 or 1` };
  }
  if (c.code === 'EINVAL') return { iface, carrier: false, operstate: operstate ?? 'down', error: null };
  if (c.code === 'ENOENT') return { iface, carrier: null, operstate: null, error: `interface ${iface} not found under ${root}` };
  return { iface, carrier: null, operstate, error: c.message };
}

export interface CarrierPollStats {
  polls: number;
  lastPollMs: number | null;
  maxPollMs: number;
  meanPollMs: number | null;
}

export class CarrierWatcher {
  private cancel: Cancel | null = null;
  private polling: Promise<void> | null = null;
  private readonly last = new Map<string, LinkState>();
  private readonly stat = { polls: 0, lastPollMs: null as number | null, maxPollMs: 0, totalMs: 0 };

  constructor(private readonly opts: CarrierWatcherOptions) {
    if (!(opts.intervalMs > 0)) throw new RangeError(`carrier watcher intervalMs must be > 0, got ${opts.intervalMs}`);
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

  current(iface: string): LinkState | undefined {
    return this.last.get(iface);
  }

  stats(): CarrierPollStats {
    const s = this.stat;
    return { polls: s.polls, lastPollMs: s.lastPollMs, maxPollMs: s.maxPollMs, meanPollMs: s.polls === 0 ? null : s.totalMs / s.polls };
  }

  /** One poll of every interface; a poll already running is joined, not doubled. */
  poll(): Promise<void> {
    this.polling ??= this.pollAll().finally(() => (this.polling = null));
    return this.polling;
  }

  private async loop(): Promise<void> {
    await this.poll();
    if (this.cancel === null) return;
    this.cancel = this.opts.schedule(this.opts.intervalMs, () => void this.loop());
  }

  private async pollAll(): Promise<void> {
    const started = this.opts.nowMs();
    const root = this.opts.sysfsRoot ?? NET_SYSFS_ROOT;
    const states = await Promise.all(this.opts.interfaces.map((i) => readLinkState(i, root, this.opts.readFile)));
    const now = this.opts.nowMs();
    const ms = now - started;
    this.stat.polls += 1;
    this.stat.lastPollMs = ms;
    this.stat.maxPollMs = Math.max(this.stat.maxPollMs, ms);
    this.stat.totalMs += ms;
    for (const s of states) {
      const prev = this.last.get(s.iface);
      if (prev && prev.carrier === s.carrier && prev.operstate === s.operstate && prev.error === s.error) continue;
      this.last.set(s.iface, s);
      this.opts.onChange(s, now);
      this.opts.onHealth?.(this.healthOf(s));
    }
  }

  private healthOf(s: LinkState): HealthEvent {
    const source = `nic:${s.iface}`;
    if (s.carrier === true) return { source, level: 'ok', reason: `${s.iface} link up (operstate ${s.operstate ?? 'unknown'})` };
    const level = this.opts.downLevel ?? 'degraded';
    if (s.carrier === false) return { source, level, reason: `${s.iface} link down: no carrier (operstate ${s.operstate ?? 'unknown'})` };
    return { source, level, reason: `${s.iface} link state unknown: ${s.error}` };
  }
}
