// IPMI v1.5 session authentication (IPMI v2.0 §22.17.1): the 16-byte code in
// every authenticated packet. MD5 is MD5(password, session id, message,
// session sequence, password) with the password zero-padded to 16 bytes and
// the numbers little-endian; "straight password" sends the padded password.

import { createHash, timingSafeEqual } from 'node:crypto';
import { fail, ok, u32LE, type Decoded } from './decoded';

export type AuthTypeName = 'none' | 'md5' | 'password';

export const AUTH_TYPE_CODE: Readonly<Record<AuthTypeName, number>> = { none: 0x00, md5: 0x02, password: 0x04 };
/** The auth type byte of an IPMI v2.0 (RMCP+) packet. */
export const AUTH_TYPE_RMCP_PLUS = 0x06;

const AUTH_TYPE_LABEL: Readonly<Record<number, string>> = { 0: 'none', 1: 'MD2', 2: 'MD5', 4: 'password', 5: 'OEM' };

export function authTypeLabel(code: number): string {
  return AUTH_TYPE_LABEL[code] ?? `unknown (${code})`;
}

export function authTypeName(code: number): AuthTypeName | null {
  if (code === 0) return 'none';
  if (code === 2) return 'md5';
  if (code === 4) return 'password';
  return null;
}

export const PASSWORD_BYTES = 16;

/** The password as IPMI v1.5 carries it. The reason never contains the password. */
export function padPassword(password: string): Decoded<Uint8Array> {
  const bytes = Buffer.from(password, 'utf8');
  if (bytes.length > PASSWORD_BYTES) return fail('bad-field', `the password is ${bytes.length} bytes; IPMI v1.5 allows at most ${PASSWORD_BYTES}`);
  const out = new Uint8Array(PASSWORD_BYTES);
  out.set(bytes);
  return ok(out);
}

/** The auth code for one packet, or null for auth type none. */
export function authCode(type: AuthTypeName, password16: Uint8Array, sessionId: number, message: Uint8Array, seq: number): Uint8Array | null {
  if (type === 'none') return null;
  if (type === 'password') return Uint8Array.from(password16);
  const md5 = createHash('md5');
  md5.update(password16);
  md5.update(Uint8Array.from(u32LE(sessionId)));
  md5.update(message);
  md5.update(Uint8Array.from(u32LE(seq)));
  md5.update(password16);
  return new Uint8Array(md5.digest());
}

/** Constant-time comparison of a received code with the expected one. */
export function authCodeMatches(expected: Uint8Array | null, received: Uint8Array | null): boolean {
  if (expected === null || received === null) return expected === received;
  return expected.length === received.length && timingSafeEqual(expected, received);
}
