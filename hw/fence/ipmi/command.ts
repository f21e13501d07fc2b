// One IPMI command over whatever session framing (v1.5 or RMCP+): encode the
// message, exchange it with retries, accept only a datagram the framing says
// is ours whose message answers this request, then turn a non-zero completion
// code into a reason.

import type { Step } from '../step';
import { NETFN_APP } from './appCommands';
import { describeCompletionCode } from './completionCodes';
import type { Decoded } from './decoded';
import { exchange } from './exchange';
import { decodeResponse, encodeRequest, mismatch, type IpmiRequest, type IpmiResponse } from './message';
import type { SessionPolicy } from './session';
import type { DatagramLink } from './udpTransport';

export type Unwrapped = { ok: true; message: Uint8Array; accept: () => void } | { ok: false; reason: string };

export interface Framing {
  /** The datagram for one send of `message`; called again for each retry. */
  wrap(message: Uint8Array): Decoded<Uint8Array>;
  /** The IPMI message of a datagram that belongs to this session; `accept` runs only if it is the answer. */
  unwrap(datagram: Uint8Array): Unwrapped;
}

export async function ipmiCommand(
  link: DatagramLink,
  policy: SessionPolicy,
  framing: Framing,
  request: IpmiRequest,
  what: string,
  retries: number,
): Promise<Step<Uint8Array>> {
  const message = encodeRequest(request);
  if (!message.ok) return { ok: false, reason: `${what}: ${message.error.message}` };
  const judge = (datagram: Uint8Array): { kind: 'match'; value: IpmiResponse } | { kind: 'reject'; reason: string } => {
    const inner = framing.unwrap(datagram);
    if (!inner.ok) return { kind: 'reject', reason: inner.reason };
    const response = decodeResponse(inner.message);
    if (!response.ok) return { kind: 'reject', reason: response.error.message };
    const wrong = mismatch(response.value, request);
    if (wrong !== null) return { kind: 'reject', reason: wrong };
    inner.accept();
    return { kind: 'match', value: response.value };
  };
  const r = await exchange(link, { what, build: () => framing.wrap(message.value), judge }, { timeoutMs: policy.timeoutMs, retries, schedule: policy.schedule });
  if (!r.ok) return r;
  const cc = r.value.completionCode;
  if (cc !== 0) return { ok: false, reason: `${what} failed: ${describeCompletionCode(cc, request.netFn === NETFN_APP ? request.cmd : undefined)}` };
  return { ok: true, value: r.value.data };
}
