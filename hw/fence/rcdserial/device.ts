// FenceDevice for the RC-delay serial reset cable (Heartbeat's rcd_serial,
// fence-agents' fence_rcd_serial; reference hardware-protocols §9.3): no
// protocol at all, a modem-control line drives the peer's reset switch
// through an RC circuit. Per operation: open the link, clear RTS and DTR,
// raise the chosen line for `pulseMs`, clear it, close. The modem part of the
// link does the work, so on a pty (no modem lines) or a TCP link every step is
// a typed error that becomes the failure reason.
//
// The cable says nothing back. Confirmation must come from another signal,
// the injected `senseOff` (a power-good GPIO, the peer's BMC, a PDU meter),
// under the same rule as the GPIO relay (../gpiorelay/senseConfirm.ts):
// without a sense an off is never confirmed. A reset brings the target back
// by itself, so `on` applies nothing: it waits for the sense to read on.

import type { FenceOpResult, PowerStatusResult } from '../../../src/shell/fence/device';
import type { LinkResult, SerialLink } from '../../link/types';
import type { FenceClock } from '../deps';
import type { SenseOff } from '../lcus/device';
import { SwitchedFenceDevice, type OnOff } from '../outletDevice';
import { opResult, statusResult } from '../results';
import { sleep, timed } from '../timed';
import { NO_SENSE_TEXT, senseOffPowerSense, unconfirmedText, waitForSensed, type PowerSense } from '../gpiorelay/senseConfirm';

export interface RcdSerialFenceOptions {
  name: string;
  /** The node whose reset switch the cable drives. */
  target: string;
  /** Opens the serial link (hw/link `serialPortLink`, or a FakeLink in tests). */
  openLink: () => Promise<SerialLink>;
  /** Which modem line the cable is wired to; DTR is fence_rcd_serial's default. */
  signal?: 'dtr' | 'rts';
  pulseMs?: number;
  senseOff?: SenseOff;
  clock: FenceClock;
  openTimeoutMs?: number;
  settleMs?: number;
  confirmTimeoutMs?: number;
  sensePollMs?: number;
  senseTimeoutMs?: number;
}

const DEFAULTS = { signal: 'dtr' as 'dtr' | 'rts', pulseMs: 1500, openTimeoutMs: 5000, settleMs: 200, confirmTimeoutMs: 10_000, sensePollMs: 250, senseTimeoutMs: 3000 };
export const MAX_RCD_PULSE_MS = 30_000;

type Options = RcdSerialFenceOptions & typeof DEFAULTS;

export class RcdSerialFenceDevice extends SwitchedFenceDevice<Options> {
  private readonly sense: PowerSense | null;

  constructor(options: RcdSerialFenceOptions) {
    super({ ...DEFAULTS, ...options });
    this.sense = options.senseOff ? senseOffPowerSense(options.senseOff, options.target, this.o.senseTimeoutMs, this.o.clock.schedule) : null;
  }

  async status(target: string): Promise<PowerStatusResult> {
    const start = this.now();
    if (target !== this.o.target) return statusResult(this.name, 'unknown', `this reset cable is not wired to target "${target}"`, start, this.now());
    if (!this.sense) return statusResult(this.name, 'unknown', `the reset cable cannot report power; ${NO_SENSE_TEXT}`, start, this.now());
    const s = await this.sense();
    return statusResult(this.name, s.state, s.detail, start, this.now());
  }

  /** Working means: the port opens, its modem lines answer (idle: both clear), and the sense reads. */
  async monitor(): Promise<FenceOpResult> {
    const start = this.now();
    const link = await this.open();
    if (typeof link === 'string') return this.fail(link, start);
    const idle = await this.clearBoth(link);
    safeClose(link);
    if (!idle.ok) return this.fail(idle.error.message, start);
    if (!this.sense) return this.fail(`${link.description} modem lines answer, but ${NO_SENSE_TEXT}`, start);
    const s = await this.sense();
    if (s.state === 'unknown') return this.fail(`${link.description} modem lines answer, but ${s.detail}`, start);
    return opResult(this.name, true, `${link.description} modem lines answer; ${s.detail}`, start, this.now());
  }

  protected async switchTo(target: string, want: OnOff): Promise<FenceOpResult> {
    const start = this.now();
    if (target !== this.o.target) return this.fail(`this reset cable is not wired to target "${target}"`, start);
    if (want === 'on') return this.awaitOn(target, start);
    const pulseMs = this.o.pulseMs;
    if (!Number.isFinite(pulseMs) || pulseMs <= 0 || pulseMs > MAX_RCD_PULSE_MS) return this.fail(`pulse length must be 1..${MAX_RCD_PULSE_MS} ms, got ${pulseMs}`, start);
    const link = await this.open();
    if (typeof link === 'string') return this.fail(link, start);
    try {
      return await this.pulse(link, target, pulseMs, start);
    } finally {
      safeClose(link);
    }
  }

  private async pulse(link: SerialLink, target: string, pulseMs: number, start: number): Promise<FenceOpResult> {
    const idle = await this.clearBoth(link);
    if (!idle.ok) return this.fail(`cannot reset "${target}": ${idle.error.message}`, start);
    const line = this.o.signal.toUpperCase();
    const raised = await this.setSignal(link, true);
    if (!raised.ok) {
      await this.setSignal(link, false);
      return this.fail(`cannot reset "${target}": ${raised.error.message}`, start);
    }
    const drivenAt = this.now();
    const confirming = this.sense ? waitForSensed(this.sense, 'off', drivenAt, this.timing()) : null;
    await sleep(pulseMs, this.o.clock.schedule);
    const cleared = await this.setSignal(link, false);
    const note = cleared.ok ? '' : `; WARNING: clearing ${line} failed, the reset may still be held: ${cleared.error.message}`;
    const what = `${line} pulsed for ${pulseMs} ms on ${link.description}`;
    if (!confirming) return this.fail(`${what}, but ${NO_SENSE_TEXT}${note}`, start);
    const r = await confirming;
    if (r.confirmed) return opResult(this.name, true, `${what}; target "${target}" read off after ${r.afterMs} ms (${r.last.detail})${note}`, start, this.now());
    return this.fail(`${what}, but ${unconfirmedText('off', target, r)}${note}`, start);
  }

  /** The cable has no power-on: a reset restarts the target. Success is the sense reading on. */
  private async awaitOn(target: string, start: number): Promise<FenceOpResult> {
    if (!this.sense) return this.fail(`the reset cable has no on action and ${NO_SENSE_TEXT}`, start);
    const r = await waitForSensed(this.sense, 'on', start, this.timing());
    if (r.confirmed) return opResult(this.name, true, `the reset cable has no on action; target "${target}" reads on (${r.last.detail})`, start, this.now());
    return this.fail(`the reset cable has no on action, and ${unconfirmedText('on', target, r)}`, start);
  }

  private async clearBoth(link: SerialLink): Promise<LinkResult<void>> {
    const rts = await link.modem.setRts(false);
    if (!rts.ok) return rts;
    return link.modem.setDtr(false);
  }

  private setSignal(link: SerialLink, on: boolean): Promise<LinkResult<void>> {
    return this.o.signal === 'rts' ? link.modem.setRts(on) : link.modem.setDtr(on);
  }

  private async open(): Promise<SerialLink | string> {
    const r = await timed(() => this.o.openLink(), this.o.openTimeoutMs, this.o.clock.schedule);
    if (r.kind === 'timeout') return `reset cable port did not open within ${this.o.openTimeoutMs} ms`;
    if (r.kind === 'error') return `reset cable port failed to open: ${r.message}`;
    return r.value;
  }

  private timing() {
    return { schedule: this.o.clock.schedule, nowMs: this.o.clock.nowMs, settleMs: this.o.settleMs, confirmTimeoutMs: this.o.confirmTimeoutMs, sensePollMs: this.o.sensePollMs };
  }
}

function safeClose(link: SerialLink): void {
  try {
    link.close();
  } catch {
    // A port that already died is not a fencing failure.
  }
}
