// Confirmation by a sense signal, shared by the GPIO relay and the RC-delay
// reset cable. Neither device can report anything, so the safe rule is:
//
//   an off (or on) is a success only when an independent sense reads the
//   wanted state within `confirmTimeoutMs` of driving the line. Without a
//   sense, nothing is ever confirmed: the line is still driven (that can only
//   help the fence), but the result is ok:false with the reason "unconfirmed".
//
// There is deliberately no "assume off after N ms" option: a relay that
// welded, a cable that fell out or a reset that did nothing look exactly like
// success from this side, and a wrong "fenced" hands the service to two nodes.
//
// The window opens when the line is driven, not when a pulse ends: a power
// cycle or a reset shows "off" *during* the pulse and may read "on" again
// afterwards, so any off reading inside the window confirms.

import type { Schedule } from '../../ups/schedule';
import type { GpioLine } from '../../gpio/types';
import type { SenseOff } from '../lcus/device';
import { sleep, timed } from '../timed';

export type SensedState = { state: 'on' | 'off' | 'unknown'; detail: string };

/** One reading of the target's power. Never rejects. */
export type PowerSense = () => Promise<SensedState>;

export interface ConfirmTiming {
  schedule: Schedule;
  nowMs: () => number;
  /** Wait after driving the line before the first reading (relay and supply settle). */
  settleMs: number;
  /** Give up this long after driving the line. */
  confirmTimeoutMs: number;
  sensePollMs: number;
}

/**
 * Poll `sense` until it reads `want` (true, with the detail) or the window
 * closes (false, with the last reading). `drivenAtMs` is when the line moved.
 */
export async function waitForSensed(
  sense: PowerSense,
  want: 'on' | 'off',
  drivenAtMs: number,
  t: ConfirmTiming,
): Promise<{ confirmed: boolean; last: SensedState; afterMs: number }> {
  await sleep(t.settleMs, t.schedule);
  const deadline = drivenAtMs + t.confirmTimeoutMs;
  for (;;) {
    const last = await sense();
    if (last.state === want) return { confirmed: true, last, afterMs: t.nowMs() - drivenAtMs };
    if (t.nowMs() + t.sensePollMs > deadline) return { confirmed: false, last, afterMs: t.nowMs() - drivenAtMs };
    await sleep(t.sensePollMs, t.schedule);
  }
}

/** Why a confirmation failed, in words. */
export function unconfirmedText(want: 'on' | 'off', target: string, r: { last: SensedState; afterMs: number }): string {
  if (r.last.state === 'unknown') return `cannot confirm target "${target}" is ${want} after ${r.afterMs} ms: ${r.last.detail}`;
  return `target "${target}" still reads ${r.last.state} after ${r.afterMs} ms (${r.last.detail})`;
}

/**
 * A GPIO input as the sense: logical active = the target has power (a
 * power-good or "running" signal; set the line's activeLow to match the
 * wiring). `activeMeansOn: false` flips it for an "off" indicator.
 */
export function gpioPowerSense(line: GpioLine, activeMeansOn = true): PowerSense {
  return async () => {
    const r = await line.read();
    if (!r.ok) return { state: 'unknown', detail: `sense input "${line.name}" unreadable: ${r.error.message}` };
    const on = r.value === activeMeansOn;
    return { state: on ? 'on' : 'off', detail: `sense input "${line.name}" reads ${on ? 'on' : 'off'}` };
  };
}

/** The hw/fence SenseOff callback (a BMC, a PDU meter...) as a sense, with a deadline per reading. */
export function senseOffPowerSense(senseOff: SenseOff, target: string, senseTimeoutMs: number, schedule: Schedule): PowerSense {
  return async () => {
    const r = await timed(() => senseOff(target), senseTimeoutMs, schedule);
    if (r.kind === 'timeout') return { state: 'unknown', detail: `power sense gave no reading within ${senseTimeoutMs} ms` };
    if (r.kind === 'error') return { state: 'unknown', detail: `power sense failed: ${r.message}` };
    if (r.value === true) return { state: 'off', detail: 'power sense reads off' };
    if (r.value === false) return { state: 'on', detail: 'power sense reads on' };
    return { state: 'unknown', detail: 'power sense cannot tell' };
  };
}

/** A GPIO read has no deadline of its own (a hung gpioget); give it one. */
export function withSenseTimeout(sense: PowerSense, senseTimeoutMs: number, schedule: Schedule): PowerSense {
  return async () => {
    const r = await timed(sense, senseTimeoutMs, schedule);
    if (r.kind === 'timeout') return { state: 'unknown', detail: `sense gave no reading within ${senseTimeoutMs} ms` };
    if (r.kind === 'error') return { state: 'unknown', detail: `sense failed: ${r.message}` };
    return r.value;
  };
}

export const NO_SENSE_TEXT = 'no sense input is configured, so the result is unconfirmed (this agent never assumes a fence worked)';
