// Executes the core's `fence` action: power the target off through the first
// device that can prove it, within one overall deadline. "Proves" matters: a
// device that answers "done" while its status still reads on (an IPMI BMC
// doing a graceful shutdown, a lying relay) has not fenced anything, and
// starting the service on that word would run it twice.

import type { FenceDevice, FenceOpResult, PowerStatusResult } from './device';

export type FenceAction = 'off' | 'reboot';
export type FenceStep = 'off' | 'status' | 'on';

export interface FenceAttempt {
  device: string;
  step: FenceStep;
  ok: boolean;
  reason: string;
  durationMs: number;
}

export interface FenceOutcome {
  /** true only when a device's status read `off` after its off command (reboot: judged on the off half). */
  confirmedOff: boolean;
  /** The device that confirmed, or null. */
  device: string | null;
  reason: string;
  durationMs: number;
  attempts: FenceAttempt[];
}

export interface FencerOptions {
  /** Tried in order; the first that confirms wins. */
  devices: readonly FenceDevice[];
  /** Bounds the whole fence, all devices included. */
  timeoutMs: number;
}

/** Shared between a running fence and its overall deadline. */
interface FenceRun {
  readonly target: string;
  readonly attempts: FenceAttempt[];
  readonly failures: string[];
  /** Set by the deadline: no further device step may start. */
  cancelled: boolean;
  /** `relay-1 off`: what we are waiting for, for the timeout reason. */
  waitingFor: string | null;
  confirmedBy: string | null;
}

export class Fencer {
  private current: { target: string; promise: Promise<FenceOutcome> } | null = null;

  constructor(private readonly options: FencerOptions) {}

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
    const run: FenceRun = { target, attempts: [], failures: [], cancelled: false, waitingFor: null, confirmedBy: null };
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<Omit<FenceOutcome, 'durationMs'>>((resolve) => {
      timer = setTimeout(() => {
        run.cancelled = true;
        resolve(this.timedOut(run));
      }, Math.max(1, this.options.timeoutMs));
    });
    const outcome = await Promise.race([this.tryDevices(run, action), deadline]);
    clearTimeout(timer);
    // Snapshot: a device call still in flight after the deadline must not change what we reported.
    return { ...outcome, attempts: outcome.attempts.slice(), durationMs: Math.round(performance.now() - startedMs) };
  }

  private timedOut(run: FenceRun): Omit<FenceOutcome, 'durationMs'> {
    const limit = `${this.options.timeoutMs} ms`;
    if (run.confirmedBy !== null) {
      // Reboot: the off half is proven; only the power-on is late.
      return {
        confirmedOff: true,
        device: run.confirmedBy,
        reason: `${run.confirmedBy} confirmed ${run.target} is off; power on after reboot did not finish within ${limit}`,
        attempts: run.attempts.slice(),
      };
    }
    const waiting = run.waitingFor === null ? '' : ` waiting for ${run.waitingFor}`;
    const earlier = run.failures.length === 0 ? '' : `; before that: ${run.failures.join('; ')}`;
    return {
      confirmedOff: false,
      device: null,
      reason: `fencing ${run.target} timed out after ${limit}${waiting}${earlier}`,
      attempts: run.attempts.slice(),
    };
  }

  private async tryDevices(run: FenceRun, action: FenceAction): Promise<Omit<FenceOutcome, 'durationMs'>> {
    const { devices } = this.options;
    if (devices.length === 0) {
      return { confirmedOff: false, device: null, reason: `cannot fence ${run.target}: no fence devices configured`, attempts: [] };
    }
    for (const device of devices) {
      if (run.cancelled) break;
      const failure = await this.confirmOff(run, device);
      if (failure !== null) {
        run.failures.push(failure);
        continue;
      }
      run.confirmedBy = device.name;
      let reason = `${device.name} confirmed ${run.target} is off`;
      if (action === 'reboot' && !run.cancelled) {
        const on = await this.step(run, device, 'on', () => device.on(run.target));
        reason += on.ok ? '; powered it back on' : `; power on after reboot failed: ${on.reason}`;
      }
      return { confirmedOff: true, device: device.name, reason, attempts: run.attempts };
    }
    return {
      confirmedOff: false,
      device: null,
      reason: `fencing ${run.target} failed: ${run.failures.join('; ')}`,
      attempts: run.attempts,
    };
  }

  /** null when `device` proved the target off, else why not. */
  private async confirmOff(run: FenceRun, device: FenceDevice): Promise<string | null> {
    const off = await this.step(run, device, 'off', () => device.off(run.target));
    if (!off.ok) return `${device.name}: ${off.reason}`;
    if (run.cancelled) return `${device.name}: status not checked, the fence timed out`;
    const status = await this.statusStep(run, device);
    if (status.state === 'off') return null;
    if (status.state === 'on') return `${device.name} reported off but status still reads on`;
    return `${device.name} reported off but its status is unknown: ${status.reason}`;
  }

  private async step(
    run: FenceRun,
    device: FenceDevice,
    step: 'off' | 'on',
    call: () => Promise<FenceOpResult>,
  ): Promise<FenceOpResult> {
    run.waitingFor = `${device.name} ${step}`;
    const startedMs = performance.now();
    let result: FenceOpResult;
    try {
      result = await call();
    } catch (e) {
      // FenceDevice methods must not reject; if one does, it is a failed step, not a crashed fencer.
      result = { ok: false, reason: `${step} threw: ${errorText(e)}`, durationMs: Math.round(performance.now() - startedMs) };
    }
    if (!run.cancelled) run.attempts.push({ device: device.name, step, ok: result.ok, reason: result.reason, durationMs: result.durationMs });
    return result;
  }

  private async statusStep(run: FenceRun, device: FenceDevice): Promise<PowerStatusResult> {
    run.waitingFor = `${device.name} status`;
    const startedMs = performance.now();
    let result: PowerStatusResult;
    try {
      result = await device.status(run.target);
    } catch (e) {
      result = { state: 'unknown', reason: `status threw: ${errorText(e)}`, durationMs: Math.round(performance.now() - startedMs) };
    }
    if (!run.cancelled) {
      run.attempts.push({ device: device.name, step: 'status', ok: result.state === 'off', reason: result.reason, durationMs: result.durationMs });
    }
    return result;
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
