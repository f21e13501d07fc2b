// The RMCP+ (IPMI v2.0) codecs: the secured packet layout checked by hand
// with node:crypto (HMAC-SHA1-96 over auth type..next header, AES-CBC-128
// with IV and 1,2,3 pad), tampering rejected, the RAKP codes and keys from the
// spec's formulas, and fuzzing of every decoder. ipmi_sim proves the rest.

import { createDecipheriv, createHmac } from 'node:crypto';
import fc from 'fast-check';
import type { Decoded } from '../../../../hw/fence/ipmi/decoded';
import { decodeOpenSessionResponse, decodeRakp2, decodeRakp4, describeRmcpPlusStatus, kuidOf, openSessionRequest, RakpSecrets } from '../../../../hw/fence/ipmi/rakp';
import { decodeV20, encodeV20, type SessionKeys } from '../../../../hw/fence/ipmi/rmcpPlusPacket';

const keys: SessionKeys = { k1: Buffer.alloc(20, 0x11), aesKey: Buffer.alloc(16, 0x22) };
const iv = Uint8Array.from({ length: 16 }, (_, i) => i);

function value<T>(d: Decoded<T>): T {
  if (!d.ok) throw new Error(`${d.error.code}: ${d.error.message}`);
  return d.value;
}

describe('RMCP+ packets', () => {
  it('a secured packet is laid out as the spec says', () => {
    const payload = Uint8Array.from([0x20, 0x00, 0xe0, 0x81, 0x04, 0x01, 0x7a]);
    const d = Buffer.from(value(encodeV20({ payloadType: 0, secured: true, sessionId: 0x01020304, seq: 5, payload }, keys, iv)));
    expect(d.subarray(0, 4).toString('hex')).toBe('0600ff07');
    expect(d[4]).toBe(0x06);
    expect(d[5]).toBe(0xc0);
    expect(d.readUInt32LE(6)).toBe(0x01020304);
    expect(d.readUInt32LE(10)).toBe(5);
    const length = d.readUInt16LE(14);
    expect(length).toBe(32); // IV + one AES block (7 data + 8 pad + 1 pad length)
    const body = d.subarray(16, 16 + length);
    expect(body.subarray(0, 16)).toEqual(Buffer.from(iv));
    const dec = createDecipheriv('aes-128-cbc', keys.aesKey, body.subarray(0, 16)).setAutoPadding(false);
    const plain = Buffer.concat([dec.update(body.subarray(16)), dec.final()]);
    expect(plain.toString('hex')).toBe('2000e0810401' + '7a' + '0102030405060708' + '08');
    // Trailer: (12 + 32 + pad + 2) % 4 == 0 -> pad 2 x 0xff, then pad length 2, next header 7, 12-byte code.
    const trailer = d.subarray(16 + length);
    expect(trailer.subarray(0, 4).toString('hex')).toBe('ffff0207');
    const signed = d.subarray(4, 16 + length + 4);
    expect(trailer.subarray(4)).toEqual(createHmac('sha1', keys.k1).update(signed).digest().subarray(0, 12));
    expect(value(decodeV20(d, keys))).toEqual({ payloadType: 0, secured: true, sessionId: 0x01020304, seq: 5, payload });
  });

  it('round-trips any payload, and any flipped bit is caught by the integrity code', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.nat(), fc.nat(), fc.integer({ min: 0, max: 7 }), (payload, seq, at, bit) => {
        const d = value(encodeV20({ payloadType: 0, secured: true, sessionId: 9, seq, payload }, keys, iv));
        expect(value(decodeV20(d, keys)).payload).toEqual(payload);
        const bad = Uint8Array.from(d);
        const i = 4 + (at % (bad.length - 4));
        bad[i] ^= 1 << bit;
        expect(decodeV20(bad, keys).ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('names what is wrong: other keys, an unsecured handshake packet, no keys yet, a cut trailer', () => {
    const d = value(encodeV20({ payloadType: 0, secured: true, sessionId: 9, seq: 1, payload: Uint8Array.of(1, 2, 3) }, keys, iv));
    const other = { ...keys, k1: Buffer.alloc(20, 0x33) };
    expect(decodeV20(d, other)).toMatchObject({ ok: false, error: { code: 'bad-auth-code' } });
    expect(decodeV20(d, null)).toMatchObject({ ok: false, error: { message: 'a secured RMCP+ packet arrived before the session keys exist' } });
    expect(decodeV20(d.subarray(0, d.length - 3), keys)).toMatchObject({ ok: false, error: { code: 'bad-length' } });
    const open = value(encodeV20({ payloadType: 0x10, secured: false, sessionId: 0, seq: 0, payload: openSessionRequest(7, 0xa0a0a0a0) }, null, iv));
    expect(value(decodeV20(open, null))).toMatchObject({ payloadType: 0x10, secured: false });
    expect(Buffer.from(open).toString('hex')).toBe(
      '0600ff07' + '06' + '10' + '00000000' + '00000000' + '2000' + '07000000' + 'a0a0a0a0' + '0000000801000000' + '0100000801000000' + '0200000801000000',
    );
    const v15 = Uint8Array.from([0x06, 0, 0xff, 0x07, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(decodeV20(v15, keys)).toMatchObject({ ok: false, error: { code: 'bad-auth-type' } });
  });
});

describe('RAKP', () => {
  const hmac = (key: Uint8Array, ...parts: Buffer[]): Buffer => createHmac('sha1', key).update(Buffer.concat(parts)).digest();
  const le = (n: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    return b;
  };

  it('computes the RAKP 2/3 codes, SIK, RAKP 4 check and K1/K2 from the spec formulas', () => {
    const kuid = value(kuidOf('secret'));
    expect(Buffer.from(kuid).toString('hex')).toBe('736563726574' + '00'.repeat(14));
    const rm = Buffer.alloc(16, 0xaa);
    const rc = Buffer.alloc(16, 0xbb);
    const guid = Buffer.alloc(16, 0xcc);
    const user = Buffer.from('admin');
    const role = 0x14;
    const s = new RakpSecrets(kuid, 0x11111111, 0x22222222, rm, role, user);
    const tail = Buffer.from([role, user.length, ...user]);
    expect(s.rakp2Code(rc, guid)).toEqual(hmac(kuid, le(0x11111111), le(0x22222222), rm, rc, guid, tail));
    expect(s.rakp3Code(rc)).toEqual(hmac(kuid, rc, le(0x11111111), tail));
    const sik = hmac(kuid, rm, rc, tail);
    expect(s.sik(rc)).toEqual(sik);
    expect(s.rakp4Code(sik, guid)).toEqual(hmac(sik, rm, le(0x22222222), guid).subarray(0, 12));
    const k = RakpSecrets.keys(sik);
    expect(Buffer.from(k.k1)).toEqual(hmac(sik, Buffer.alloc(20, 1)));
    expect(Buffer.from(k.aesKey)).toEqual(hmac(sik, Buffer.alloc(20, 2)).subarray(0, 16));
  });

  it('refuses a password over 20 bytes without echoing it; names RMCP+ status codes', () => {
    const r = kuidOf('p'.repeat(21));
    expect(r).toEqual({ ok: false, error: { code: 'bad-field', message: 'the password is 21 bytes; IPMI v2.0 allows at most 20' } });
    expect(describeRmcpPlusStatus(0x0d)).toBe('RMCP+ status 0x0d (unauthorized name)');
  });

  it('decodes an error-status reply from its first 8 bytes, and a full one with its fields', () => {
    expect(value(decodeRakp2(Buffer.from('07 0d 0000 a0a0a0a0'.replace(/ /g, ''), 'hex')))).toMatchObject({ tag: 7, status: 0x0d, consoleSessionId: 0xa0a0a0a0 });
    const full = Buffer.concat([Buffer.from('07000000a0a0a0a0', 'hex'), Buffer.alloc(16, 1), Buffer.alloc(16, 2), Buffer.alloc(20, 3)]);
    const r2 = value(decodeRakp2(full));
    expect([r2.rc[0], r2.guid[0], r2.keyExchangeCode.length]).toEqual([1, 2, 20]);
    expect(decodeRakp2(full.subarray(0, 59))).toMatchObject({ ok: false, error: { code: 'short' } });
    const open = Buffer.from('07000400a0a0a0a0' + '02000020' + '0000000801000000' + '0100000801000000' + '0200000801000000', 'hex');
    expect(value(decodeOpenSessionResponse(open))).toMatchObject({ status: 0, bmcSessionId: 0x20000002 });
    const suite17 = Buffer.from(open);
    suite17[16] = 0x03;
    expect(decodeOpenSessionResponse(suite17)).toMatchObject({ ok: false, error: { message: 'the BMC chose algorithms 3/1/1 instead of cipher suite 3 (1/1/1)' } });
  });

  const decoders: [string, (b: Uint8Array) => Decoded<unknown>][] = [
    ['decodeV20 with keys', (b) => decodeV20(b, keys)],
    ['decodeV20 without keys', (b) => decodeV20(b, null)],
    ['decodeOpenSessionResponse', decodeOpenSessionResponse],
    ['decodeRakp2', decodeRakp2],
    ['decodeRakp4', decodeRakp4],
  ];

  it.each(decoders)('fuzz: %s returns a value or a typed error for any bytes', (_name, decode) => {
    const header = fc.constantFrom(new Uint8Array(), Uint8Array.of(0x06, 0x00, 0xff, 0x07, 0x06), Uint8Array.of(0x06, 0x00, 0xff, 0x07, 0x06, 0xc0));
    fc.assert(
      fc.property(header, fc.uint8Array({ maxLength: 200 }), (h, tail) => {
        const r = decode(Uint8Array.from([...h, ...tail]));
        if (!r.ok) expect(r.error.message.length).toBeGreaterThan(10);
      }),
      { numRuns: 2000 },
    );
  });
});
