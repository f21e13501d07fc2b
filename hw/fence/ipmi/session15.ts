// The IPMI v1.5 session wrapper (IPMI v2.0 §13.6): auth type, session
// sequence number, session id (both little-endian), a 16-byte auth code unless
// the auth type is none, the message length, the message. This file frames and
// unframes whole datagrams (RMCP included); checking that a reply belongs to
// our session is lanSession15.ts's job.

import { AUTH_TYPE_RMCP_PLUS } from './authCode';
import { fail, hex8, ok, readU32LE, shortOf, u32LE, type Decoded } from './decoded';
import { MAX_MESSAGE_BYTES } from './message';
import { decodeRmcp, RMCP_IPMI_HEADER } from './rmcp';

export interface V15Packet {
  authType: number;
  seq: number;
  sessionId: number;
  /** 16 bytes, or null for auth type none. */
  authCode: Uint8Array | null;
  message: Uint8Array;
}

/** Datagram lengths (RMCP included) that get a legacy zero pad byte (IPMI v2.0 Table 13-8, footnote). */
const LEGACY_PAD_LENGTHS = new Set([56, 84, 112, 128, 156]);

export function encodeV15(p: V15Packet): Decoded<Uint8Array> {
  if (p.message.length > MAX_MESSAGE_BYTES) return fail('bad-length', `message of ${p.message.length} bytes does not fit a v1.5 packet`);
  const hasCode = p.authType !== 0;
  if (hasCode !== (p.authCode !== null && p.authCode.length === 16)) {
    return fail('bad-auth-code', `auth type ${hex8(p.authType)} ${hasCode ? 'needs a 16-byte auth code' : 'carries no auth code'}`);
  }
  const bytes = [...RMCP_IPMI_HEADER, p.authType, ...u32LE(p.seq), ...u32LE(p.sessionId)];
  if (p.authCode) bytes.push(...p.authCode);
  bytes.push(p.message.length, ...p.message);
  if (LEGACY_PAD_LENGTHS.has(bytes.length)) bytes.push(0);
  return ok(Uint8Array.from(bytes));
}

/** Unframe a datagram; extra bytes after the message (the legacy pad) are allowed. */
export function decodeV15(datagram: Uint8Array): Decoded<V15Packet> {
  const rmcp = decodeRmcp(datagram);
  if (!rmcp.ok) return rmcp;
  const s = rmcp.value;
  const authType = s[0];
  if (authType === AUTH_TYPE_RMCP_PLUS) return fail('bad-auth-type', 'an IPMI v2.0 (RMCP+) packet where a v1.5 packet was expected');
  if (authType > 0x05 || authType === 0x03) return fail('bad-auth-type', `auth type ${hex8(authType)} is not an IPMI v1.5 auth type`);
  const codeBytes = authType === 0 ? 0 : 16;
  const headerBytes = 1 + 4 + 4 + codeBytes + 1;
  const short = shortOf(s, headerBytes, 'IPMI v1.5 session header');
  if (short) return short;
  const length = s[headerBytes - 1];
  if (s.length - headerBytes < length) {
    return fail('bad-length', `message length byte says ${length} but only ${s.length - headerBytes} bytes follow`);
  }
  return ok({
    authType,
    seq: readU32LE(s, 1),
    sessionId: readU32LE(s, 5),
    authCode: codeBytes === 0 ? null : s.slice(9, 25),
    message: s.slice(headerBytes, headerBytes + length),
  });
}
