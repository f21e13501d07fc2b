// Drives one PetTarget on a cadence, through the gate: while the gate is
// open it pets; while closed it does not (so the watchdog fires) and reports
// why, once per change. An async target (systemd-notify) is never petted
// twice at once: a tick that finds the previous pet still running skips.

import type { Cancel, Schedule } from '../ups/schedule';
import type { GateVerdict } from './gate';
import type { PetTarget } from './types';

export type PetterEvent =
  | { kind: 'gate-closed'; target: string; atMs: number; reasons: string[] }
  | { kind: 'gate-opened'; target: string; atMs: number }
  | { kind: 'pet-failed'; target: string; atMs: number; error: string }
  | { kind: 'pet-recovered'; target: string; atMs: number }
  | { kind: 'pet-skipped-busy'; target: string; atMs: number };

export interface GatedPetterOptions {
  target: PetTarget;
  gate: { check(): GateVerdict };
  intervalMs: number;
  schedule: Schedule;
  nowMs: () => number;
  onEvent?: (event: PetterEvent) => void;
}

export interface PetterStatus {
  target: string;
  running: boolean;
  pets: number;
  skippedClosed: number;
  skippedBusy: number;
  failures: number;
  lastPetMs: number | null;
  gateClosedReasons: string[] | null;
  lastError: string | null;
}

export class GatedPetter {
  private cancel: Cancel | null = null;
  private inFlight = false;
  private closedReasons: string[] | null = null;
  private failing = false;
  private readonly stats = { pets: 0, skippedClosed: 0, skippedBusy: 0, failures: 0 };
  private lastPetMs: number | null = null;
  private lastError: string | null = null;

  constructor(private readonly opts: GatedPetterOptions) {
    if (!(opts.intervalMs > 0)) throw new RangeError(`petter intervalMs must be > 0, got ${opts.intervalMs}`);
  }

  /** Pet once now (if the gate allows) and then every intervalMs. */
  start(): void {
    if (this.cancel !== null) return;
    this.cancel = () => undefined;
    this.tick();
  }

  stop(): void {
    this.cancel?.();
    this.cancel = null;
  }

  status(): PetterStatus {
    return {
      target: this.opts.target.name,
      running: this.cancel !== null,
      ...this.stats,
      lastPetMs: this.lastPetMs,
      gateClosedReasons: this.closedReasons,
      lastError: this.lastError,
    };
  }

  private tick(): void {
    if (this.cancel === null) return;
    this.cancel = this.opts.schedule(this.opts.intervalMs, () => this.tick());
    const now = this.opts.nowMs();
    const verdict = this.opts.gate.check();
    if (!verdict.open) {
      this.stats.skippedClosed += 1;
      if (this.closedReasons === null || this.closedReasons.join('|') !== verdict.reasons.join('|')) {
        this.closedReasons = verdict.reasons;
        this.emit({ kind: 'gate-closed', target: this.opts.target.name, atMs: now, reasons: verdict.reasons });
      }
      return;
    }
    if (this.closedReasons !== null) {
      this.closedReasons = null;
      this.emit({ kind: 'gate-opened', target: this.opts.target.name, atMs: now });
    }
    if (this.inFlight) {
      this.stats.skippedBusy += 1;
      this.emit({ kind: 'pet-skipped-busy', target: this.opts.target.name, atMs: now });
      return;
    }
    this.petOnce(now);
  }

  private petOnce(now: number): void {
    let result;
    try {
      result = this.opts.target.pet();
    } catch (err) {
      result = { ok: false as const, error: `pet threw: ${(err as Error).message}` };
    }
    if (result instanceof Promise) {
      this.inFlight = true;
      result.then(
        (r) => this.settle(r.ok ? null : r.error),
        (err: unknown) => this.settle(`pet rejected: ${(err as Error)?.message ?? String(err)}`),
      );
    } else {
      this.settle(result.ok ? null : result.error, now);
    }
  }

  private settle(error: string | null, atMs = this.opts.nowMs()): void {
    this.inFlight = false;
    if (error === null) {
      this.stats.pets += 1;
      this.lastPetMs = atMs;
      if (this.failing) this.emit({ kind: 'pet-recovered', target: this.opts.target.name, atMs });
      this.failing = false;
      return;
    }
    this.stats.failures += 1;
    this.lastError = error;
    if (!this.failing) this.emit({ kind: 'pet-failed', target: this.opts.target.name, atMs, error });
    this.failing = true;
  }

  private emit(event: PetterEvent): void {
    this.opts.onEvent?.(event);
  }
}
