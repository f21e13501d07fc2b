// Await a promise we do not trust (an injected callback, a transport factory)
// with a deadline on the injected clock. Never rejects: a rejection or a throw
// becomes a value, so agents can turn every outcome into a readable reason.

import type { Schedule } from '../ups/schedule';

export type Timed<T> = { kind: 'value'; value: T } | { kind: 'timeout' } | { kind: 'error'; message: string };

export function timed<T>(start: () => Promise<T>, timeoutMs: number, schedule: Schedule): Promise<Timed<T>> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (outcome: Timed<T>): void => {
      if (done) return;
      done = true;
      cancel();
      resolve(outcome);
    };
    const cancel = schedule(timeoutMs, () => finish({ kind: 'timeout' }));
    let promise: Promise<T>;
    try {
      promise = Promise.resolve(start());
    } catch (e) {
      finish({ kind: 'error', message: errorMessage(e) });
      return;
    }
    promise.then(
      (value) => finish({ kind: 'value', value }),
      (e: unknown) => finish({ kind: 'error', message: errorMessage(e) }),
    );
  });
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Pause on the injected clock. */
export function sleep(ms: number, schedule: Schedule): Promise<void> {
  return new Promise((resolve) => {
    schedule(ms, resolve);
  });
}
