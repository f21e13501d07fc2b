// Polls one UPS source on an interval and turns readings into decisions, the
// way upsmon does (reference §5.4): communication is declared lost after N
// failed polls in a row (upsmon's DEADTIME, counted in polls), and the
// critical-power verdict of model.ts is re-judged after every poll, with the
// last status seen while the UPS still talked. Polls never overlap; a nudge
// from the source (APC alert, GPIO edge) brings the next poll forward.

import { criticalPower, type UpsReading, type UpsStatusToken } from '../model';
import type { Cancel, Schedule } from '../schedule';
import type { Unsubscribe } from '../transport';
import { statusDiff, type UpsMonitorEvent, type UpsMonitorListener } from './events';
import type { UpsSource } from './source';

export const UPS_POLL_INTERVAL_MS = 2000;
/** With a 5 s poll this is upsmon's 15 s DEADTIME. */
export const UPS_COMM_LOST_AFTER_FAILURES = 3;

export interface UpsMonitorOptions {
  source: UpsSource;
  schedule: Schedule;
  nowMs: () => number;
  intervalMs?: number;
  commLostAfterFailures?: number;
}

export interface UpsMonitorSnapshot {
  commLost: boolean;
  consecutiveFailures: number;
  lastReading: UpsReading | null;
  lastStatus: readonly UpsStatusToken[];
  lastSeenMs: number | null;
  critical: boolean;
  criticalReason: string;
}

export class UpsMonitor {
  private readonly listeners = new Set<UpsMonitorListener>();
  private readonly intervalMs: number;
  private readonly lostAfter: number;
  private cancelNext: Cancel | null = null;
  private stopNudge: Unsubscribe = () => {};
  private running = false;
  private polling = false;
  private pollAgain = false;
  private lastReading: UpsReading | null = null;
  private lastStatus: readonly UpsStatusToken[] = [];
  private lastSeenMs: number | null = null;
  private failures = 0;
  private commLost = false;
  private lostAtMs = 0;
  private critical = false;
  private criticalReason = 'no reading from the UPS yet';

  constructor(private readonly opts: UpsMonitorOptions) {
    this.intervalMs = opts.intervalMs ?? UPS_POLL_INTERVAL_MS;
    this.lostAfter = Math.max(1, opts.commLostAfterFailures ?? UPS_COMM_LOST_AFTER_FAILURES);
  }

  on(listener: UpsMonitorListener): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  snapshot(): UpsMonitorSnapshot {
    return {
      commLost: this.commLost,
      consecutiveFailures: this.failures,
      lastReading: this.lastReading,
      lastStatus: this.lastStatus,
      lastSeenMs: this.lastSeenMs,
      critical: this.critical,
      criticalReason: this.criticalReason,
    };
  }

  /** First poll at once, then every intervalMs after the previous one finished. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopNudge = this.opts.source.onNudge?.(() => this.pollSoon()) ?? (() => {});
    this.pollSoon();
  }

  stop(): void {
    this.running = false;
    this.cancelNext?.();
    this.cancelNext = null;
    this.stopNudge();
    this.opts.source.close();
  }

  /** Poll now (or right after the running poll). Resolves when that poll is done. */
  async pollNow(): Promise<void> {
    if (this.polling) {
      this.pollAgain = true;
      return;
    }
    this.cancelNext?.();
    this.cancelNext = null;
    this.polling = true;
    try {
      do {
        this.pollAgain = false;
        await this.pollOnce();
      } while (this.pollAgain && this.running);
    } finally {
      this.polling = false;
    }
    if (this.running) this.cancelNext = this.opts.schedule(this.intervalMs, () => void this.pollNow());
  }

  private pollSoon(): void {
    if (!this.running) return;
    if (this.polling) this.pollAgain = true;
    else {
      this.cancelNext?.();
      this.cancelNext = this.opts.schedule(0, () => void this.pollNow());
    }
  }

  private async pollOnce(): Promise<void> {
    const result = await this.opts.source.read();
    const atMs = this.opts.nowMs();
    if (result.ok) this.onReading(result.value, atMs);
    else this.onFailure(result.error.kind, result.error.message, atMs);
    this.judge(atMs);
  }

  private onReading(reading: UpsReading, atMs: number): void {
    if (this.commLost) {
      this.commLost = false;
      this.emit({ type: 'comm-restored', atMs, downForMs: atMs - this.lostAtMs });
    }
    this.failures = 0;
    const from = this.lastStatus;
    const to = reading['ups.status'];
    this.lastReading = reading;
    this.lastSeenMs = atMs;
    this.emit({ type: 'reading', atMs, reading });
    const { added, removed } = statusDiff(from, to);
    this.lastStatus = [...to];
    if (added.length > 0 || removed.length > 0) this.emit({ type: 'status-change', atMs, from, to, added, removed });
  }

  private onFailure(kind: string, message: string, atMs: number): void {
    this.failures++;
    this.emit({ type: 'poll-failed', atMs, failures: this.failures, reason: message, errorKind: kind });
    if (!this.commLost && this.failures >= this.lostAfter) {
      this.commLost = true;
      this.lostAtMs = atMs;
      const reason = `${this.failures} polls failed in a row; last: ${message}`;
      this.emit({ type: 'comm-lost', atMs, failures: this.failures, reason, lastStatus: this.lastStatus, lastSeenMs: this.lastSeenMs });
    }
  }

  private judge(atMs: number): void {
    const verdict = criticalPower(this.commLost ? null : this.lastReading, { commLost: this.commLost, lastStatus: this.lastStatus });
    this.criticalReason = verdict.reason;
    if (verdict.critical === this.critical) return;
    this.critical = verdict.critical;
    this.emit(verdict.critical ? { type: 'critical', atMs, reason: verdict.reason } : { type: 'critical-cleared', atMs, reason: verdict.reason });
  }

  private emit(e: UpsMonitorEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        // A failing listener must not stop the monitor; it is the listener's bug to log.
      }
    }
  }
}
