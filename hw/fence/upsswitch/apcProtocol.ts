// The peer's APC Smart UPS used as its power switch (reference §9.5, cluster-glue
// apcsmart): `Y` → `SM`, then `S` (off after the grace delay, back when mains
// returns; only on battery, otherwise `NA`), falling back to `@000` (off after
// the grace delay, back on after the wake-up delay). Acks are `OK`, or the `*`
// turning-off alert on older units. The output state is read with `Q`: neither
// OL (0x08) nor OB (0x10) set means the output is off (NUT shows OFF for 0).
// Command bytes come from hw/ups/apcsmart; the matchers here are pure.

import { APC_INSTANT_COMMANDS, APC_SMART_MODE, APC_STATUS, encodeShutdownReturnAfter } from '../../ups/apcsmart/commands';
import { ApcSmartFramer, type ApcFrame } from '../../ups/apcsmart/framer';
import { decodeApcStatus } from '../../ups/apcsmart/status';
import { asciiBytes, describeBytes } from '../../ups/transport';
import type { Match } from '../textSession';

export const APC_CMD_SMART_MODE = APC_SMART_MODE;
export const APC_CMD_STATUS = APC_STATUS;
/** Soft shutdown, return when power is back (on battery only). */
export const APC_CMD_SOFT_SHUTDOWN: string = APC_INSTANT_COMMANDS['shutdown.return'].byte;
/** `@000`: off after the grace delay, wake after 0 tenths of an hour plus the wake-up delay. */
export const APC_CMD_SHUTDOWN_RETURN: string = (() => {
  const r = encodeShutdownReturnAfter(0);
  return r.ok ? r.value : '@000';
})();
/** ^N: turn on; must be sent twice, more than 1.5 s apart. */
export const APC_CMD_TURN_ON: string = APC_INSTANT_COMMANDS['load.on'].byte;

const OUTPUT_LIVE_MASK = 0x08 | 0x10;

export type ApcAckResult = 'ok' | 'not-supported';

/** Frames in `buffer` with a fresh framer: alerts pulled out, CR LF lines. Bounded by the framer's line limit. */
function frames(buffer: string): { frames: ApcFrame[]; consumed: number } {
  const framer = new ApcSmartFramer();
  const out = framer.push(asciiBytes(buffer));
  return { frames: out, consumed: buffer.length - framer.pendingBytes };
}

/** The first line-or-alert answer, skipping alerts that are not `skipAlert`'s concern. */
function firstAnswer(buffer: string, acceptAlert: (char: string) => boolean): { frame: ApcFrame; consumed: number } | undefined {
  const { frames: list, consumed } = frames(buffer);
  for (const f of list) {
    if (f.kind === 'alert' && !acceptAlert(f.alert.char)) continue;
    return { frame: f, consumed };
  }
  return undefined;
}

export function matchSmartMode(buffer: string): Match<true> {
  const a = firstAnswer(buffer, () => false);
  if (!a) return { kind: 'more' };
  if (a.frame.kind === 'overflow') return { kind: 'fail', reason: `line of ${a.frame.droppedBytes} bytes instead of SM` };
  if (a.frame.kind === 'line' && a.frame.text === 'SM') return { kind: 'match', value: true, consumed: a.consumed };
  return { kind: 'fail', reason: `"${describeBytes(a.frame.kind === 'line' ? a.frame.text : '')}" instead of SM` };
}

/** `OK` or `*` → ok; `NA` → not-supported; anything else is a failure. */
export function matchAck(buffer: string): Match<ApcAckResult> {
  const a = firstAnswer(buffer, (c) => c === '*');
  if (!a) return { kind: 'more' };
  const f = a.frame;
  if (f.kind === 'alert') return { kind: 'match', value: 'ok', consumed: a.consumed };
  if (f.kind === 'overflow') return { kind: 'fail', reason: `line of ${f.droppedBytes} bytes instead of OK` };
  if (f.text === 'OK') return { kind: 'match', value: 'ok', consumed: a.consumed };
  if (f.text === 'NA') return { kind: 'match', value: 'not-supported', consumed: a.consumed };
  return { kind: 'fail', reason: `"${describeBytes(f.text)}" instead of OK, * or NA` };
}

/** `Q` answer → output on/off. */
export function matchOutputState(buffer: string): Match<'on' | 'off'> {
  const a = firstAnswer(buffer, () => false);
  if (!a) return { kind: 'more' };
  if (a.frame.kind !== 'line') return { kind: 'fail', reason: 'overlong answer to Q' };
  const d = decodeApcStatus(a.frame.text);
  if (!d.ok) return { kind: 'fail', reason: d.error.message };
  return { kind: 'match', value: (d.value.bits & OUTPUT_LIVE_MASK) === 0 ? 'off' : 'on', consumed: a.consumed };
}
