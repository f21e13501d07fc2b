// The peer's Megatec/Q1 UPS used as its power switch (reference §2.2-2.4):
// `S<n>R<m>` CR turns the output off after <n> (here `.2`, 12 s) and back on
// after <m> minutes (`R0000`, NUT's load.off form, keeps it off until `C`);
// `C` CR turns it back on. Actions get no answer; an unsupported command is
// echoed. The output state comes from the Q1 line: the output voltage field
// below a threshold means the output is off. Encoders and the Q1 decoder are
// hw/ups/megatec's; the matchers here are pure.

import { encodeMegatecCommand, type EncodedMegatecCommand } from '../../ups/megatec/commands';
import { decodeQ1Status } from '../../ups/megatec/decode';
import { MegatecLineFramer, type MegatecFrame } from '../../ups/megatec/framer';
import { err, type Result } from '../../ups/result';
import { asciiBytes, describeBytes } from '../../ups/transport';
import type { Match } from '../textSession';

/** Output voltage below this reads as "output off"; mains-level outputs are far above it. */
export const DEFAULT_OFF_BELOW_VOLTS = 30;

/** `S.2R<restore>`: off in 12 s, back after `restoreMinutes` (0: stays off until `C`). */
export function megatecOffCommand(restoreMinutes: number): Result<EncodedMegatecCommand, string> {
  return encodeMegatecCommand({ kind: 'shutdown-restore', delay: { tenthsOfMinute: 2 }, restoreMinutes });
}

export function megatecOnCommand(): Result<EncodedMegatecCommand, string> {
  return encodeMegatecCommand({ kind: 'cancel-shutdown' });
}

export function megatecStatusCommand(): Result<EncodedMegatecCommand, string> {
  return encodeMegatecCommand({ kind: 'status' });
}

function firstLine(buffer: string): { frame: MegatecFrame; consumed: number } | undefined {
  const framer = new MegatecLineFramer();
  const frames = framer.push(asciiBytes(buffer));
  const first = frames[0];
  return first ? { frame: first, consumed: buffer.length - framer.pendingBytes } : undefined;
}

/** After an action: its echo means "not supported"; any other line is garbage. Silence is the normal answer. */
export function matchActionEcho(commandText: string) {
  return (buffer: string): Match<'echoed'> => {
    const a = firstLine(buffer);
    if (!a) return { kind: 'more' };
    if (a.frame.kind === 'line' && a.frame.text === commandText) return { kind: 'match', value: 'echoed', consumed: a.consumed };
    const text = a.frame.kind === 'line' ? a.frame.text : `${a.frame.droppedBytes} bytes`;
    return { kind: 'fail', reason: `"${describeBytes(text, 40)}" after ${commandText} (actions get no answer)` };
  };
}

/** The Q1 line → output on/off by its output voltage. */
export function matchQ1Output(offBelowVolts: number) {
  return (buffer: string): Match<'on' | 'off'> => {
    const a = firstLine(buffer);
    if (!a) return { kind: 'more' };
    if (a.frame.kind === 'overflow') return { kind: 'fail', reason: `line of ${a.frame.droppedBytes} bytes instead of the Q1 status` };
    if (a.frame.text === 'Q1') return { kind: 'fail', reason: 'UPS echoed Q1: it does not support the status query' };
    const q1 = decodeQ1Status(a.frame.text);
    if (!q1.ok) return { kind: 'fail', reason: q1.error };
    const volts = q1.value.outputVoltage;
    if (volts === undefined) return { kind: 'fail', reason: 'Q1 output voltage field is not available (@), so the output state is unknown' };
    return { kind: 'match', value: volts < offBelowVolts ? 'off' : 'on', consumed: a.consumed };
  };
}

/** Parse `S<n>[R<m>]` as the simulator's UPS does: delay in ms and restore minutes. */
export function parseShutdownText(text: string): Result<{ delayMs: number; restoreMinutes: number | undefined }, string> {
  const m = /^S(?:\.([2-9])|(0[0-9]|10))(?:R([0-9]{4}))?$/.exec(text);
  if (!m) return err(`"${describeBytes(text, 40)}" is not S<n> or S<n>R<m>`);
  const delayMs = m[1] !== undefined ? Number(m[1]) * 6000 : Number(m[2]) * 60_000;
  return { ok: true, value: { delayMs, restoreMinutes: m[3] === undefined ? undefined : Number(m[3]) } };
}
