// A virtual clock for deterministic tests and simulations: `schedule` queues
// callbacks, and nothing runs until the owner advances time. A 1 s reply
// timeout therefore costs no real time and always fires in the same order.

import type { Cancel, Schedule } from '../schedule';

interface Task {
  atMs: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** Callbacks one advance may run before we call it a runaway loop. */
const MAX_TASKS_PER_ADVANCE = 100_000;

export class ManualClock {
  private current = 0;
  private seq = 0;
  private tasks: Task[] = [];

  get nowMs(): number {
    return this.current;
  }

  /** Scheduled callbacks not yet run or cancelled. */
  get pendingCount(): number {
    return this.tasks.filter((t) => !t.cancelled).length;
  }

  readonly schedule: Schedule = (delayMs, fn): Cancel => {
    const task: Task = { atMs: this.current + Math.max(0, delayMs), seq: this.seq++, fn, cancelled: false };
    this.tasks.push(task);
    return () => {
      task.cancelled = true;
    };
  };

  /** Move time forward by `ms`, running every callback that falls due, in time order. */
  advance(ms: number): void {
    const target = this.current + Math.max(0, ms);
    for (let n = 0; n < MAX_TASKS_PER_ADVANCE; n++) {
      const next = this.nextTask();
      if (!next || next.atMs > target) {
        this.current = target;
        return;
      }
      this.runTask(next);
    }
    throw new Error(`ManualClock: more than ${MAX_TASKS_PER_ADVANCE} callbacks in one advance (a 0 ms loop?)`);
  }

  /** Jump to the next due callback (no later than `limitMs`) and run it; false if there is none. */
  runNext(limitMs = Number.POSITIVE_INFINITY): boolean {
    const next = this.nextTask();
    if (!next || next.atMs > limitMs) return false;
    this.runTask(next);
    return true;
  }

  /**
   * Drive time until `promise` settles: let pending promise continuations run
   * (one real macrotask turn), then fire the next virtual callback, repeatedly.
   * Rejects if nothing is left to run or `maxMs` of virtual time pass first.
   */
  async settle<T>(promise: Promise<T>, maxMs = 600_000): Promise<T> {
    let settled = false;
    promise.then(
      () => (settled = true),
      () => (settled = true),
    );
    const deadline = this.current + maxMs;
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (settled) return promise;
      if (!this.runNext(deadline)) {
        throw new Error(`ManualClock.settle: promise still pending at ${this.current} ms with nothing scheduled before ${deadline} ms`);
      }
    }
  }

  private nextTask(): Task | undefined {
    this.tasks = this.tasks.filter((t) => !t.cancelled);
    let best: Task | undefined;
    for (const t of this.tasks) {
      if (!best || t.atMs < best.atMs || (t.atMs === best.atMs && t.seq < best.seq)) best = t;
    }
    return best;
  }

  private runTask(task: Task): void {
    task.cancelled = true;
    this.current = Math.max(this.current, task.atMs);
    task.fn();
  }
}
