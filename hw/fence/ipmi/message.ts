// The IPMI message inside a LAN session (IPMI v2.0 §13.8): responder address,
// netFn/LUN, checksum 1, requester address, rqSeq/LUN, command, data,
// checksum 2. We are a remote console (software ID 0x81) talking to the BMC
// (0x20) on LUN 0; replies come back with the netFn made odd.

import { checksumHolds, ipmbChecksum } from './checksum';
import { fail, hex8, ok, shortOf, type Decoded } from './decoded';

export const BMC_SLAVE_ADDR = 0x20;
export const REMOTE_CONSOLE_SWID = 0x81;
/** rsAddr, netFn, chk1, rqAddr, rqSeq, cmd, completion code, chk2. */
export const MIN_RESPONSE_BYTES = 8;
/** The session length byte caps a v1.5 message at 255. */
export const MAX_MESSAGE_BYTES = 255;

export interface IpmiRequest {
  netFn: number;
  cmd: number;
  /** 0..63: matches a reply to its request. */
  rqSeq: number;
  data: Uint8Array;
}

export interface IpmiResponse {
  /** The reply's netFn (the request's plus one). */
  netFn: number;
  cmd: number;
  rqSeq: number;
  completionCode: number;
  /** Response data after the completion code. */
  data: Uint8Array;
}

export function encodeRequest(r: IpmiRequest): Decoded<Uint8Array> {
  if (!Number.isInteger(r.netFn) || r.netFn < 0 || r.netFn > 0x3e || r.netFn % 2 !== 0) {
    return fail('bad-field', `netFn ${r.netFn} is not an even request netFn 0..0x3e`);
  }
  if (!Number.isInteger(r.cmd) || r.cmd < 0 || r.cmd > 0xff) return fail('bad-field', `command ${r.cmd} is not a byte`);
  if (!Number.isInteger(r.rqSeq) || r.rqSeq < 0 || r.rqSeq > 63) return fail('bad-field', `rqSeq ${r.rqSeq} is not 0..63`);
  if (r.data.length + 7 > MAX_MESSAGE_BYTES) return fail('bad-length', `request data of ${r.data.length} bytes does not fit one message`);
  const head = [BMC_SLAVE_ADDR, r.netFn << 2, 0, REMOTE_CONSOLE_SWID, r.rqSeq << 2, r.cmd];
  head[2] = ipmbChecksum(head, 0, 2);
  const body = [...head, ...r.data];
  body.push(ipmbChecksum(body, 3, body.length));
  return ok(Uint8Array.from(body));
}

/** Decode a reply addressed to us; the caller matches netFn, cmd and rqSeq to its request. */
export function decodeResponse(msg: Uint8Array): Decoded<IpmiResponse> {
  const short = shortOf(msg, MIN_RESPONSE_BYTES, 'IPMI response message');
  if (short) return short;
  if (!checksumHolds(msg, 0, 3)) return fail('bad-checksum', 'IPMI message header checksum (checksum 1) is wrong');
  if (!checksumHolds(msg, 3, msg.length)) return fail('bad-checksum', 'IPMI message body checksum (checksum 2) is wrong');
  if (msg[0] !== REMOTE_CONSOLE_SWID) return fail('bad-field', `reply is addressed to ${hex8(msg[0])}, not to this console (0x81)`);
  const netFn = msg[1] >> 2;
  if (netFn % 2 !== 1) return fail('bad-field', `netFn ${hex8(netFn)} is a request, not a reply`);
  return ok({
    netFn,
    cmd: msg[5],
    rqSeq: msg[4] >> 2,
    completionCode: msg[6],
    data: msg.slice(7, msg.length - 1),
  });
}

/** Why `r` is not the answer to `req`, or null when it is. */
export function mismatch(r: IpmiResponse, req: IpmiRequest): string | null {
  if (r.netFn !== req.netFn + 1) return `reply netFn ${hex8(r.netFn)} does not answer netFn ${hex8(req.netFn)}`;
  if (r.cmd !== req.cmd) return `reply is for command ${hex8(r.cmd)}, not ${hex8(req.cmd)}`;
  if (r.rqSeq !== req.rqSeq) return `reply rqSeq ${r.rqSeq} is not this request's ${req.rqSeq} (a late reply)`;
  return null;
}
