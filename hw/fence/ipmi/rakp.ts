// RMCP+ session setup (IPMI v2.0 §13.17-13.32) for cipher suite 3:
// RAKP-HMAC-SHA1 authentication, HMAC-SHA1-96 integrity, AES-CBC-128
// confidentiality. Open Session proposes the suite; RAKP 1-4 prove both sides
// know the password (Kuid) and derive the session integrity key (SIK) and from
// it K1 (integrity) and K2 (encryption).

import { createHmac } from 'node:crypto';
import { fail, ok, readU32LE, shortOf, u32LE, type Decoded } from './decoded';

export const RAKP_HMAC_SHA1 = 0x01;
export const HMAC_SHA1_96 = 0x01;
export const AES_CBC_128 = 0x01;
export const KUID_BYTES = 20;
/** RAKP 1 role bit 4: look the user up by name only, as ipmitool does by default. */
export const NAME_ONLY_LOOKUP = 0x10;

const RMCP_PLUS_STATUS: Readonly<Record<number, string>> = {
  0x01: 'insufficient resources to create a session',
  0x02: 'invalid session ID',
  0x03: 'invalid payload type',
  0x04: 'invalid authentication algorithm',
  0x05: 'invalid integrity algorithm',
  0x06: 'no matching authentication payload',
  0x07: 'no matching integrity payload',
  0x08: 'inactive session ID',
  0x09: 'invalid role',
  0x0a: 'unauthorized role or privilege level requested',
  0x0b: 'insufficient resources to create a session at the requested role',
  0x0c: 'invalid name length',
  0x0d: 'unauthorized name',
  0x0e: 'unauthorized GUID',
  0x0f: 'invalid integrity check value',
  0x10: 'invalid confidentiality algorithm',
  0x11: 'no cipher suite match with proposed security algorithms',
  0x12: 'illegal or unrecognized parameter',
};

export function describeRmcpPlusStatus(code: number): string {
  return `RMCP+ status 0x${code.toString(16).padStart(2, '0')} (${RMCP_PLUS_STATUS[code] ?? 'unknown status'})`;
}

function hmac(key: Uint8Array, ...parts: (Uint8Array | number[])[]): Buffer {
  const h = createHmac('sha1', key);
  for (const p of parts) h.update(Uint8Array.from(p));
  return h.digest();
}

/** The password as the RAKP key: at most 20 bytes, zero-padded. The reason never contains it. */
export function kuidOf(password: string): Decoded<Uint8Array> {
  const bytes = Buffer.from(password, 'utf8');
  if (bytes.length > KUID_BYTES) return fail('bad-field', `the password is ${bytes.length} bytes; IPMI v2.0 allows at most ${KUID_BYTES}`);
  const out = new Uint8Array(KUID_BYTES);
  out.set(bytes);
  return ok(out);
}

export function openSessionRequest(tag: number, consoleSessionId: number): Uint8Array {
  // Privilege 0: "highest the user may have"; Set Session Privilege Level asks for ours later.
  const algo = (type: number, id: number): number[] => [type, 0, 0, 8, id, 0, 0, 0];
  return Uint8Array.from([tag, 0, 0, 0, ...u32LE(consoleSessionId), ...algo(0, RAKP_HMAC_SHA1), ...algo(1, HMAC_SHA1_96), ...algo(2, AES_CBC_128)]);
}

export interface OpenSessionResponse {
  tag: number;
  status: number;
  consoleSessionId: number;
  bmcSessionId: number;
}

export function decodeOpenSessionResponse(p: Uint8Array): Decoded<OpenSessionResponse> {
  const short = shortOf(p, 8, 'Open Session response');
  if (short) return short;
  const base = { tag: p[0], status: p[1], consoleSessionId: readU32LE(p, 4), bmcSessionId: 0 };
  if (p[1] !== 0) return ok(base);
  const full = shortOf(p, 36, 'Open Session response');
  if (full) return full;
  const algos = [p[16], p[24], p[32]];
  if (p[12] !== 0 || p[20] !== 1 || p[28] !== 2) return fail('bad-field', 'Open Session response algorithm payloads are out of order');
  if (algos[0] !== RAKP_HMAC_SHA1 || algos[1] !== HMAC_SHA1_96 || algos[2] !== AES_CBC_128) {
    return fail('bad-field', `the BMC chose algorithms ${algos.join('/')} instead of cipher suite 3 (1/1/1)`);
  }
  return ok({ ...base, bmcSessionId: readU32LE(p, 8) });
}

export function rakp1(tag: number, bmcSessionId: number, rm: Uint8Array, role: number, user: Uint8Array): Uint8Array {
  return Uint8Array.from([tag, 0, 0, 0, ...u32LE(bmcSessionId), ...rm, role, 0, 0, user.length, ...user]);
}

export interface Rakp2 {
  tag: number;
  status: number;
  consoleSessionId: number;
  rc: Uint8Array;
  guid: Uint8Array;
  keyExchangeCode: Uint8Array;
}

export function decodeRakp2(p: Uint8Array): Decoded<Rakp2> {
  const short = shortOf(p, 8, 'RAKP message 2');
  if (short) return short;
  const base = { tag: p[0], status: p[1], consoleSessionId: readU32LE(p, 4), rc: new Uint8Array(), guid: new Uint8Array(), keyExchangeCode: new Uint8Array() };
  if (p[1] !== 0) return ok(base);
  const full = shortOf(p, 60, 'RAKP message 2');
  if (full) return full;
  return ok({ ...base, rc: p.slice(8, 24), guid: p.slice(24, 40), keyExchangeCode: p.slice(40, 60) });
}

/** What each side proves, and the keys, given the handshake values. */
export class RakpSecrets {
  constructor(
    private readonly kuid: Uint8Array,
    private readonly consoleSessionId: number,
    private readonly bmcSessionId: number,
    private readonly rm: Uint8Array,
    private readonly role: number,
    private readonly user: Uint8Array,
  ) {}

  /** The BMC's RAKP 2 code: HMAC_Kuid(SIDm, SIDc, Rm, Rc, GUIDc, ROLEm, ULENm, UNAMEm). */
  rakp2Code(rc: Uint8Array, guid: Uint8Array): Buffer {
    return hmac(this.kuid, u32LE(this.consoleSessionId), u32LE(this.bmcSessionId), this.rm, rc, guid, [this.role, this.user.length], this.user);
  }

  /** Our RAKP 3 code: HMAC_Kuid(Rc, SIDm, ROLEm, ULENm, UNAMEm). */
  rakp3Code(rc: Uint8Array): Buffer {
    return hmac(this.kuid, rc, u32LE(this.consoleSessionId), [this.role, this.user.length], this.user);
  }

  /** SIK = HMAC_KG(Rm, Rc, ROLEm, ULENm, UNAMEm); without a BMC key KG is Kuid. */
  sik(rc: Uint8Array): Buffer {
    return hmac(this.kuid, this.rm, rc, [this.role, this.user.length], this.user);
  }

  /** The BMC's RAKP 4 check value: HMAC_SIK(Rm, SIDc, GUIDc), first 12 bytes. */
  rakp4Code(sik: Uint8Array, guid: Uint8Array): Buffer {
    return hmac(sik, this.rm, u32LE(this.bmcSessionId), guid).subarray(0, 12);
  }

  static keys(sik: Uint8Array): { k1: Uint8Array; aesKey: Uint8Array } {
    return { k1: hmac(sik, new Array(20).fill(1)), aesKey: hmac(sik, new Array(20).fill(2)).subarray(0, 16) };
  }
}

export function rakp3(tag: number, bmcSessionId: number, code: Uint8Array): Uint8Array {
  return Uint8Array.from([tag, 0, 0, 0, ...u32LE(bmcSessionId), ...code]);
}

export interface Rakp4 {
  tag: number;
  status: number;
  consoleSessionId: number;
  integrityCheck: Uint8Array;
}

export function decodeRakp4(p: Uint8Array): Decoded<Rakp4> {
  const short = shortOf(p, 8, 'RAKP message 4');
  if (short) return short;
  const base = { tag: p[0], status: p[1], consoleSessionId: readU32LE(p, 4), integrityCheck: new Uint8Array() };
  if (p[1] !== 0) return ok(base);
  const full = shortOf(p, 20, 'RAKP message 4');
  return full ?? ok({ ...base, integrityCheck: p.slice(8, 20) });
}
