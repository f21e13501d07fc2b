// One LED on one GPIO output: a pattern (off, on, slow or fast blink) turned
// into writes on the injected schedule. Writes never overlap (the gpiod
// backend restarts a process per write): while one is under way, later
// levels wait and only the newest is written. A failed write is reported
// once per episode, then retried every retryMs (and at each blink edge)
// until it succeeds, which is reported too. Nothing here throws.

import type { GpioError, GpioLine, GpioResult } from '../gpio/types';
import type { Cancel, Schedule } from '../ups/schedule';
import type { LedName } from '../boards/types';
import { blinkHalfPeriodMs, type LedPattern } from './patterns';

export interface LedDriverOptions {
  schedule: Schedule;
  retryMs: number;
  onWriteError?: (led: LedName, error: GpioError) => void;
  onWriteRecovered?: (led: LedName) => void;
}

export class LedDriver {
  private pattern: LedPattern = 'off';
  /** The level the pattern wants now. */
  private lit = false;
  /** The level known to be on the line; null after a failed write (unknown). */
  private written: boolean | null = false;
  private writing: Promise<void> | null = null;
  private blinkTimer: Cancel | null = null;
  private retryTimer: Cancel | null = null;
  private failing = false;
  private closed = false;

  constructor(
    readonly name: LedName,
    private readonly line: GpioLine,
    private readonly o: LedDriverOptions,
  ) {}

  get currentPattern(): LedPattern {
    return this.pattern;
  }

  /** True while the line's writes fail. */
  get isFailing(): boolean {
    return this.failing;
  }

  setPattern(pattern: LedPattern): void {
    if (this.closed || pattern === this.pattern) return;
    this.pattern = pattern;
    this.blinkTimer?.();
    this.blinkTimer = null;
    const halfMs = blinkHalfPeriodMs(pattern);
    // A blink starts lit, so a change of state is seen at once.
    this.setLit(pattern !== 'off');
    if (halfMs !== null) this.blinkEvery(halfMs);
  }

  /** Stop blinking, wait for a write under way, turn the LED off, release the line. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.blinkTimer?.();
    this.retryTimer?.();
    this.blinkTimer = this.retryTimer = null;
    if (this.writing) await this.writing;
    await this.writeOnce(false);
    await this.line.close();
  }

  private blinkEvery(halfMs: number): void {
    this.blinkTimer = this.o.schedule(halfMs, () => {
      this.blinkTimer = null;
      if (this.closed) return;
      this.setLit(!this.lit);
      this.blinkEvery(halfMs);
    });
  }

  private setLit(lit: boolean): void {
    this.lit = lit;
    this.flush();
  }

  private flush(): void {
    if (this.closed || this.writing !== null || this.written === this.lit) return;
    this.retryTimer?.();
    this.retryTimer = null;
    this.writing = this.writeOnce(this.lit).then((done) => {
      this.writing = null;
      if (this.closed) return;
      if (done) this.flush(); // the pattern may have moved on while writing
      else
        this.retryTimer = this.o.schedule(this.o.retryMs, () => {
          this.retryTimer = null;
          this.flush();
        });
    });
  }

  private async writeOnce(lit: boolean): Promise<boolean> {
    let r: GpioResult<void>;
    try {
      r = await this.line.write(lit);
    } catch (e) {
      // GpioLine promises not to reject; a broken one must still not break the daemon.
      r = { ok: false, error: { kind: 'io-error', message: `LED ${this.name}: ${e instanceof Error ? e.message : String(e)}` } };
    }
    if (r.ok) {
      this.written = lit;
      if (this.failing) {
        this.failing = false;
        this.report(() => this.o.onWriteRecovered?.(this.name));
      }
      return true;
    }
    this.written = null;
    if (!this.failing) {
      this.failing = true;
      const error = r.error;
      this.report(() => this.o.onWriteError?.(this.name, error));
    }
    return false;
  }

  private report(call: () => void): void {
    try {
      call();
    } catch {
      // A listener's bug must not stop the LEDs.
    }
  }
}
