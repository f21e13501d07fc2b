// One request and its reply over UDP, which loses datagrams: send, wait up to
// `timeoutMs` for a datagram the caller's `judge` accepts, send again (a retry
// may carry a new session sequence number), give up after `retries` retries.
// Datagrams that are not the answer (garbage, another session, a late reply)
// are ignored, counted and named in the failure reason; they do not end the
// wait, so one forged datagram cannot make us miss the real answer.

import type { Cancel, Schedule } from '../../ups/schedule';
import type { Decoded } from './decoded';
import type { DatagramLink } from './udpTransport';

export type Verdict<T> = { kind: 'match'; value: T } | { kind: 'reject'; reason: string };

export interface ExchangeSpec<T> {
  /** Names the request in reasons, e.g. "Get Chassis Status". */
  what: string;
  /** The datagram for attempt `attempt` (0 first). */
  build(attempt: number): Decoded<Uint8Array>;
  judge(datagram: Uint8Array): Verdict<T>;
}

export interface ExchangePolicy {
  timeoutMs: number;
  /** Sends after the first; 0 means one try. */
  retries: number;
  schedule: Schedule;
}

export type ExchangeResult<T> = { ok: true; value: T; attempts: number } | { ok: false; reason: string };

export function exchange<T>(link: DatagramLink, spec: ExchangeSpec<T>, policy: ExchangePolicy): Promise<ExchangeResult<T>> {
  return new Promise((resolve) => {
    let attempts = 0;
    let finished = false;
    let cancelTimer: Cancel = () => undefined;
    let ignored = 0;
    let lastIgnored = '';
    let lastSocketError: string | null = null;

    const finish = (r: ExchangeResult<T>): void => {
      if (finished) return;
      finished = true;
      cancelTimer();
      link.onDatagram(() => undefined);
      link.onError(() => undefined);
      resolve(r);
    };
    const failure = (): string => {
      let text = `no valid reply to ${spec.what} after ${attempts} ${attempts === 1 ? 'try' : 'tries'} of ${policy.timeoutMs} ms`;
      if (lastSocketError !== null) text += `; socket error: ${lastSocketError}`;
      if (ignored > 0) text += `; ignored ${ignored} datagram${ignored === 1 ? '' : 's'}, the last because ${lastIgnored}`;
      return text;
    };
    link.onDatagram((bytes) => {
      const v = spec.judge(bytes);
      if (v.kind === 'match') finish({ ok: true, value: v.value, attempts });
      else {
        ignored++;
        lastIgnored = v.reason;
      }
    });
    link.onError((message) => {
      lastSocketError = message;
    });
    const send = (): void => {
      if (finished) return;
      const bytes = spec.build(attempts);
      if (!bytes.ok) return finish({ ok: false, reason: `${spec.what} could not be encoded: ${bytes.error.message}` });
      attempts++;
      // Armed before the send so the timing does not depend on when the send callback runs.
      cancelTimer = policy.schedule(policy.timeoutMs, () => (attempts > policy.retries ? finish({ ok: false, reason: failure() }) : send()));
      void link.send(bytes.value).then((err) => {
        if (err !== null) lastSocketError = err;
      });
    };
    send();
  });
}
