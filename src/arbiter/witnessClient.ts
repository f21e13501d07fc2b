// The node's side of the witness protocol. One ask is one short exchange: a
// request, re-sent with a fresh nonce every retryIntervalMs (UDP may drop it;
// claims and releases are idempotent, so a duplicate is harmless) until a
// signed answer to one of this ask's nonces arrives or the timeout ends it.
// An answer is only believed if its MAC verifies, it echoes a nonce this ask
// sent, and it names our cluster and node: so a recorded answer can never be
// replayed into a later ask, whatever the clocks say.

import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import dns from 'node:dns';
import type { Keyring } from '../protocol/keyring';
import { systemClock, type ArbiterClock, type Arbitrator, type AskResult } from './types';
import { formatHostPort } from '../config/hostPort';
import { decodeWitnessMessage, encodeWitnessMessage, isRequest, NONCE_BYTES, type WitnessAnswer } from './witnessWire';

export interface WitnessClientOptions {
  address: { host: string; port: number };
  keyring: Keyring;
  timeoutMs: number;
  clusterId: string;
  nodeId: string;
  /** Re-send interval while no answer has come; default a quarter of timeoutMs, at most 500 ms. */
  retryIntervalMs?: number;
  clock?: ArbiterClock;
}

type Exchange = { answer: WitnessAnswer } | { error: string };

export class WitnessArbitrator implements Arbitrator {
  readonly description: string;
  private readonly clock: ArbiterClock;
  private lastTimestampMs = 0;

  constructor(private readonly opts: WitnessClientOptions) {
    this.description = `witness ${formatHostPort(opts.address)}`;
    this.clock = opts.clock ?? systemClock;
  }

  async ask(signal?: AbortSignal): Promise<AskResult> {
    const startMs = this.clock.monotonicMs();
    const r = await this.exchange('claim', signal);
    const durationMs = this.clock.monotonicMs() - startMs;
    const me = `${this.opts.clusterId}/${this.opts.nodeId}`;
    if ('error' in r) return { mayProceed: false, reason: `${this.description}: ${r.error}`, durationMs };
    const a = r.answer;
    if (a.kind === 'granted') {
      const from = a.previousHolder ? ` (taken over from ${a.previousHolder}, whose lease had run out)` : '';
      return { mayProceed: true, reason: `${this.description} granted ${me} survival for ${a.leaseMs} ms${from}`, durationMs, leaseMs: a.leaseMs, ...(a.previousHolder ? { takenOverFrom: a.previousHolder } : {}) };
    }
    if (a.kind === 'refused') return { mayProceed: false, reason: `${this.description} refused ${me}: ${a.text}`, durationMs };
    return { mayProceed: false, reason: `${this.description} answered a claim with "${a.kind}"`, durationMs };
  }

  async release(): Promise<void> {
    await this.exchange('release');
  }

  private exchange(kind: 'claim' | 'release', signal?: AbortSignal): Promise<Exchange> {
    const { address, timeoutMs, keyring } = this.opts;
    const retryMs = this.opts.retryIntervalMs ?? Math.max(1, Math.min(500, Math.floor(timeoutMs / 4)));
    if (signal?.aborted) return Promise.resolve({ error: `${kind} cancelled before it was sent` });
    return new Promise<Exchange>((resolve) => {
      const outstanding = new Set<string>();
      let sent = 0;
      let ignored: string | null = null;
      let socket: dgram.Socket | null = null;
      let retry: NodeJS.Timeout | undefined;
      let done = false;
      const finish = (r: Exchange) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        clearInterval(retry);
        signal?.removeEventListener('abort', onAbort);
        socket?.close();
        resolve(r);
      };
      const onAbort = () => finish({ error: `${kind} cancelled after ${sent} request(s)` });
      signal?.addEventListener('abort', onAbort, { once: true });
      const timer = setTimeout(() => {
        const why = ignored ? `; ignored: ${ignored}` : sent > 0 ? ' (witness down, network cut, or a different key)' : '';
        finish({ error: `no answer within ${timeoutMs} ms to ${sent} ${kind} request(s)${why}` });
      }, timeoutMs);
      dns.lookup(address.host, { verbatim: true }, (err, ip, family) => {
        if (done) return;
        if (err) return finish({ error: `cannot resolve ${address.host} (${err.code ?? err.message})` });
        socket = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
        socket.on('error', (e) => finish({ error: `socket error: ${e.message}` }));
        socket.on('message', (buf) => {
          const verdict = this.judge(buf, outstanding);
          if (typeof verdict === 'string') ignored = verdict;
          else finish({ answer: verdict });
        });
        const send = () => {
          const nonce = randomBytes(NONCE_BYTES);
          outstanding.add(nonce.toString('hex'));
          const datagram = encodeWitnessMessage({ kind, clusterId: this.opts.clusterId, nodeId: this.opts.nodeId, nonce, timestampMs: this.nextTimestamp() }, keyring.signing);
          sent++;
          socket!.send(datagram, address.port, ip, (e) => {
            if (e) ignored = `send failed: ${e.message}`;
          });
        };
        send();
        retry = setInterval(send, retryMs);
      });
    });
  }

  /** The answer if it is one to this ask, else why it was ignored. */
  private judge(buf: Buffer, outstanding: ReadonlySet<string>): WitnessAnswer | string {
    const dec = decodeWitnessMessage(buf, this.opts.keyring);
    if (!dec.ok) return `${dec.reason}: ${dec.detail}`;
    const msg = dec.msg;
    if (isRequest(msg)) return `a ${msg.kind} request, not an answer`;
    if (!outstanding.has(msg.nonce.toString('hex'))) return 'an answer to a nonce this ask did not send (replayed or late)';
    if (msg.clusterId !== this.opts.clusterId || msg.nodeId !== this.opts.nodeId) {
      return `an answer for ${msg.clusterId}/${msg.nodeId}, not ${this.opts.clusterId}/${this.opts.nodeId}`;
    }
    return msg;
  }

  /** Strictly increasing, so the witness's replay floor never catches a genuine re-send. */
  private nextTimestamp(): number {
    this.lastTimestampMs = Math.max(Math.round(this.clock.wallMs()), this.lastTimestampMs + 1);
    return this.lastTimestampMs;
  }
}
