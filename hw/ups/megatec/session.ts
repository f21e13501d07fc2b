// A Megatec/Q1 conversation over any ByteTransport: send one command, wait for
// its CR-terminated answer (1 s, as NUT's SER_WAIT_SEC), decode it. Rules from
// the reference (§2.1): an echoed command means "unsupported"; an action
// command succeeds when nothing comes back or `ACK` does. Input is flushed
// before each command, as NUT does, so a late answer to an earlier command
// cannot be taken for the next one's. Time comes from the injected schedule.

import { ReplyWaiter } from '../replyWaiter';
import { ok, err, type Result } from '../result';
import type { Schedule } from '../schedule';
import { SerialQueue } from '../serialQueue';
import { sessionError, type SessionError } from '../sessionError';
import { EventListeners, partialLineDetail, unclaimedLineEvent, type LineEvent } from '../lineEvents';
import { describeBytes, type ByteTransport, type Unsubscribe } from '../transport';
import { encodeMegatecCommand, megatecInstantCommand, type EncodedMegatecCommand, type MegatecCommand, type MegatecCommandDelays, type MegatecInstantCommand } from './commands';
import { decodeInfo, decodeQ1Status, decodeRatings, type MegatecInfo, type MegatecRatings, type Q1Status } from './decode';
import { MegatecLineFramer, type MegatecFrame } from './framer';

export const MEGATEC_REPLY_TIMEOUT_MS = 1000;

export interface MegatecSessionOptions {
  replyTimeoutMs?: number;
  /** Requests allowed to wait behind the running one. */
  maxQueued?: number;
  maxLineBytes?: number;
}

export type MegatecAnswer =
  | { kind: 'status'; status: Q1Status }
  | { kind: 'ratings'; ratings: MegatecRatings }
  | { kind: 'info'; info: MegatecInfo }
  /** An action command: no reply, or `ACK`. */
  | { kind: 'accepted' };

/** Things seen on the line that belong to no request. */
export type MegatecSessionEvent = LineEvent;

export class MegatecSession {
  private readonly framer: MegatecLineFramer;
  private readonly queue: SerialQueue;
  private readonly replyTimeoutMs: number;
  private readonly events = new EventListeners<MegatecSessionEvent>();
  private readonly unsubscribe: Unsubscribe;
  private waiter: ReplyWaiter<MegatecFrame> | null = null;
  private closed = false;

  constructor(
    private readonly transport: ByteTransport,
    private readonly deps: { schedule: Schedule },
    options: MegatecSessionOptions = {},
  ) {
    this.replyTimeoutMs = options.replyTimeoutMs ?? MEGATEC_REPLY_TIMEOUT_MS;
    this.queue = new SerialQueue(options.maxQueued ?? 16);
    this.framer = new MegatecLineFramer(options.maxLineBytes);
    this.unsubscribe = transport.onData((bytes) => this.onData(bytes));
  }

  onEvent(listener: (e: MegatecSessionEvent) => void): Unsubscribe {
    return this.events.add(listener);
  }

  readStatus(): Promise<Result<Q1Status, SessionError>> {
    return this.expect({ kind: 'status' }, (a) => (a.kind === 'status' ? a.status : undefined));
  }

  readRatings(): Promise<Result<MegatecRatings, SessionError>> {
    return this.expect({ kind: 'ratings' }, (a) => (a.kind === 'ratings' ? a.ratings : undefined));
  }

  readInfo(): Promise<Result<MegatecInfo, SessionError>> {
    return this.expect({ kind: 'info' }, (a) => (a.kind === 'info' ? a.info : undefined));
  }

  /** A NUT instant command (load.off, shutdown.return, test.battery.start.quick, …) with NUT's delays. */
  async instantCommand(name: MegatecInstantCommand, delays: MegatecCommandDelays = {}): Promise<Result<void, SessionError>> {
    const cmd = megatecInstantCommand(name, delays);
    if (!cmd.ok) return err(sessionError('invalid-command', `${name}: ${cmd.error}`));
    const answer = await this.send(cmd.value);
    return answer.ok ? ok(undefined) : answer;
  }

  /** Send any Megatec command and decode what it answers. */
  send(cmd: MegatecCommand): Promise<Result<MegatecAnswer, SessionError>> {
    const encoded = encodeMegatecCommand(cmd);
    if (!encoded.ok) return Promise.resolve(err(sessionError('invalid-command', encoded.error)));
    const busy = () => err(sessionError('busy', `${this.queue.size} Megatec requests already queued; ${encoded.value.text} not sent`));
    return this.queue.run(() => this.exchange(cmd, encoded.value), busy);
  }

  /** Stop listening, fail what is pending or queued with `closed`, and close the link. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    this.waiter?.abort(sessionError('closed', 'Megatec session closed while waiting for a reply'));
    this.transport.close();
  }

  private async expect<T>(cmd: MegatecCommand, pick: (a: MegatecAnswer) => T | undefined): Promise<Result<T, SessionError>> {
    const answer = await this.send(cmd);
    if (!answer.ok) return answer;
    const value = pick(answer.value);
    // send() decodes by command kind, so a mismatch here would be a bug in this file.
    if (value === undefined) return err(sessionError('garbage', `answer of kind ${answer.value.kind} to ${cmd.kind}`));
    return ok(value);
  }

  private async exchange(cmd: MegatecCommand, encoded: EncodedMegatecCommand): Promise<Result<MegatecAnswer, SessionError>> {
    const command = encoded.text;
    if (this.closed) return err(sessionError('closed', `Megatec session is closed; ${command} not sent`, { command }));
    const flushed = this.framer.reset();
    if (flushed > 0) this.events.emit({ type: 'flushed', droppedBytes: flushed });
    const waiter = new ReplyWaiter<MegatecFrame>(this.deps.schedule, this.replyTimeoutMs);
    this.waiter = waiter;
    this.write(encoded.bytes, waiter, command);
    const outcome = await waiter.outcome;
    this.waiter = null;
    if (outcome.kind === 'aborted') return err(outcome.error);
    if (outcome.kind === 'timeout') return this.onTimeout(encoded);
    const got = outcome.value;
    if (got.kind === 'overflow') {
      return err(sessionError('garbage', `answer to ${command} was longer than the line limit (${got.droppedBytes} bytes dropped)`, { command }));
    }
    return interpretLine(cmd, encoded, got.text);
  }

  private write(bytes: Uint8Array, waiter: ReplyWaiter<MegatecFrame>, command: string): void {
    const fail = (e: unknown) =>
      waiter.abort(sessionError('write-failed', `writing ${command} failed: ${e instanceof Error ? e.message : String(e)}`, { command }));
    try {
      const pending = this.transport.write(bytes);
      if (pending) pending.catch(fail);
    } catch (e) {
      fail(e);
    }
  }

  private onTimeout(encoded: EncodedMegatecCommand): Result<MegatecAnswer, SessionError> {
    if (encoded.reply === 'none') return ok({ kind: 'accepted' });
    const detail = partialLineDetail(this.framer.pendingBytes);
    return err(sessionError('timeout', `no answer to ${encoded.text} within ${this.replyTimeoutMs} ms (${detail})`, { command: encoded.text }));
  }

  private onData(bytes: Uint8Array): void {
    for (const frame of this.framer.push(bytes)) {
      const waiter = this.waiter;
      if (waiter && !waiter.settled) {
        waiter.deliver(frame);
      } else {
        this.events.emit(unclaimedLineEvent(frame));
      }
    }
  }
}

/** Decide what one reply line means for the command that was sent. */
export function interpretLine(cmd: MegatecCommand, encoded: EncodedMegatecCommand, line: string): Result<MegatecAnswer, SessionError> {
  const command = encoded.text;
  const ctx = { command, reply: line };
  if (line === command) return err(sessionError('unsupported', `the UPS echoed ${command}: command not supported`, ctx));
  if (line === '(NAK' || line === 'NAK') return err(sessionError('refused', `the UPS refused ${command} (${line})`, ctx));
  const garbage = (why: string) => err(sessionError('garbage', `answer to ${command} does not decode: ${why}`, ctx));
  switch (cmd.kind) {
    case 'status': {
      const d = decodeQ1Status(line);
      return d.ok ? ok({ kind: 'status', status: d.value }) : garbage(d.error);
    }
    case 'ratings': {
      const d = decodeRatings(line);
      return d.ok ? ok({ kind: 'ratings', ratings: d.value }) : garbage(d.error);
    }
    case 'info': {
      const d = decodeInfo(line);
      return d.ok ? ok({ kind: 'info', info: d.value }) : garbage(d.error);
    }
    default:
      if (line === 'ACK' || line === '(ACK') return ok({ kind: 'accepted' });
      return garbage(`an action command expects no reply or ACK, got "${describeBytes(line)}"`);
  }
}
