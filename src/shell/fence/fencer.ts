// Executes a fence: power the target off through the fencing topology, within
// one overall deadline. Levels are tried in order (Pacemaker's
// fencing-topology); a level succeeds only when every one of its devices
// proves the target off, otherwise the next level is tried. "Proves" matters:
// a device that answers "done" while its status still reads on (an IPMI BMC
// doing a graceful shutdown, a lying relay) has not fenced anything, and
// starting the service on that word would run it twice.

import type { FenceDevice } from './device';
import { FenceRun, runLevel } from './fenceRun';

export type FenceAction = 'off' | 'reboot';
export type FenceStep = 'off' | 'status' | 'on';

export interface FenceAttempt {
  device: string;
  step: FenceStep;
  ok: boolean;
  reason: string;
  durationMs: number;
  /** 1-based level the attempt belongs to. */
  level: number;
}

export interface FenceLevelReport {
  /** 1-based, in the order tried. */
  level: number;
  devices: string[];
  /** Every device of the level proved the target off. */
  ok: boolean;
  reason: string;
}

export interface FenceOutcome {
  /** true only when every device of one level read `off` after its off command (reboot: judged on the off half). */
  confirmedOff: boolean;
  /** The device (or the devices of the level, joined with "+") that confirmed, or null. */
  device: string | null;
  reason: string;
  durationMs: number;
  attempts: FenceAttempt[];
  /** The levels tried, in order; a level cut short by the deadline is reported as failed. */
  levels: FenceLevelReport[];
}

export interface FencerOptions {
  /** The topology: levels tried in order; every device of a level must confirm. Wins over `devices`. */
  levels?: ReadonlyArray<readonly FenceDevice[]>;
  /** Without `levels`: each device is its own level, in this order. */
  devices?: readonly FenceDevice[];
  /** Bounds the whole fence, all levels included. */
  timeoutMs: number;
}

type Result = Omit<FenceOutcome, 'durationMs'>;

export class Fencer {
  private current: { target: string; promise: Promise<FenceOutcome> } | null = null;
  private readonly levels: ReadonlyArray<readonly FenceDevice[]>;

  constructor(private readonly options: FencerOptions) {
    this.levels = (options.levels ?? (options.devices ?? []).map((d) => [d])).filter((l) => l.length > 0);
  }

  /** Every device of the topology once, in the order first named. */
  get devices(): FenceDevice[] {
    return [...new Set(this.levels.flat())];
  }

  /** Device names per level, for status and history. */
  get topology(): string[][] {
    return this.levels.map((l) => l.map((d) => d.name));
  }

  /**
   * One fence at a time: a call for the same target while one runs gets the
   * running fence's promise. A call for another target is refused (a
   * two-node cluster has only one peer; this is a caller bug, made visible).
   */
  fence(target: string, action: FenceAction): Promise<FenceOutcome> {
    if (this.current !== null) {
      if (this.current.target === target) return this.current.promise;
      return Promise.resolve({
        confirmedOff: false,
        device: null,
        reason: `cannot fence ${target}: a fence of ${this.current.target} is still running`,
        durationMs: 0,
        attempts: [],
        levels: [],
      });
    }
    const promise = this.runWithDeadline(target, action).finally(() => {
      this.current = null;
    });
    this.current = { target, promise };
    return promise;
  }

  get busy(): boolean {
    return this.current !== null;
  }

  private async runWithDeadline(target: string, action: FenceAction): Promise<FenceOutcome> {
    const startedMs = performance.now();
    const run = new FenceRun(target);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<Result>((resolve) => {
      timer = setTimeout(() => {
        run.cancelled = true;
        resolve(this.timedOut(run));
      }, Math.max(1, this.options.timeoutMs));
    });
    const outcome = await Promise.race([this.tryLevels(run, action), deadline]);
    clearTimeout(timer);
    // Snapshot: a device call still in flight after the deadline must not change what we reported.
    return {
      ...outcome,
      attempts: outcome.attempts.slice(),
      levels: outcome.levels.map((l) => ({ ...l, devices: l.devices.slice() })),
      durationMs: Math.round(performance.now() - startedMs),
    };
  }

  private timedOut(run: FenceRun): Result {
    const limit = `${this.options.timeoutMs} ms`;
    const levels = run.levels.slice();
    if (run.confirmedBy !== null) {
      // Reboot: the off half is proven; only the power-on is late.
      return {
        confirmedOff: true,
        device: run.confirmedBy,
        reason: `${run.confirmedBy} confirmed ${run.target} is off; power on after reboot did not finish within ${limit}`,
        attempts: run.attempts.slice(),
        levels,
      };
    }
    if (run.currentLevel !== null) {
      levels.push({ ...run.currentLevel, ok: false, reason: `cut short: the fence timed out after ${limit}` });
    }
    const waiting = run.waitingFor === null ? '' : ` waiting for ${run.waitingFor}`;
    const earlier = run.failures.length === 0 ? '' : `; before that: ${run.failures.join('; ')}`;
    return {
      confirmedOff: false,
      device: null,
      reason: `fencing ${run.target} timed out after ${limit}${waiting}${earlier}`,
      attempts: run.attempts.slice(),
      levels,
    };
  }

  private async tryLevels(run: FenceRun, action: FenceAction): Promise<Result> {
    if (this.levels.length === 0) {
      const reason = `cannot fence ${run.target}: no fence devices configured`;
      return { confirmedOff: false, device: null, reason, attempts: [], levels: [] };
    }
    for (const [i, devices] of this.levels.entries()) {
      if (run.cancelled) break;
      const confirmed = await runLevel(run, i + 1, devices, action);
      if (confirmed !== null) {
        return { confirmedOff: true, device: run.confirmedBy, reason: confirmed, attempts: run.attempts, levels: run.levels };
      }
    }
    return {
      confirmedOff: false,
      device: null,
      reason: `fencing ${run.target} failed: ${run.failures.join('; ')}`,
      attempts: run.attempts,
      levels: run.levels,
    };
  }
}
