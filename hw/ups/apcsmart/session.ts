// An APC Smart conversation over any ByteTransport. Enter smart mode with `Y`
// (answer `SM`; ESC between tries, as NUT does), then one-byte queries
// answered by CR LF lines. Alert bytes are pulled out of everything received,
// even from inside a reply, applied to the last known status (NUT's
// alert_handler) and emitted as events, while the reply is still assembled.
// Dangerous commands (K, Z, ^N) are sent twice, more than 1.5 s apart;
// `@nnn` is paced. Time comes from the injected schedule.

import type { UpsStatusToken } from '../model';
import { ReplyWaiter } from '../replyWaiter';
import { err, ok, type Result } from '../result';
import type { Schedule } from '../schedule';
import { SerialQueue } from '../serialQueue';
import { sessionError, type SessionError } from '../sessionError';
import { EventListeners, partialLineDetail, unclaimedLineEvent, type LineEvent } from '../lineEvents';
import { asciiBytes, describeBytes, type ByteTransport, type Unsubscribe } from '../transport';
import type { ApcAlert } from './alerts';
import { APC_PROTOCOL_INFO, APC_STATUS, decodeProtocolInfo, type ApcProtocolInfo } from './commands';
import { ApcSmartFramer, type ApcFrame, type ApcFramerMode } from './framer';
import { runInstantCommand, type InstantCommandOptions } from './instantCommands';
import type { ApcInstantCommand } from './commands';
import { handshake } from './handshake';
import { apcStatusTokens, applyAlertToStatus, decodeApcStatus } from './status';
import { decodeApcValue, type ApcVariable } from './variables';

export const APC_REPLY_TIMEOUT_MS = 3000;
/** Between the two sends of K/Z/^N: the UPS wants more than 1.5 s. */
export const APC_REPEAT_GAP_MS = 1600;
/** Between the bytes of `@nnn`, so the UPS does not stop talking. */
export const APC_PACING_MS = 50;
export const APC_HANDSHAKE_ATTEMPTS = 5;

export interface ApcSmartSessionOptions {
  replyTimeoutMs?: number;
  repeatGapMs?: number;
  pacingMs?: number;
  handshakeAttempts?: number;
  maxQueued?: number;
  maxLineBytes?: number;
}

/** A reply as the framer delivered it: a line, an overlong line, or an alert the request accepts. */
export type ApcReceived = ApcFrame;

export type ApcSessionEvent =
  /** `status` is the last known status with this alert applied, or null before the first `Q`. */
  | { type: 'alert'; alert: ApcAlert; status: UpsStatusToken[] | null }
  | LineEvent;

export interface TransactOptions {
  timeoutMs?: number;
  mode?: ApcFramerMode;
  /** Alerts that count as the answer (e.g. `*` after a shutdown command). */
  acceptAlert?: (a: ApcAlert) => boolean;
  /** Space the bytes `pacingMs` apart. */
  paced?: boolean;
}

/** The low-level exchange the command helpers build on; null means nothing arrived in time. */
export type Transact = (command: string, opts?: TransactOptions) => Promise<Result<ApcReceived | null, SessionError>>;

export class ApcSmartSession {
  private readonly framer: ApcSmartFramer;
  private readonly queue: SerialQueue;
  private readonly events = new EventListeners<ApcSessionEvent>();
  private readonly unsubscribe: Unsubscribe;
  private pending: { waiter: ReplyWaiter<ApcReceived>; acceptAlert: (a: ApcAlert) => boolean } | null = null;
  private statusBits: number | null = null;
  private closed = false;
  readonly timing: Required<Pick<ApcSmartSessionOptions, 'replyTimeoutMs' | 'repeatGapMs' | 'pacingMs' | 'handshakeAttempts'>>;

  constructor(
    private readonly transport: ByteTransport,
    private readonly deps: { schedule: Schedule },
    options: ApcSmartSessionOptions = {},
  ) {
    this.timing = {
      replyTimeoutMs: options.replyTimeoutMs ?? APC_REPLY_TIMEOUT_MS,
      repeatGapMs: options.repeatGapMs ?? APC_REPEAT_GAP_MS,
      pacingMs: options.pacingMs ?? APC_PACING_MS,
      handshakeAttempts: options.handshakeAttempts ?? APC_HANDSHAKE_ATTEMPTS,
    };
    this.queue = new SerialQueue(options.maxQueued ?? 16);
    this.framer = new ApcSmartFramer(options.maxLineBytes);
    this.unsubscribe = transport.onData((bytes) => this.onData(bytes));
  }

  onEvent(listener: (e: ApcSessionEvent) => void): Unsubscribe {
    return this.events.add(listener);
  }

  /** ups.status as last read by `Q` and updated by alerts since; null before the first `Q`. */
  get lastStatus(): UpsStatusToken[] | null {
    return this.statusBits === null ? null : apcStatusTokens(this.statusBits);
  }

  /** `Y` until `SM`; must succeed before anything else is asked. */
  handshake(): Promise<Result<void, SessionError>> {
    return this.enqueue('Y', () => handshake(this.transact, this.timing.handshakeAttempts));
  }

  /** One query byte; the raw answer line. `NA` becomes `unsupported`. */
  query(letter: string): Promise<Result<string, SessionError>> {
    return this.enqueue(letter, () => this.queryNow(letter));
  }

  readStatus(): Promise<Result<UpsStatusToken[], SessionError>> {
    return this.enqueue(APC_STATUS, () => this.readStatusNow());
  }

  /** A NUT variable, converted to NUT units (runtime in seconds). */
  async readVariable(v: ApcVariable): Promise<Result<number | string, SessionError>> {
    const answer = await this.query(v.letter);
    if (!answer.ok) return answer;
    const value = decodeApcValue(v, answer.value);
    const command = describeBytes(v.letter);
    return value.ok ? value : err(sessionError('garbage', value.error, { command, reply: answer.value }));
  }

  /** The `a` answer, read raw because it lists the alert characters themselves. */
  protocolInfo(): Promise<Result<ApcProtocolInfo, SessionError>> {
    return this.enqueue(APC_PROTOCOL_INFO, async () => {
      const line = await this.expectLine(APC_PROTOCOL_INFO, { mode: 'raw' });
      if (!line.ok) return line;
      const info = decodeProtocolInfo(line.value);
      return info.ok ? info : err(sessionError('garbage', info.error, { command: 'a', reply: line.value }));
    });
  }

  instantCommand(name: ApcInstantCommand, options: InstantCommandOptions = {}): Promise<Result<void, SessionError>> {
    return this.enqueue(name, () =>
      runInstantCommand(name, options, { transact: this.transact, readStatus: () => this.readStatusNow(), repeatGapMs: this.timing.repeatGapMs }),
    );
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    this.pending?.waiter.abort(sessionError('closed', 'APC session closed while waiting for a reply'));
    this.transport.close();
  }

  private enqueue<T>(what: string, job: () => Promise<Result<T, SessionError>>): Promise<Result<T, SessionError>> {
    const busy = () => err(sessionError('busy', `${this.queue.size} APC requests already queued; ${describeBytes(what)} not sent`));
    return this.queue.run(job, busy);
  }

  private async readStatusNow(): Promise<Result<UpsStatusToken[], SessionError>> {
    const line = await this.queryNow(APC_STATUS);
    if (!line.ok) return line;
    const decoded = decodeApcStatus(line.value);
    if (!decoded.ok) {
      return err(sessionError(decoded.error.notReady ? 'not-ready' : 'garbage', decoded.error.message, { command: 'Q', reply: line.value }));
    }
    this.statusBits = decoded.value.bits;
    return ok(decoded.value.tokens);
  }

  private async queryNow(letter: string): Promise<Result<string, SessionError>> {
    const line = await this.expectLine(letter);
    if (!line.ok) return line;
    const command = describeBytes(letter);
    if (line.value === 'NA') return err(sessionError('unsupported', `the UPS answered NA to ${command}: not supported`, { command, reply: 'NA' }));
    return line;
  }

  private async expectLine(command: string, opts: TransactOptions = {}): Promise<Result<string, SessionError>> {
    const got = await this.transact(command, opts);
    if (!got.ok) return got;
    const shown = describeBytes(command);
    if (got.value === null) {
      const detail = partialLineDetail(this.framer.pendingBytes);
      return err(sessionError('timeout', `no answer to ${shown} within ${opts.timeoutMs ?? this.timing.replyTimeoutMs} ms (${detail})`, { command: shown }));
    }
    if (got.value.kind === 'line') return ok(got.value.text);
    const why = got.value.kind === 'overflow' ? `line longer than the limit (${got.value.droppedBytes} bytes dropped)` : 'an alert';
    return err(sessionError('garbage', `answer to ${shown} was ${why}`, { command: shown }));
  }

  /** Flush, send, wait for one line (or an accepted alert) or the timeout. */
  private readonly transact: Transact = async (command, opts = {}) => {
    const shown = describeBytes(command);
    if (this.closed) return err(sessionError('closed', `APC session is closed; ${shown} not sent`, { command: shown }));
    const flushed = this.framer.reset();
    if (flushed > 0) this.events.emit({ type: 'flushed', droppedBytes: flushed });
    this.framer.setMode(opts.mode ?? 'alerts');
    const pacingMs = opts.paced ? this.timing.pacingMs * (command.length - 1) : 0;
    const waiter = new ReplyWaiter<ApcReceived>(this.deps.schedule, (opts.timeoutMs ?? this.timing.replyTimeoutMs) + pacingMs);
    this.pending = { waiter, acceptAlert: opts.acceptAlert ?? (() => false) };
    void this.write(command, opts.paced === true, waiter);
    const outcome = await waiter.outcome;
    this.pending = null;
    this.framer.setMode('alerts');
    if (outcome.kind === 'aborted') return err(outcome.error);
    return ok(outcome.kind === 'timeout' ? null : outcome.value);
  };

  private async write(command: string, paced: boolean, waiter: ReplyWaiter<ApcReceived>): Promise<void> {
    const chunks = paced ? [...command] : [command];
    for (let i = 0; i < chunks.length && !waiter.settled; i++) {
      if (i > 0) await new Promise<void>((resolve) => this.deps.schedule(this.timing.pacingMs, resolve));
      try {
        await this.transport.write(asciiBytes(chunks[i]!));
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        waiter.abort(sessionError('write-failed', `writing ${describeBytes(command)} failed: ${why}`, { command: describeBytes(command) }));
      }
    }
  }

  private onData(bytes: Uint8Array): void {
    for (const frame of this.framer.push(bytes)) {
      const pending = this.pending && !this.pending.waiter.settled ? this.pending : null;
      if (frame.kind === 'alert') {
        if (this.statusBits !== null) this.statusBits = applyAlertToStatus(this.statusBits, frame.alert.kind);
        this.events.emit({ type: 'alert', alert: frame.alert, status: this.lastStatus });
        if (pending?.acceptAlert(frame.alert)) pending.waiter.deliver(frame);
      } else if (pending) {
        pending.waiter.deliver(frame);
      } else {
        this.events.emit(unclaimedLineEvent(frame));
      }
    }
  }
}
