// The IPMI v2.0 RMCP+ session wrapper (IPMI v2.0 §13.6, §13.28-13.29): auth
// type 0x06, payload type (bit 7 encrypted, bit 6 authenticated), session id,
// sequence, 16-bit payload length, payload; authenticated packets end with a
// trailer: 0xFF pad to a 4-byte boundary, pad length, next header 0x07, and
// HMAC-SHA1-96 over everything from the auth type on. Encrypted payloads are
// a random IV plus AES-CBC-128 of data, pad bytes 1,2,3... and the pad length.

import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import { AUTH_TYPE_RMCP_PLUS } from './authCode';
import { fail, hex8, ok, readU32LE, shortOf, u32LE, type Decoded, type IpmiDecodeError } from './decoded';
import { decodeRmcp, RMCP_IPMI_HEADER } from './rmcp';

export const PAYLOAD_IPMI = 0x00;
export const PAYLOAD_OPEN_SESSION_REQUEST = 0x10;
export const PAYLOAD_OPEN_SESSION_RESPONSE = 0x11;
export const PAYLOAD_RAKP1 = 0x12;
export const PAYLOAD_RAKP2 = 0x13;
export const PAYLOAD_RAKP3 = 0x14;
export const PAYLOAD_RAKP4 = 0x15;

const ENCRYPTED = 0x80;
const AUTHENTICATED = 0x40;
const HEADER_BYTES = 12;
const AUTH_CODE_BYTES = 12;
const AES_BLOCK = 16;
const NEXT_HEADER = 0x07;
const MAX_PAYLOAD_BYTES = 1024;

/** K1 signs (HMAC-SHA1-96), the first 16 bytes of K2 encrypt (AES-CBC-128). */
export interface SessionKeys {
  k1: Uint8Array;
  aesKey: Uint8Array;
}

export interface V20Packet {
  payloadType: number;
  /** Both set, or both clear: this client negotiates integrity and confidentiality together. */
  secured: boolean;
  sessionId: number;
  seq: number;
  payload: Uint8Array;
}

function hmacSha1(key: Uint8Array, data: Uint8Array): Buffer {
  return createHmac('sha1', key).update(data).digest();
}

/** A whole datagram; `iv` (16 random bytes) is used only for a secured packet. */
export function encodeV20(p: V20Packet, keys: SessionKeys | null, iv: Uint8Array): Decoded<Uint8Array> {
  if (p.secured && keys === null) return fail('bad-field', 'a secured RMCP+ packet needs session keys');
  let body = p.payload;
  if (p.secured && keys) {
    const padLen = (AES_BLOCK - ((body.length + 1) % AES_BLOCK)) % AES_BLOCK;
    const plain = Uint8Array.from([...body, ...Array.from({ length: padLen }, (_, i) => i + 1), padLen]);
    const cipher = createCipheriv('aes-128-cbc', keys.aesKey, iv).setAutoPadding(false);
    body = Uint8Array.from([...iv, ...cipher.update(plain), ...cipher.final()]);
  }
  if (body.length > MAX_PAYLOAD_BYTES) return fail('bad-length', `RMCP+ payload of ${body.length} bytes is over ${MAX_PAYLOAD_BYTES}`);
  const type = p.payloadType | (p.secured ? ENCRYPTED | AUTHENTICATED : 0);
  const session = [AUTH_TYPE_RMCP_PLUS, type, ...u32LE(p.sessionId), ...u32LE(p.seq), body.length & 0xff, body.length >> 8, ...body];
  if (p.secured && keys) {
    const pad = (4 - ((session.length + 2) % 4)) % 4;
    for (let i = 0; i < pad; i++) session.push(0xff);
    session.push(pad, NEXT_HEADER);
    session.push(...hmacSha1(keys.k1, Uint8Array.from(session)).subarray(0, AUTH_CODE_BYTES));
  }
  return ok(Uint8Array.from([...RMCP_IPMI_HEADER, ...session]));
}

/** Unframe, check the integrity code and decrypt (`keys` required for a secured packet). */
export function decodeV20(datagram: Uint8Array, keys: SessionKeys | null): Decoded<V20Packet> {
  const rmcp = decodeRmcp(datagram);
  if (!rmcp.ok) return rmcp;
  const s = rmcp.value;
  if (s[0] !== AUTH_TYPE_RMCP_PLUS) return fail('bad-auth-type', `auth type ${hex8(s[0])} where an RMCP+ packet (0x06) was expected`);
  const short = shortOf(s, HEADER_BYTES, 'RMCP+ session header');
  if (short) return short;
  const flags = s[1] & (ENCRYPTED | AUTHENTICATED);
  const payloadType = s[1] & 0x3f;
  if (flags !== 0 && flags !== (ENCRYPTED | AUTHENTICATED)) return fail('bad-field', `payload type byte ${hex8(s[1])}: this session needs both integrity and encryption`);
  const length = s[10] | (s[11] << 8);
  if (s.length - HEADER_BYTES < length) return fail('bad-length', `RMCP+ payload length says ${length} but only ${s.length - HEADER_BYTES} bytes follow`);
  const base = { payloadType, sessionId: readU32LE(s, 2), seq: readU32LE(s, 6) };
  const payload = s.subarray(HEADER_BYTES, HEADER_BYTES + length);
  if (flags === 0) return ok({ ...base, secured: false, payload: payload.slice() });
  if (keys === null) return fail('bad-auth-code', 'a secured RMCP+ packet arrived before the session keys exist');
  const integrity = checkTrailer(s, HEADER_BYTES + length, keys.k1);
  if (integrity !== null) return integrity;
  const plain = decrypt(payload, keys.aesKey);
  return plain.ok ? ok({ ...base, secured: true, payload: plain.value }) : plain;
}

function checkTrailer(s: Uint8Array, payloadEnd: number, k1: Uint8Array): { ok: false; error: IpmiDecodeError } | null {
  const pad = (4 - ((payloadEnd + 2) % 4)) % 4;
  const codeAt = payloadEnd + pad + 2;
  if (s.length < codeAt + AUTH_CODE_BYTES) return fail('bad-length', `RMCP+ trailer is cut short: ${s.length} bytes, expected ${codeAt + AUTH_CODE_BYTES}`);
  if (s[codeAt - 2] !== pad || s[codeAt - 1] !== NEXT_HEADER) return fail('bad-length', `RMCP+ trailer pad length ${s[codeAt - 2]} / next header ${hex8(s[codeAt - 1])}; expected ${pad} / 0x07`);
  const expected = hmacSha1(k1, s.subarray(0, codeAt)).subarray(0, AUTH_CODE_BYTES);
  if (!timingSafeEqual(expected, s.subarray(codeAt, codeAt + AUTH_CODE_BYTES))) {
    return fail('bad-auth-code', 'RMCP+ integrity code (HMAC-SHA1-96) is wrong (forged, corrupted, or another session)');
  }
  return null;
}

function decrypt(payload: Uint8Array, aesKey: Uint8Array): Decoded<Uint8Array> {
  const cipherBytes = payload.length - AES_BLOCK;
  if (cipherBytes < AES_BLOCK || cipherBytes % AES_BLOCK !== 0) {
    return fail('bad-length', `encrypted payload is ${payload.length} bytes; expected a 16-byte IV and whole AES blocks`);
  }
  let plain: Buffer;
  try {
    const d = createDecipheriv('aes-128-cbc', aesKey, payload.subarray(0, AES_BLOCK)).setAutoPadding(false);
    plain = Buffer.concat([d.update(payload.subarray(AES_BLOCK)), d.final()]);
  } catch (e) {
    return fail('bad-field', `AES-CBC-128 decryption failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  const padLen = plain[plain.length - 1];
  if (padLen >= AES_BLOCK) return fail('bad-field', `confidentiality pad length ${padLen} is over 15`);
  return ok(new Uint8Array(plain.subarray(0, plain.length - 1 - padLen)));
}
