// NUT instant commands on an APC Smart UPS (NUT apc_cmdtab): the byte, how the
// UPS acknowledges it, and the double send of the dangerous ones.

import type { UpsStatusToken } from '../model';
import { err, ok, type Result } from '../result';
import { sessionError, type SessionError } from '../sessionError';
import { describeBytes } from '../transport';
import type { ApcAlert } from './alerts';
import { APC_INSTANT_COMMANDS, encodeShutdownReturnAfter, type ApcAck, type ApcInstantCommand } from './commands';
import type { ApcReceived, Transact } from './session';

export interface InstantCommandOptions {
  /** shutdown.return only: send `@nnn` (wake after nnn tenths of an hour) instead of `S`. */
  wakeAfterTenthsOfHour?: number;
}

export interface InstantCommandDeps {
  transact: Transact;
  readStatus: () => Promise<Result<UpsStatusToken[], SessionError>>;
  repeatGapMs: number;
}

export async function runInstantCommand(name: ApcInstantCommand, options: InstantCommandOptions, deps: InstantCommandDeps): Promise<Result<void, SessionError>> {
  const spec = APC_INSTANT_COMMANDS[name];
  if (spec === undefined) return err(sessionError('invalid-command', `${String(name)} is not an APC Smart instant command`));
  if (name === 'shutdown.return' && options.wakeAfterTenthsOfHour !== undefined) {
    const at = encodeShutdownReturnAfter(options.wakeAfterTenthsOfHour);
    if (!at.ok) return err(sessionError('invalid-command', `shutdown.return: ${at.error}`));
    return acknowledge(at.value, 'ok-or-asterisk', await deps.transact(at.value, { paced: true, acceptAlert: acceptsFor('ok-or-asterisk') }));
  }
  if (name === 'calibrate.start' || name === 'calibrate.stop') {
    // D toggles; like NUT, look first so "start" never stops a running calibration.
    const status = await deps.readStatus();
    if (!status.ok) return status;
    if (status.value.includes('CAL') === (name === 'calibrate.start')) return ok(undefined);
  }
  if (spec.repeat) {
    const first = await deps.transact(spec.byte, { timeoutMs: deps.repeatGapMs });
    if (!first.ok) return first;
    if (first.value !== null) return firstSendAnswered(spec.byte, first.value);
  }
  return acknowledge(spec.byte, spec.ack, await deps.transact(spec.byte, { acceptAlert: acceptsFor(spec.ack) }));
}

function acceptsFor(ack: ApcAck): (a: ApcAlert) => boolean {
  if (ack === 'ok-or-asterisk') return (a) => a.kind === 'turning-off';
  if (ack === 'transfer') return (a) => a.kind === 'on-battery' || a.kind === 'on-line';
  return () => false;
}

function acknowledge(command: string, ack: ApcAck, got: Result<ApcReceived | null, SessionError>): Result<void, SessionError> {
  if (!got.ok) return got;
  const shown = describeBytes(command);
  const r = got.value;
  if (r === null) {
    if (ack === 'silent') return ok(undefined);
    return err(sessionError('timeout', `no acknowledgement of ${shown}`, { command: shown }));
  }
  if (r.kind === 'alert') return ok(undefined); // only accepted alerts are delivered
  if (r.kind === 'overflow') return err(sessionError('garbage', `answer to ${shown} was an overlong line`, { command: shown }));
  if (r.text === 'OK') return ok(undefined);
  const ctx = { command: shown, reply: r.text };
  if (r.text === 'NA') return err(sessionError('unsupported', `the UPS answered NA to ${shown}: not supported`, ctx));
  if (r.text === 'NO') return err(sessionError('refused', `the UPS answered NO to ${shown}`, ctx));
  return err(sessionError('garbage', `unexpected answer "${describeBytes(r.text)}" to ${shown}`, ctx));
}

function firstSendAnswered(byte: string, r: ApcReceived): Result<void, SessionError> {
  const shown = describeBytes(byte);
  if (r.kind === 'line' && r.text === 'NA') {
    return err(sessionError('unsupported', `the UPS answered NA to the first ${shown}: not supported`, { command: shown, reply: 'NA' }));
  }
  const what = r.kind === 'line' ? `"${describeBytes(r.text)}"` : r.kind;
  return err(sessionError('garbage', `the UPS answered ${what} to the first ${shown}; the confirming second send was not made`, { command: shown }));
}
