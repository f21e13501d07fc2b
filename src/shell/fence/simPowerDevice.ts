// Fence device backed by the simulated power switch of `edge-ha pair`. The
// configured plug is the outlet that powers the peer, so the fence target
// (a node id) only appears in reasons.

import type { FenceDeviceConfig } from '../../config/types';
import { simPowerRequest } from '../../simpower/client';
import { isValidPlugName } from '../../simpower/protocol';
import type { FenceDevice, FenceOpResult, PowerStatusResult } from './device';

export type SimPowerFenceDeviceConfig = Extract<FenceDeviceConfig, { type: 'sim-power' }>;

export class SimPowerFenceDevice implements FenceDevice {
  readonly name: string;

  constructor(private readonly config: SimPowerFenceDeviceConfig) {
    this.name = config.name;
  }

  off(target: string): Promise<FenceOpResult> {
    return this.switchTo('OFF', target);
  }

  on(target: string): Promise<FenceOpResult> {
    return this.switchTo('ON', target);
  }

  async status(target: string): Promise<PowerStatusResult> {
    const started = performance.now();
    const r = await this.request('STATUS');
    const durationMs = elapsedMs(started);
    if (!r.ok) return { state: 'unknown', reason: `status of ${target} unknown: ${r.reason}`, durationMs };
    if (r.text === 'ON') return { state: 'on', reason: `plug ${this.config.plug} (${target}) is on`, durationMs };
    if (r.text === 'OFF') return { state: 'off', reason: `plug ${this.config.plug} (${target}) is off`, durationMs };
    return { state: 'unknown', reason: `status of ${target} unknown: unexpected answer "OK ${r.text}"`, durationMs };
  }

  async monitor(): Promise<FenceOpResult> {
    const started = performance.now();
    const r = await this.request('STATUS');
    const durationMs = elapsedMs(started);
    if (!r.ok) return { ok: false, reason: `monitor failed: ${r.reason}`, durationMs };
    if (r.text === 'ON' || r.text === 'OFF') return { ok: true, reason: `switch answers (plug ${this.config.plug} ${r.text})`, durationMs };
    return { ok: false, reason: `monitor failed: unexpected answer "OK ${r.text}"`, durationMs };
  }

  private async switchTo(state: 'ON' | 'OFF', target: string): Promise<FenceOpResult> {
    const started = performance.now();
    const verb = state.toLowerCase();
    const r = await this.request(state);
    const durationMs = elapsedMs(started);
    if (!r.ok) return { ok: false, reason: `${verb} of ${target} failed: ${r.reason}`, durationMs };
    if (r.text !== state) {
      return { ok: false, reason: `${verb} of ${target} failed: switch answered "OK ${r.text}"`, durationMs };
    }
    return { ok: true, reason: `switch turned plug ${this.config.plug} (${target}) ${verb}`, durationMs };
  }

  private request(verb: 'ON' | 'OFF' | 'STATUS'): ReturnType<typeof simPowerRequest> {
    const { plug, address, timeoutMs } = this.config;
    if (!isValidPlugName(plug)) {
      return Promise.resolve({ ok: false, reason: `plug name ${JSON.stringify(plug)} is not valid for the switch` });
    }
    return simPowerRequest(address, `${verb} ${plug}`, timeoutMs);
  }
}

function elapsedMs(startedMs: number): number {
  return Math.round(performance.now() - startedMs);
}
