// APC Smart commands, PC to UPS: single bytes without terminator; `@nnn` takes
// three digits and must be paced. K, Z and ^N are "dangerous" and only act
// when sent twice more than 1.5 s apart (reference §4.1, §4.2; NUT apc_cmdtab).

import { err, ok, type Result } from '../result';

export const APC_SMART_MODE = 'Y';
export const APC_ESCAPE = '\x1b';
export const APC_STATUS = 'Q';
export const APC_PROTOCOL_INFO = 'a';

/**
 * How the UPS acknowledges an instant command:
 * - `ok`: an `OK` line;
 * - `ok-or-asterisk`: `OK`, or `*` on older units (the turning-off alert);
 * - `silent`: usually nothing (Z, ^N); `OK` is accepted too;
 * - `transfer`: `OK` or the `!`/`$` alert of the simulated transfer (U, D).
 */
export type ApcAck = 'ok' | 'ok-or-asterisk' | 'silent' | 'transfer';

export interface ApcInstantCommandSpec {
  byte: string;
  ack: ApcAck;
  /** Must be sent twice, more than 1.5 s apart. */
  repeat: boolean;
}

export const APC_INSTANT_COMMANDS = {
  'shutdown.return': { byte: 'S', ack: 'ok-or-asterisk', repeat: false },
  'shutdown.stayoff': { byte: 'K', ack: 'ok-or-asterisk', repeat: true },
  'shutdown.stop': { byte: '\x7f', ack: 'ok', repeat: false },
  'load.off': { byte: 'Z', ack: 'silent', repeat: true },
  'load.on': { byte: '\x0e', ack: 'silent', repeat: true },
  'calibrate.start': { byte: 'D', ack: 'transfer', repeat: false },
  'calibrate.stop': { byte: 'D', ack: 'transfer', repeat: false },
  'test.panel.start': { byte: 'A', ack: 'ok', repeat: false },
  'test.failure.start': { byte: 'U', ack: 'transfer', repeat: false },
  'test.battery.start': { byte: 'W', ack: 'ok', repeat: false },
  'test.battery.stop': { byte: 'W', ack: 'ok', repeat: false },
  'bypass.start': { byte: '^', ack: 'ok', repeat: false },
  'bypass.stop': { byte: '^', ack: 'ok', repeat: false },
} as const satisfies Record<string, ApcInstantCommandSpec>;
export type ApcInstantCommand = keyof typeof APC_INSTANT_COMMANDS;

/**
 * `@nnn`: shut down after the grace delay, wake up nnn tenths of an hour later
 * (plus the wake-up delay). NUT's `shutdown.return AT:<n>`.
 */
export function encodeShutdownReturnAfter(tenthsOfHour: number): Result<string, string> {
  if (!Number.isInteger(tenthsOfHour) || tenthsOfHour < 0 || tenthsOfHour > 999) {
    return err(`@nnn: wake-up time must be 0..999 tenths of an hour, got ${tenthsOfHour}`);
  }
  return ok(`@${String(tenthsOfHour).padStart(3, '0')}`);
}

export interface ApcProtocolInfo {
  /** Protocol version digit. */
  version: string;
  /** The alert characters this UPS may send. */
  alerts: string;
  /** Every command byte this UPS accepts. */
  commands: string;
}

/** The `a` answer: "version.alerts.commands[.more]" (NUT's APC_CMDSET_FMT). */
export function decodeProtocolInfo(text: string): Result<ApcProtocolInfo, string> {
  const m = /^([0-9])\.([^.]*)\.([^.]+)(\.[^.]+)?$/.exec(text);
  if (!m) return err(`"a" answer is not "version.alerts.commands": ${JSON.stringify(text.slice(0, 80))}`);
  return ok({ version: m[1]!, alerts: m[2]!, commands: m[3]! });
}
