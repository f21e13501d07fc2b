// One pending wait for a device reply, with a timeout on the injected clock.
// Whichever comes first wins: a delivered value, the timeout, or an abort;
// later ones are ignored, so a late reply can never resolve a finished request.

import type { Cancel, Schedule } from './schedule';
import type { SessionError } from './sessionError';

export type WaitOutcome<T> = { kind: 'reply'; value: T } | { kind: 'timeout' } | { kind: 'aborted'; error: SessionError };

export class ReplyWaiter<T> {
  readonly outcome: Promise<WaitOutcome<T>>;
  private settle!: (o: WaitOutcome<T>) => void;
  private cancelTimer: Cancel;
  private done = false;

  constructor(schedule: Schedule, timeoutMs: number) {
    this.outcome = new Promise((resolve) => (this.settle = resolve));
    this.cancelTimer = schedule(timeoutMs, () => this.finish({ kind: 'timeout' }));
  }

  get settled(): boolean {
    return this.done;
  }

  deliver(value: T): void {
    this.finish({ kind: 'reply', value });
  }

  abort(error: SessionError): void {
    this.finish({ kind: 'aborted', error });
  }

  private finish(outcome: WaitOutcome<T>): void {
    if (this.done) return;
    this.done = true;
    this.cancelTimer();
    this.settle(outcome);
  }
}
