// A NUT network client (upsc's side of TCP 3493) over any ByteTransport.
// Requests run one at a time because answers carry no request id; for the
// same reason a request that times out or overflows closes the connection:
// a late answer would otherwise be taken for the next request's. Every answer
// is bounded (line length, lines per LIST) and every failure is a typed value.

import { err, ok, type Result } from '../result';
import type { Cancel, Schedule } from '../schedule';
import { SerialQueue } from '../serialQueue';
import type { ByteTransport, Unsubscribe } from '../transport';
import { errFromServer, nutClientError, type NutClientError } from './clientError';
import { listCollector, singleCollector, type Collector, type Step } from './collectors';
import { NutLineFramer } from './lineFramer';
import { hasControlChars, isBareWord, quoteNut, NUT_MAX_LINE_CHARS } from './protocol';

export const NUT_REQUEST_TIMEOUT_MS = 5000;
export const NUT_MAX_LIST_LINES = 4096;

export interface NutClientOptions {
  requestTimeoutMs?: number;
  maxLineBytes?: number;
  maxListLines?: number;
  maxQueued?: number;
}

/** A transport that can also say when the peer hung up (the TCP one does). */
export interface ClosableTransport extends ByteTransport {
  onClose?(listener: (why: string) => void): Unsubscribe;
}

export interface NutUpsEntry {
  name: string;
  description: string;
}

type NutResult<T> = Promise<Result<T, NutClientError>>;

export class NutClient {
  private readonly framer: NutLineFramer;
  private readonly queue: SerialQueue;
  private readonly timeoutMs: number;
  private readonly maxListLines: number;
  private readonly stops: Unsubscribe[] = [];
  private pending: { step: (line: string) => void; fail: (e: NutClientError) => void } | null = null;
  private closedWhy: string | null = null;

  constructor(
    private readonly transport: ClosableTransport,
    private readonly deps: { schedule: Schedule },
    options: NutClientOptions = {},
  ) {
    this.timeoutMs = options.requestTimeoutMs ?? NUT_REQUEST_TIMEOUT_MS;
    this.maxListLines = options.maxListLines ?? NUT_MAX_LIST_LINES;
    this.framer = new NutLineFramer(options.maxLineBytes ?? NUT_MAX_LINE_CHARS);
    this.queue = new SerialQueue(options.maxQueued ?? 16);
    this.stops.push(transport.onData((bytes) => this.onData(bytes)));
    if (transport.onClose) this.stops.push(transport.onClose((why) => this.shutdown(`the server closed the connection (${why})`)));
  }

  get isClosed(): boolean {
    return this.closedWhy !== null;
  }

  /** `VER`: the server's version banner. */
  ver(): NutResult<string> {
    return this.request('VER', singleCollector((line) => ok(line)));
  }

  /** `NETVER`: the protocol version, e.g. "1.3". */
  netver(): NutResult<string> {
    return this.request('NETVER', singleCollector((line) => (/^\d+\.\d+$/.test(line) ? ok(line) : err(`"${line}" is not a protocol version`))));
  }

  /** `USERNAME` then `PASSWORD`; each must be answered OK. */
  async authenticate(username: string, password: string): NutResult<void> {
    const user = await this.simple('USERNAME', username);
    if (!user.ok) return user;
    return this.simple('PASSWORD', password, 'PASSWORD ****');
  }

  /** `LOGIN <ups>` (needs an upsmon user); counted by GET NUMLOGINS. */
  login(ups: string): NutResult<void> {
    const name = this.checkName('UPS name', ups);
    if (!name.ok) return Promise.resolve(name);
    return this.request(`LOGIN ${ups}`, singleCollector((line) => (line === 'OK' ? ok(undefined) : err(`expected OK, got "${line}"`))));
  }

  listUps(): NutResult<NutUpsEntry[]> {
    return this.request(
      'LIST UPS',
      listCollector(['UPS'], this.maxListLines, (w) => (w[0] === 'UPS' && w.length === 3 ? ok({ name: w[1]!, description: w[2]! }) : null)),
    );
  }

  /** `LIST VAR <ups>`: every variable the server holds for that UPS. */
  async listVars(ups: string): NutResult<Map<string, string>> {
    const name = this.checkName('UPS name', ups);
    if (!name.ok) return name;
    const pick = (w: string[]) => (w[0] === 'VAR' && w[1] === ups && w.length === 4 ? ok([w[2]!, w[3]!] as const) : null);
    const rows = await this.request(`LIST VAR ${ups}`, listCollector(['VAR', ups], this.maxListLines, pick));
    return rows.ok ? ok(new Map(rows.value)) : rows;
  }

  /** `GET VAR <ups> <var>`. */
  async getVar(ups: string, variable: string): NutResult<string> {
    for (const [what, v] of [['UPS name', ups], ['variable name', variable]] as const) {
      const checked = this.checkName(what, v);
      if (!checked.ok) return checked;
    }
    const pick = (w: string[]) => (w[0] === 'VAR' && w[1] === ups && w[2] === variable && w.length === 4 ? ok(w[3]!) : null);
    return this.request(`GET VAR ${ups} ${variable}`, singleCollector(undefined, pick));
  }

  /** `LOGOUT`; the connection is closed afterwards whatever the answer. */
  async logout(): NutResult<void> {
    const answer = await this.request('LOGOUT', singleCollector((line) => (/^(OK Goodbye|Goodbye)/.test(line) ? ok(undefined) : err(`expected OK Goodbye, got "${line}"`))));
    this.close();
    return answer;
  }

  close(): void {
    this.shutdown('closed by the client');
  }

  private simple(keyword: string, value: string, shown = `${keyword} ${value}`): NutResult<void> {
    if (value === '' || hasControlChars(value)) {
      return Promise.resolve(err(nutClientError('invalid-request', `${keyword} must be non-empty text without control characters`)));
    }
    const word = isBareWord(value) ? value : quoteNut(value);
    return this.request(`${keyword} ${word}`, singleCollector((line) => (line === 'OK' ? ok(undefined) : err(`expected OK, got "${line}"`))), shown);
  }

  private checkName(what: string, name: string): Result<void, NutClientError> {
    return isBareWord(name) ? ok(undefined) : err(nutClientError('invalid-request', `${what} "${name.slice(0, 40)}" is not a single word NUT accepts`));
  }

  private request<T>(line: string, collector: Collector<T>, shown = line): NutResult<T> {
    const busy = () => err(nutClientError('busy', `${this.queue.size} NUT requests already queued; ${shown} not sent`, { request: shown }));
    return this.queue.run(() => this.exchange(line, collector, shown), busy);
  }

  private exchange<T>(line: string, collector: Collector<T>, shown: string): NutResult<T> {
    if (this.closedWhy !== null) return Promise.resolve(err(nutClientError('closed', `${shown} not sent: connection ${this.closedWhy}`, { request: shown })));
    return new Promise((resolve) => {
      let cancelTimer: Cancel = () => {};
      const finish = (r: Result<T, NutClientError>) => {
        cancelTimer();
        this.pending = null;
        resolve(r);
      };
      const onStep = (s: Step<T>) => {
        if (s.kind === 'more') return;
        if (s.kind === 'done') return finish(ok(s.value));
        if (s.kind === 'server-error') return finish(err(errFromServer(s.code, s.extra, shown, s.reply)));
        const error = nutClientError(s.kind === 'too-many' ? 'too-many-lines' : 'protocol', `${shown}: ${s.message}`, { request: shown, reply: s.reply });
        finish(err(error));
        if (s.kind === 'too-many') this.shutdown('dropped after an oversized LIST answer');
      };
      this.pending = { step: (l) => onStep(collector(l)), fail: (e) => finish(err(e)) };
      cancelTimer = this.deps.schedule(this.timeoutMs, () => {
        finish(err(nutClientError('timeout', `no complete answer to ${shown} within ${this.timeoutMs} ms`, { request: shown })));
        this.shutdown(`dropped after ${shown} timed out (answers carry no id, so a late one would be misread)`);
      });
      this.write(`${line}\n`, shown);
    });
  }

  private write(text: string, shown: string): void {
    const fail = (e: unknown) => {
      const why = e instanceof Error ? e.message : String(e);
      this.pending?.fail(nutClientError('write-failed', `writing ${shown} failed: ${why}`, { request: shown }));
    };
    try {
      const done = this.transport.write(Buffer.from(text, 'utf8'));
      if (done) done.catch(fail);
    } catch (e) {
      fail(e);
    }
  }

  private onData(bytes: Uint8Array): void {
    for (const frame of this.framer.push(bytes)) {
      const pending = this.pending;
      if (!pending) continue; // nothing asked: upsd never talks first, so this is noise
      if (frame.kind === 'overflow') {
        pending.fail(nutClientError('too-long', `answer line of ${frame.droppedBytes} bytes exceeds the ${this.framer.maxLineBytes}-byte limit`));
        this.shutdown('dropped after an overlong answer line');
        return;
      }
      pending.step(frame.text);
    }
  }

  private shutdown(why: string): void {
    if (this.closedWhy !== null) return;
    this.closedWhy = why;
    for (const stop of this.stops) stop();
    this.pending?.fail(nutClientError('closed', `connection ${why} while waiting for an answer`));
    this.transport.close();
  }
}
