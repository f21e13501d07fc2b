// The mechanics of one fencing campaign against the peer: wait out the fence
// delay, fire, wait for the result (and give up on a silent device), back off
// and retry with doubling delays. Whether to fence at all, and what a
// confirmed fence means, is decided in core.ts; this only keeps the clock.

export type FencePhase =
  | { kind: 'idle' }
  | { kind: 'delayed'; untilMs: number }
  | { kind: 'inflight'; fenceId: number; sinceMs: number }
  | { kind: 'backoff'; untilMs: number };

export interface FenceTiming {
  fenceTimeoutMs: number;
  fenceRetryMs: number;
  fenceRetryMaxMs: number;
}

/** The core waits this much longer than the shell's own fence timeout before calling a fence lost. */
const GIVE_UP_MARGIN_MS = 1000;

export class FenceMachine {
  phase: FencePhase = { kind: 'idle' };
  attempts = 0;
  lastResult: string | null = null;
  private retryMs: number;
  private nextFenceId: number;

  constructor(
    private readonly timing: FenceTiming,
    lastFenceId: number,
  ) {
    this.retryMs = timing.fenceRetryMs;
    // Fence ids continue across restarts so the history never reuses one.
    this.nextFenceId = lastFenceId + 1;
  }

  get kind(): FencePhase['kind'] {
    return this.phase.kind;
  }

  /** Start a campaign that fires after delayMs; false if one is already running. */
  begin(now: number, delayMs: number): boolean {
    if (this.phase.kind !== 'idle') return false;
    this.attempts = 0;
    this.retryMs = this.timing.fenceRetryMs;
    this.phase = { kind: 'delayed', untilMs: now + delayMs };
    return true;
  }

  /** `fire` once the delay or backoff is over; `give-up` when a fired fence has had no result in time. */
  due(now: number): 'fire' | 'give-up' | null {
    const f = this.phase;
    if ((f.kind === 'delayed' || f.kind === 'backoff') && now >= f.untilMs) return 'fire';
    if (f.kind === 'inflight' && now >= f.sinceMs + this.giveUpMs()) return 'give-up';
    return null;
  }

  fire(now: number): { fenceId: number; attempt: number } {
    const fenceId = this.nextFenceId++;
    this.attempts++;
    this.phase = { kind: 'inflight', fenceId, sinceMs: now };
    return { fenceId, attempt: this.attempts };
  }

  isInflight(fenceId: number): boolean {
    return this.phase.kind === 'inflight' && this.phase.fenceId === fenceId;
  }

  inflightForMs(now: number): number {
    return this.phase.kind === 'inflight' ? now - this.phase.sinceMs : 0;
  }

  confirmed(reason: string): void {
    this.phase = { kind: 'idle' };
    this.lastResult = `confirmed: ${reason}`;
  }

  /** A failed attempt: back off, doubling up to the maximum. Returns the delay before the retry. */
  failed(now: number, reason: string): number {
    const waitMs = this.retryMs;
    this.lastResult = `failed: ${reason}`;
    this.phase = { kind: 'backoff', untilMs: now + waitMs };
    this.retryMs = Math.min(this.retryMs * 2, this.timing.fenceRetryMaxMs);
    return waitMs;
  }

  /** The shell never fired this fence (its state write failed): try again after retryMs. */
  notFired(now: number, fenceId: number, reason: string, retryMs: number): boolean {
    if (!this.isInflight(fenceId)) return false;
    this.phase = { kind: 'backoff', untilMs: now + retryMs };
    this.lastResult = `not fired: ${reason}`;
    return true;
  }

  /** Drop a campaign that has not fired (or is between attempts). A fence in flight is never forgotten. */
  cancelPending(): boolean {
    if (this.phase.kind !== 'delayed' && this.phase.kind !== 'backoff') return false;
    this.phase = { kind: 'idle' };
    this.retryMs = this.timing.fenceRetryMs;
    return true;
  }

  /** Forget everything, in flight included (the node is shutting down). */
  abandon(): void {
    this.phase = { kind: 'idle' };
  }

  wakeMs(): number {
    const f = this.phase;
    if (f.kind === 'delayed' || f.kind === 'backoff') return f.untilMs;
    if (f.kind === 'inflight') return f.sinceMs + this.giveUpMs();
    return Infinity;
  }

  private giveUpMs(): number {
    return this.timing.fenceTimeoutMs + GIVE_UP_MARGIN_MS;
  }
}
