// Megatec/Q1 commands, PC to UPS: ASCII text ended by CR (reference §2.2), and
// NUT's way of turning its instant commands and delays into those strings
// (§2.3, nutdrv_qx_blazer-common.c). Encoders validate every argument and
// return an error value instead of sending a string the UPS would misread.

import { asciiBytes } from '../transport';
import { err, ok, type Result } from '../result';

/** S<n>: `.2`..`.9` tenths of a minute, or `00`..`10` whole minutes (`00` is what NUT's load.off sends). */
export type ShutdownDelay = { tenthsOfMinute: number } | { minutes: number };

export type MegatecCommand =
  | { kind: 'status' } // Q1
  | { kind: 'ratings' } // F
  | { kind: 'info' } // I
  | { kind: 'test-10s' } // T
  | { kind: 'test-until-low' } // TL
  | { kind: 'test-minutes'; minutes: number } // T<n>, 01..99
  | { kind: 'beeper-toggle' } // Q
  | { kind: 'shutdown'; delay: ShutdownDelay } // S<n>
  | { kind: 'shutdown-restore'; delay: ShutdownDelay; restoreMinutes: number } // S<n>R<m>, m 0000..9999
  | { kind: 'cancel-shutdown' } // C
  | { kind: 'cancel-test' }; // CT

/** What the UPS sends back: a `(` status line, a `#` line, or nothing (actions). */
export type MegatecReplyKind = 'status' | 'hash-line' | 'none';

export interface EncodedMegatecCommand {
  /** The command without its CR, as the UPS echoes it when it does not support it. */
  text: string;
  bytes: Uint8Array;
  reply: MegatecReplyKind;
}

export function encodeMegatecCommand(cmd: MegatecCommand): Result<EncodedMegatecCommand, string> {
  const text = commandText(cmd);
  if (!text.ok) return text;
  return ok({ text: text.value, bytes: asciiBytes(`${text.value}\r`), reply: replyKind(cmd) });
}

function replyKind(cmd: MegatecCommand): MegatecReplyKind {
  if (cmd.kind === 'status') return 'status';
  if (cmd.kind === 'ratings' || cmd.kind === 'info') return 'hash-line';
  return 'none';
}

function commandText(cmd: MegatecCommand): Result<string, string> {
  switch (cmd.kind) {
    case 'status':
      return ok('Q1');
    case 'ratings':
      return ok('F');
    case 'info':
      return ok('I');
    case 'test-10s':
      return ok('T');
    case 'test-until-low':
      return ok('TL');
    case 'test-minutes':
      if (!isIntIn(cmd.minutes, 1, 99)) return err(`T<n>: test minutes must be a whole number 1..99, got ${cmd.minutes}`);
      return ok(`T${pad(cmd.minutes, 2)}`);
    case 'beeper-toggle':
      return ok('Q');
    case 'shutdown':
      return mapOk(delayField(cmd.delay), (d) => `S${d}`);
    case 'shutdown-restore': {
      if (!isIntIn(cmd.restoreMinutes, 0, 9999)) {
        return err(`S<n>R<m>: restore minutes must be a whole number 0..9999, got ${cmd.restoreMinutes}`);
      }
      return mapOk(delayField(cmd.delay), (d) => `S${d}R${pad(cmd.restoreMinutes, 4)}`);
    }
    case 'cancel-shutdown':
      return ok('C');
    case 'cancel-test':
      return ok('CT');
    default:
      return err(`unknown Megatec command ${JSON.stringify((cmd as { kind?: unknown }).kind)}`);
  }
}

function delayField(delay: ShutdownDelay): Result<string, string> {
  if ('tenthsOfMinute' in delay) {
    if (!isIntIn(delay.tenthsOfMinute, 2, 9)) {
      return err(`S<n>: tenths of a minute must be 2..9 (.2 to .9), got ${delay.tenthsOfMinute}`);
    }
    return ok(`.${delay.tenthsOfMinute}`);
  }
  if (!isIntIn(delay.minutes, 0, 10)) return err(`S<n>: minutes must be a whole number 0..10, got ${delay.minutes}`);
  return ok(pad(delay.minutes, 2));
}

// ---------------------------------------------------------------- NUT's rules

export const OFF_DELAY_MIN_SEC = 12;
export const OFF_DELAY_MAX_SEC = 600;
export const ON_DELAY_MAX_SEC = 599_940;
export const TEST_DURATION_MIN_SEC = 60;
export const TEST_DURATION_MAX_SEC = 5_940;

/** NUT: below 60 s as `.` + offdelay/6 (30 s → `.5`), else whole minutes (120 s → `02`); 12..600 s. */
export function shutdownDelayFromSeconds(offDelaySec: number): Result<ShutdownDelay, string> {
  if (!isIntIn(offDelaySec, OFF_DELAY_MIN_SEC, OFF_DELAY_MAX_SEC)) {
    return err(`ups.delay.shutdown must be ${OFF_DELAY_MIN_SEC}..${OFF_DELAY_MAX_SEC} s, got ${offDelaySec}`);
  }
  if (offDelaySec < 60) return ok({ tenthsOfMinute: Math.floor(offDelaySec / 6) });
  return ok({ minutes: Math.floor(offDelaySec / 60) });
}

/** NUT: ups.delay.start 0..599940 s, truncated to whole minutes. */
export function restoreMinutesFromSeconds(onDelaySec: number): Result<number, string> {
  if (!isIntIn(onDelaySec, 0, ON_DELAY_MAX_SEC)) {
    return err(`ups.delay.start must be 0..${ON_DELAY_MAX_SEC} s, got ${onDelaySec}`);
  }
  return ok(Math.floor(onDelaySec / 60));
}

export const MEGATEC_INSTANT_COMMANDS = [
  'shutdown.return',
  'shutdown.stayoff',
  'load.off',
  'load.on',
  'shutdown.stop',
  'test.battery.start',
  'test.battery.start.quick',
  'test.battery.start.deep',
  'test.battery.stop',
  'beeper.toggle',
] as const;
export type MegatecInstantCommand = (typeof MEGATEC_INSTANT_COMMANDS)[number];

export interface MegatecCommandDelays {
  /** ups.delay.shutdown; NUT's default is 30 s. */
  offDelaySec?: number;
  /** ups.delay.start; NUT's default is 180 s, because S01R0001/R0002 can leave early firmware off forever. */
  onDelaySec?: number;
  /** Needed by test.battery.start only: 60..5940 s, sent as whole minutes. */
  testDurationSec?: number;
}

/** The Megatec command NUT sends for one of its instant commands (reference §2.3 table). */
export function megatecInstantCommand(name: MegatecInstantCommand, delays: MegatecCommandDelays = {}): Result<MegatecCommand, string> {
  const offDelaySec = delays.offDelaySec ?? 30;
  const onDelaySec = delays.onDelaySec ?? 180;
  switch (name) {
    case 'shutdown.return':
    case 'shutdown.stayoff': {
      const delay = shutdownDelayFromSeconds(offDelaySec);
      if (!delay.ok) return delay;
      if (name === 'shutdown.stayoff') return ok({ kind: 'shutdown-restore', delay: delay.value, restoreMinutes: 0 });
      const restore = restoreMinutesFromSeconds(onDelaySec);
      if (!restore.ok) return restore;
      return ok({ kind: 'shutdown-restore', delay: delay.value, restoreMinutes: restore.value });
    }
    case 'load.off':
      return ok({ kind: 'shutdown-restore', delay: { minutes: 0 }, restoreMinutes: 0 });
    case 'load.on':
    case 'shutdown.stop':
      return ok({ kind: 'cancel-shutdown' });
    case 'test.battery.start': {
      const sec = delays.testDurationSec;
      if (sec === undefined || !isIntIn(sec, TEST_DURATION_MIN_SEC, TEST_DURATION_MAX_SEC)) {
        return err(`test.battery.start needs a duration of ${TEST_DURATION_MIN_SEC}..${TEST_DURATION_MAX_SEC} s, got ${sec}`);
      }
      return ok({ kind: 'test-minutes', minutes: Math.floor(sec / 60) });
    }
    case 'test.battery.start.quick':
      return ok({ kind: 'test-10s' });
    case 'test.battery.start.deep':
      return ok({ kind: 'test-until-low' });
    case 'test.battery.stop':
      return ok({ kind: 'cancel-test' });
    case 'beeper.toggle':
      return ok({ kind: 'beeper-toggle' });
    default:
      return err(`${String(name)} is not an instant command of the Megatec protocol`);
  }
}

function isIntIn(n: number, min: number, max: number): boolean {
  return Number.isInteger(n) && n >= min && n <= max;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function mapOk<T, U>(r: Result<T, string>, f: (v: T) => U): Result<U, string> {
  return r.ok ? ok(f(r.value)) : r;
}
