// Runs a session's requests one at a time (a serial UPS answers one command at
// a time and replies carry no request id) with a hard cap on how many may wait,
// so a stuck link cannot pile up unbounded work.

export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  constructor(private readonly maxQueued: number) {}

  /** Requests accepted and not yet finished, including the one running. */
  get size(): number {
    return this.waiting;
  }

  /** Runs `job` after the ones before it; `whenFull` answers instead when the cap is reached. */
  run<T>(job: () => Promise<T>, whenFull: () => T): Promise<T> {
    if (this.waiting >= this.maxQueued) return Promise.resolve(whenFull());
    this.waiting++;
    const result = this.tail.then(job).finally(() => {
      this.waiting--;
    });
    this.tail = result.catch(() => undefined);
    return result;
  }
}
