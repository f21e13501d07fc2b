// A small expect-style session over a ByteTransport for the text consoles
// (RPS-10, APC PDU, UPS lines): bytes from the device accumulate as Latin-1 in a
// bounded buffer and a matcher decides, on each arrival, whether the answer is
// complete, wrong, or still coming. Every wait has a deadline on the injected
// clock, and the way it ends (silence, a half answer, garbage, overflow, a dead
// link) is a typed value, never an exception, so callers can tell them apart.

import type { ByteTransport, Unsubscribe } from '../ups/transport';
import { bytesToLatin1, describeBytes } from '../ups/transport';
import type { Schedule } from '../ups/schedule';
import { errorMessage } from './timed';

/** What a matcher says about the text received so far. */
export type Match<T> =
  | { kind: 'match'; value: T; /** chars of the buffer this answer used */ consumed: number }
  | { kind: 'fail'; reason: string }
  | { kind: 'more' };

export type Matcher<T> = (buffer: string) => Match<T>;

export type ExpectError =
  | { kind: 'silent'; waitedFor: string; timeoutMs: number }
  | { kind: 'partial'; waitedFor: string; timeoutMs: number; got: string }
  | { kind: 'rejected'; waitedFor: string; reason: string }
  | { kind: 'overflow'; waitedFor: string; maxBytes: number }
  | { kind: 'write-failed'; message: string }
  | { kind: 'closed'; waitedFor: string };

export type ExpectResult<T> = { ok: true; value: T } | { ok: false; error: ExpectError };

/** Readable text for an expect failure; device text is escaped and cut short. */
export function describeExpectError(e: ExpectError): string {
  switch (e.kind) {
    case 'silent':
      return `no answer within ${e.timeoutMs} ms while waiting for ${e.waitedFor}`;
    case 'partial':
      return `half answer: only "${describeBytes(e.got, 48)}" within ${e.timeoutMs} ms while waiting for ${e.waitedFor}`;
    case 'rejected':
      return `unexpected answer while waiting for ${e.waitedFor}: ${e.reason}`;
    case 'overflow':
      return `device sent more than ${e.maxBytes} bytes without ${e.waitedFor}`;
    case 'write-failed':
      return `could not write to the device: ${e.message}`;
    case 'closed':
      return `link closed while waiting for ${e.waitedFor}`;
  }
}

interface Pending {
  waitedFor: string;
  check: () => boolean;
}

export const DEFAULT_MAX_BUFFER_BYTES = 4096;

export class TextSession {
  private buffer = '';
  private overflowed = false;
  private closed = false;
  private pending: Pending | undefined;
  private readonly stop: Unsubscribe;

  constructor(
    private readonly link: ByteTransport,
    private readonly schedule: Schedule,
    private readonly maxBytes = DEFAULT_MAX_BUFFER_BYTES,
  ) {
    this.stop = link.onData((bytes) => this.receive(bytes));
  }

  /** Bytes held right now (never above maxBytes). */
  get bufferedBytes(): number {
    return this.buffer.length;
  }

  /** Forget whatever arrived so far (stale output before a command). */
  discard(): void {
    this.buffer = '';
    this.overflowed = false;
  }

  async send(bytes: Uint8Array): Promise<ExpectResult<void>> {
    try {
      await this.link.write(bytes);
      return { ok: true, value: undefined };
    } catch (e) {
      return { ok: false, error: { kind: 'write-failed', message: errorMessage(e) } };
    }
  }

  /** Wait until `matcher` accepts the buffer, or fails it, or `timeoutMs` pass. */
  expect<T>(matcher: Matcher<T>, timeoutMs: number, waitedFor: string): Promise<ExpectResult<T>> {
    return new Promise((resolve) => {
      let cancel = (): void => {};
      const finish = (r: ExpectResult<T>): true => {
        cancel();
        this.pending = undefined;
        resolve(r);
        return true;
      };
      const check = (): boolean => {
        if (this.overflowed) return finish({ ok: false, error: { kind: 'overflow', waitedFor, maxBytes: this.maxBytes } });
        const m = safeMatch(matcher, this.buffer);
        if (m.kind === 'match') {
          this.buffer = this.buffer.slice(Math.max(0, Math.min(m.consumed, this.buffer.length)));
          return finish({ ok: true, value: m.value });
        }
        if (m.kind === 'fail') return finish({ ok: false, error: { kind: 'rejected', waitedFor, reason: m.reason } });
        if (this.closed) return finish({ ok: false, error: { kind: 'closed', waitedFor } });
        return false;
      };
      if (check()) return;
      this.pending = { waitedFor, check };
      cancel = this.schedule(timeoutMs, () => {
        const got = this.buffer;
        finish({ ok: false, error: got === '' ? { kind: 'silent', waitedFor, timeoutMs } : { kind: 'partial', waitedFor, timeoutMs, got } });
      });
    });
  }

  /** Stop listening and release the link; a pending wait ends as `closed`. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stop();
    try {
      this.link.close();
    } catch {
      // A link that fails to close is already gone; nothing else to release.
    }
    this.pending?.check();
  }

  private receive(bytes: Uint8Array): void {
    if (this.closed) return;
    if (this.buffer.length + bytes.length > this.maxBytes) {
      // Keep nothing rather than a truncated answer that might parse as a real one.
      this.overflowed = true;
      this.buffer = '';
    } else {
      this.buffer += bytesToLatin1(bytes);
    }
    this.pending?.check();
  }
}

function safeMatch<T>(matcher: Matcher<T>, buffer: string): Match<T> {
  try {
    return matcher(buffer);
  } catch (e) {
    return { kind: 'fail', reason: `answer could not be read: ${errorMessage(e)}` };
  }
}
