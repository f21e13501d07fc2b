// Debounce by settling: a raw change (re)starts a timer, and only a level that
// held for `debounceMs` is reported, and only if it differs from the last one
// reported. A contact that chatters 0-1-0 inside the window reports nothing,
// which is what a power-good input or a push button needs. Time is injected.

import type { Cancel, Schedule } from '../ups/schedule';
import type { Level } from './types';

export class Debouncer {
  private last: Level | null;
  private latest: Level | null = null;
  private cancel: Cancel | null = null;
  private stopped = false;

  constructor(
    private readonly debounceMs: number,
    private readonly schedule: Schedule,
    initial: Level | null,
    private readonly emit: (level: Level) => void,
  ) {
    this.last = initial;
  }

  /** The level last reported (or the initial one); null when not yet known. */
  get stableLevel(): Level | null {
    return this.last;
  }

  push(level: Level): void {
    if (this.stopped) return;
    this.latest = level;
    if (this.debounceMs <= 0) {
      this.settle();
      return;
    }
    this.cancel?.();
    this.cancel = this.schedule(this.debounceMs, () => {
      this.cancel = null;
      this.settle();
    });
  }

  stop(): void {
    this.stopped = true;
    this.cancel?.();
    this.cancel = null;
  }

  private settle(): void {
    const level = this.latest;
    if (level === null || level === this.last) return;
    this.last = level;
    this.emit(level);
  }
}
