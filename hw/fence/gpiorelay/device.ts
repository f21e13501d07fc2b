// FenceDevice for a relay on a GPIO output that cuts the peer's power (the
// contact sits in its supply) or holds its reset line. Two modes:
//
// * `hold`: off energises the relay and leaves it so; on releases it.
// * `pulse`: off energises it for `pulseMs` then releases (a reset press, a
//   power cycle, a long power-button press); on is a second pulse of
//   `onPulseMs` when configured (a short power-button press), else refused.
//
// "Energised" is the line's logical active value; the line's own `activeLow`
// covers boards whose relay input is active-low. Confirmation follows
// senseConfirm.ts: only a sense input that reads off within the window makes
// an off a success; without one the result is always unconfirmed (ok:false).

import type { FenceOpResult, PowerStatusResult } from '../../../src/shell/fence/device';
import type { GpioLine } from '../../gpio/types';
import type { FenceClock } from '../deps';
import { SwitchedFenceDevice, type OnOff } from '../outletDevice';
import { opResult, statusResult } from '../results';
import { sleep } from '../timed';
import { gpioPowerSense, NO_SENSE_TEXT, unconfirmedText, waitForSensed, withSenseTimeout, type PowerSense } from './senseConfirm';

export type RelayMode = { kind: 'hold' } | { kind: 'pulse'; pulseMs: number; onPulseMs?: number };

export interface GpioRelayFenceOptions {
  name: string;
  /** The node this relay powers (the peer). */
  target: string;
  /** Output line; active = relay energised = power cut / reset held. */
  relay: GpioLine;
  mode: RelayMode;
  /** Input line; active = the target has power (unless senseActiveMeansOn is false). */
  sense?: GpioLine;
  senseActiveMeansOn?: boolean;
  clock: FenceClock;
  settleMs?: number;
  confirmTimeoutMs?: number;
  sensePollMs?: number;
  senseTimeoutMs?: number;
}

const DEFAULTS = { settleMs: 200, confirmTimeoutMs: 10_000, sensePollMs: 250, senseTimeoutMs: 2000 };
/** A pulse longer than a minute is a config mistake (hold mode exists for that). */
export const MAX_PULSE_MS = 60_000;

type Options = GpioRelayFenceOptions & typeof DEFAULTS;

export class GpioRelayFenceDevice extends SwitchedFenceDevice<Options> {
  private readonly sense: PowerSense | null;

  constructor(options: GpioRelayFenceOptions) {
    super({ ...DEFAULTS, ...options });
    this.sense = options.sense
      ? withSenseTimeout(gpioPowerSense(options.sense, options.senseActiveMeansOn !== false), this.o.senseTimeoutMs, this.o.clock.schedule)
      : null;
  }

  async status(target: string): Promise<PowerStatusResult> {
    const start = this.now();
    if (target !== this.o.target) return statusResult(this.name, 'unknown', `this relay does not power target "${target}"`, start, this.now());
    if (!this.sense) {
      const relay = await this.o.relay.read();
      const held = relay.ok ? `relay is ${relay.value ? 'energised' : 'released'}` : `relay state unreadable: ${relay.error.message}`;
      return statusResult(this.name, 'unknown', `${held}; ${NO_SENSE_TEXT}`, start, this.now());
    }
    const s = await this.sense();
    return statusResult(this.name, s.state, s.detail, start, this.now());
  }

  /** Working means: the relay output answers, and there is a sense that reads. */
  async monitor(): Promise<FenceOpResult> {
    const start = this.now();
    const relay = await this.o.relay.read();
    if (!relay.ok) return this.fail(`relay output "${this.o.relay.name}" unusable: ${relay.error.message}`, start);
    if (!this.sense) return this.fail(`relay output answers, but ${NO_SENSE_TEXT}`, start);
    const s = await this.sense();
    if (s.state === 'unknown') return this.fail(`relay output answers, but ${s.detail}`, start);
    return opResult(this.name, true, `relay output answers (${relay.value ? 'energised' : 'released'}); ${s.detail}`, start, this.now());
  }

  protected async switchTo(target: string, want: OnOff): Promise<FenceOpResult> {
    const start = this.now();
    if (target !== this.o.target) return this.fail(`this relay does not power target "${target}"`, start);
    const mode = this.o.mode;
    if (mode.kind === 'pulse') {
      const pulseMs = want === 'off' ? mode.pulseMs : mode.onPulseMs;
      if (pulseMs === undefined) return this.fail('pulse mode has no on action (set onPulseMs for a power-button relay)', start);
      if (!Number.isFinite(pulseMs) || pulseMs <= 0 || pulseMs > MAX_PULSE_MS) return this.fail(`pulse length must be 1..${MAX_PULSE_MS} ms, got ${pulseMs}`, start);
      return this.pulse(target, want, pulseMs, start);
    }
    const driven = await this.o.relay.write(want === 'off');
    if (!driven.ok) return this.fail(`cannot ${want === 'off' ? 'energise' : 'release'} the relay: ${driven.error.message}`, start);
    const drivenAt = this.now();
    return this.confirm(target, want, `relay ${want === 'off' ? 'energised' : 'released'}`, drivenAt, start, '');
  }

  private async pulse(target: string, want: OnOff, pulseMs: number, start: number): Promise<FenceOpResult> {
    const driven = await this.o.relay.write(true);
    if (!driven.ok) return this.fail(`cannot energise the relay: ${driven.error.message}`, start);
    const drivenAt = this.now();
    // Sense while the pulse runs: a power cycle reads off only during it.
    const confirming = this.sense ? waitForSensed(this.sense, want, drivenAt, this.timing()) : null;
    await sleep(pulseMs, this.o.clock.schedule);
    const released = await this.o.relay.write(false);
    const note = released.ok ? '' : `; WARNING: releasing the relay failed, it may still be energised: ${released.error.message}`;
    const what = `relay pulsed for ${pulseMs} ms`;
    if (!confirming) return this.fail(`${what}, but ${NO_SENSE_TEXT}${note}`, start);
    const r = await confirming;
    if (r.confirmed) return opResult(this.name, true, `${what}; target "${target}" read ${want} after ${r.afterMs} ms (${r.last.detail})${note}`, start, this.now());
    return this.fail(`${what}, but ${unconfirmedText(want, target, r)}${note}`, start);
  }

  private async confirm(target: string, want: OnOff, what: string, drivenAt: number, start: number, note: string): Promise<FenceOpResult> {
    if (!this.sense) return this.fail(`${what}, but ${NO_SENSE_TEXT}${note}`, start);
    const r = await waitForSensed(this.sense, want, drivenAt, this.timing());
    if (r.confirmed) return opResult(this.name, true, `${what}; target "${target}" reads ${want} after ${r.afterMs} ms (${r.last.detail})${note}`, start, this.now());
    return this.fail(`${what}, but ${unconfirmedText(want, target, r)}${note}`, start);
  }

  private timing() {
    return { schedule: this.o.clock.schedule, nowMs: this.o.clock.nowMs, settleMs: this.o.settleMs, confirmTimeoutMs: this.o.confirmTimeoutMs, sensePollMs: this.o.sensePollMs };
  }
}
