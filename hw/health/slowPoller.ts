// Runs slow health probes (systeminformation calls that spawn processes)
// on an interval, one call at a time: probes of a cycle run one after the
// other, the next cycle starts intervalMs after the previous one ended, and
// a call that timed out but is still running blocks further calls of that
// probe until it settles. So never two reads in flight. Every call is timed.

import type { Cancel, Schedule } from '../ups/schedule';
import type { HealthEvent } from './types';

export interface SlowProbe<T = unknown> {
  name: string;
  read: () => Promise<T>;
  /** Health events for a successful read. */
  evaluate: (value: T) => HealthEvent[];
  /** Health events when the read failed or timed out (default: none). */
  onFailure?: (why: string) => HealthEvent[];
  /** Overrides the poller's timeout for this probe. */
  timeoutMs?: number;
}

export interface ProbeTiming {
  name: string;
  calls: number;
  lastMs: number | null;
  maxMs: number;
  totalMs: number;
  failures: number;
  timeouts: number;
  /** Cycles that skipped the probe because its previous (timed-out) call was still running. */
  skippedInFlight: number;
  lastError: string | null;
}

export interface SlowHealthPollerOptions {
  probes: SlowProbe<any>[];
  intervalMs: number;
  timeoutMs: number;
  schedule: Schedule;
  nowMs: () => number;
  onEvent: (event: HealthEvent) => void;
}

export class SlowHealthPoller {
  private cancel: Cancel | null = null;
  private running = false;
  private cycle: Promise<void> | null = null;
  private readonly inFlight = new Set<string>();
  private readonly timing = new Map<string, ProbeTiming>();

  constructor(private readonly opts: SlowHealthPollerOptions) {
    if (!(opts.intervalMs > 0) || !(opts.timeoutMs > 0)) throw new RangeError('slow health poller: intervalMs and timeoutMs must be > 0');
    for (const p of opts.probes) {
      this.timing.set(p.name, { name: p.name, calls: 0, lastMs: null, maxMs: 0, totalMs: 0, failures: 0, timeouts: 0, skippedInFlight: 0, lastError: null });
    }
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.loop();
  }

  /** Stops scheduling; resolves when a cycle that was running has finished. */
  async stop(): Promise<void> {
    this.running = false;
    this.cancel?.();
    this.cancel = null;
    await this.cycle;
  }

  timings(): ProbeTiming[] {
    return [...this.timing.values()].map((t) => ({ ...t }));
  }

  /** One cycle now (tests, or a forced refresh); waits for a cycle already running instead of starting a second. */
  runOnce(): Promise<void> {
    if (this.cycle === null) {
      this.cycle = this.runCycle().finally(() => (this.cycle = null));
    }
    return this.cycle;
  }

  private async loop(): Promise<void> {
    await this.runOnce();
    if (!this.running) return;
    this.cancel = this.opts.schedule(this.opts.intervalMs, () => void this.loop());
  }

  private async runCycle(): Promise<void> {
    for (const probe of this.opts.probes) {
      const t = this.timing.get(probe.name)!;
      if (this.inFlight.has(probe.name)) {
        t.skippedInFlight += 1;
        continue;
      }
      const events = await this.call(probe, t);
      for (const e of events) this.opts.onEvent(e);
    }
  }

  private async call(probe: SlowProbe<any>, t: ProbeTiming): Promise<HealthEvent[]> {
    const timeoutMs = probe.timeoutMs ?? this.opts.timeoutMs;
    const started = this.opts.nowMs();
    this.inFlight.add(probe.name);
    const read = Promise.resolve()
      .then(() => probe.read())
      .then(
        (value) => ({ ok: true as const, value }),
        (err: unknown) => ({ ok: false as const, error: (err as Error)?.message ?? String(err) }),
      );
    void read.then(() => {
      const ms = this.opts.nowMs() - started;
      t.calls += 1;
      t.lastMs = ms;
      t.totalMs += ms;
      t.maxMs = Math.max(t.maxMs, ms);
      this.inFlight.delete(probe.name);
    });
    let cancelTimer: Cancel = () => undefined;
    const timeout = new Promise<'timeout'>((resolve) => (cancelTimer = this.opts.schedule(timeoutMs, () => resolve('timeout'))));
    const outcome = await Promise.race([read, timeout]);
    cancelTimer();
    if (outcome === 'timeout') {
      t.timeouts += 1;
      t.lastError = `${probe.name} took longer than ${timeoutMs} ms`;
      return probe.onFailure?.(t.lastError) ?? [];
    }
    if (!outcome.ok) {
      t.failures += 1;
      t.lastError = `${probe.name} failed: ${outcome.error}`;
      return probe.onFailure?.(t.lastError) ?? [];
    }
    try {
      return probe.evaluate(outcome.value);
    } catch (err) {
      t.failures += 1;
      t.lastError = `${probe.name} returned data that could not be judged: ${(err as Error).message}`;
      return probe.onFailure?.(t.lastError) ?? [];
    }
  }
}
