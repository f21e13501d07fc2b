// The class skeleton every fence agent shares, so each agent file holds only
// its protocol. `SwitchedFenceDevice` is the thin part (name, merged options,
// off/on as one switch); `OutletFenceDevice` adds the open-a-session, find the
// outlet, ask, wrap-with-timings shape of the console agents. The reasons an
// agent builds stay its own: the base only prefixes them (via results.ts) and
// passes failures through the agent's `clean` (the APC agents redact secrets).

import type { FenceDevice, FenceOpResult, PowerStatusResult } from '../../src/shell/fence/device';
import type { FenceClock } from './deps';
import { opResult, statusResult } from './results';
import type { Step } from './step';
import type { TextSession } from './textSession';

export type OnOff = 'on' | 'off';

export abstract class SwitchedFenceDevice<O extends { name: string; clock: FenceClock }> implements FenceDevice {
  readonly name: string;

  /** `options` already merged with the agent's defaults. */
  constructor(protected readonly o: O) {
    this.name = o.name;
  }

  off(target: string): Promise<FenceOpResult> {
    return this.switchTo(target, 'off');
  }

  on(target: string): Promise<FenceOpResult> {
    return this.switchTo(target, 'on');
  }

  abstract status(target: string): Promise<PowerStatusResult>;
  abstract monitor(): Promise<FenceOpResult>;
  protected abstract switchTo(target: string, want: OnOff): Promise<FenceOpResult>;

  protected fail(reason: string, startMs: number): FenceOpResult {
    return opResult(this.name, false, reason, startMs, this.now());
  }

  protected now(): number {
    return this.o.clock.nowMs();
  }
}

/**
 * An agent that talks to its device over a session opened per operation and
 * addresses each target by a key (an outlet number, or the target itself for
 * a UPS). Subclasses supply the protocol steps; timings and wrapping are here.
 */
export abstract class OutletFenceDevice<O extends { name: string; clock: FenceClock }, K> extends SwitchedFenceDevice<O> {
  async status(target: string): Promise<PowerStatusResult> {
    const start = this.now();
    const key = this.locate(target);
    if (!key.ok) return statusResult(this.name, 'unknown', key.reason, start, this.now());
    const r = await this.session((s) => this.readState(s, key.value));
    return statusResult(this.name, r.ok ? r.value : 'unknown', r.ok ? this.stateText(key.value, r.value) : this.clean(r.reason), start, this.now());
  }

  async monitor(): Promise<FenceOpResult> {
    const start = this.now();
    const r = await this.session((s) => this.check(s));
    return opResult(this.name, r.ok, r.ok ? r.value : this.clean(r.reason), start, this.now());
  }

  protected async switchTo(target: string, want: OnOff): Promise<FenceOpResult> {
    const start = this.now();
    const key = this.locate(target);
    if (!key.ok) return this.fail(key.reason, start);
    // Checked before the link opens: a command that cannot be encoded must not cost a session.
    const ready = this.prepare(want);
    if (!ready.ok) return this.fail(ready.reason, start);
    const r = await this.session((s) => this.switchOutlet(s, key.value, want));
    return opResult(this.name, r.ok, r.ok ? r.value : this.clean(r.reason), start, this.now());
  }

  /** Nothing to check before opening, unless the agent says so. */
  protected prepare(_want: OnOff): Step<void> {
    return { ok: true, value: undefined };
  }

  /** Failures read from the device pass through here (e.g. to redact a password the device echoed). */
  protected clean(reason: string): string {
    return reason;
  }

  /** The key for `target`, or why this device does not power it. */
  protected abstract locate(target: string): Step<K>;
  /** Open the link (and log in, wait for a banner...), run `body`, always close. */
  protected abstract session<T>(body: (s: TextSession) => Promise<Step<T>>): Promise<Step<T>>;
  protected abstract readState(s: TextSession, key: K): Promise<Step<OnOff>>;
  /** The success reason of `status`. */
  protected abstract stateText(key: K, state: OnOff): string;
  /** Switch and confirm by reading back; the value is the success reason. */
  protected abstract switchOutlet(s: TextSession, key: K, want: OnOff): Promise<Step<string>>;
  /** The device is reachable and working; the value is the success reason. */
  protected abstract check(s: TextSession): Promise<Step<string>>;
}

/**
 * Look `target` up in an agent's outlet map; the reason is the one every
 * outlet agent gives. Own keys only: a target named "toString" must not find
 * a function on the prototype.
 */
export function outletFor(outlets: Readonly<Record<string, number>>, target: string): Step<number> {
  const outlet = Object.hasOwn(outlets, target) ? outlets[target] : undefined;
  return outlet === undefined ? { ok: false, reason: `no outlet configured for target "${target}"` } : { ok: true, value: outlet };
}

/** A UPS fences only the targets it feeds. */
export function fedTarget(targets: readonly string[], target: string): Step<string> {
  return targets.includes(target) ? { ok: true, value: target } : { ok: false, reason: `this UPS does not feed target "${target}"` };
}

/**
 * The device said the switch was done; only the read-back decides. "Done" but
 * still reading the old state is a failure, as is a read-back that failed.
 */
export function confirmReadBack(state: Step<OnOff>, want: OnOff, claim: string, stillReads: string): Step<OnOff> {
  if (!state.ok) return { ok: false, reason: `${claim} but the status check failed: ${state.reason}` };
  if (state.value !== want) return { ok: false, reason: `${claim} but ${stillReads} ${state.value}` };
  return state;
}
