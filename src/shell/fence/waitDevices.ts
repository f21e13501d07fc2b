// Two fence "devices" that switch no power. `watchdog`: with no power switch,
// a peer cut off from us resets itself through its own watchdog (it could
// not reach the arbitrator, so it stopped petting); the proof it is off is
// time: waitMs, at least twice its watchdog timeout (sbd's rule, checked by
// the config). `operator`: Heartbeat's meatware; it never confirms by itself
// and tells the operator what to check and which command confirms.

import { timerSchedule, type Schedule } from '../../../hw/ups/schedule';
import type { FenceDevice, FenceOpResult, PowerStatusResult } from './device';

/** How long after its wait ended the device still reads the peer as off (the fencer reads status right after). */
const WAIT_PROOF_FRESH_MS = 5_000;

export class WatchdogWaitFenceDevice implements FenceDevice {
  private readonly waitedAtMs = new Map<string, number>();

  constructor(
    readonly name: string,
    private readonly waitMs: number,
    private readonly schedule: Schedule = timerSchedule,
    private readonly nowMs: () => number = () => performance.now(),
  ) {}

  off(target: string): Promise<FenceOpResult> {
    const startMs = this.nowMs();
    return new Promise((resolve) => {
      this.schedule(this.waitMs, () => {
        this.waitedAtMs.set(target, this.nowMs());
        resolve({ ok: true, reason: `waited ${this.waitMs} ms for ${target}'s watchdog to reset it`, durationMs: Math.round(this.nowMs() - startMs) });
      });
    });
  }

  async status(target: string): Promise<PowerStatusResult> {
    const at = this.waitedAtMs.get(target);
    if (at !== undefined && this.nowMs() - at <= WAIT_PROOF_FRESH_MS) {
      return { state: 'off', reason: `${target} has had ${this.waitMs} ms (at least twice its watchdog timeout) to reset itself`, durationMs: 0 };
    }
    return { state: 'unknown', reason: `${this.name} cannot read ${target}'s power; only a completed wait proves it reset`, durationMs: 0 };
  }

  async on(target: string): Promise<FenceOpResult> {
    return { ok: true, reason: `${target} boots again by itself after its watchdog reset`, durationMs: 0 };
  }

  async monitor(): Promise<FenceOpResult> {
    return { ok: true, reason: 'nothing to reach: the peer resets itself through its own watchdog', durationMs: 0 };
  }
}

export class OperatorFenceDevice implements FenceDevice {
  constructor(readonly name: string) {}

  async off(target: string): Promise<FenceOpResult> {
    return {
      ok: false,
      reason: `waiting for an operator: make sure ${target} is powered off (pull its power), then run \`edge-ha fence confirm ${target}\``,
      durationMs: 0,
    };
  }

  async status(target: string): Promise<PowerStatusResult> {
    return { state: 'unknown', reason: `${this.name}: only a person can tell whether ${target} is off`, durationMs: 0 };
  }

  async on(target: string): Promise<FenceOpResult> {
    return { ok: false, reason: `${this.name}: power ${target} on by hand`, durationMs: 0 };
  }

  async monitor(): Promise<FenceOpResult> {
    return { ok: true, reason: 'operator confirmation needs no device', durationMs: 0 };
  }
}
