// The pure IPMI codecs: RMCP, the v1.5 session wrapper, IPMI messages and
// checksums, auth codes, the session and chassis command data; and fast-check
// fuzzing of every decoder (random bytes give a value or a typed error, never
// a throw).

import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  activateSessionRequest,
  channelAuthCapabilitiesRequest,
  decodeActivateSession,
  decodeChannelAuthCapabilities,
  decodeSessionChallenge,
  decodeSetSessionPrivilege,
  padUsername,
} from '../../../../hw/fence/ipmi/appCommands';
import { authCode, authCodeMatches, padPassword } from '../../../../hw/fence/ipmi/authCode';
import { decodeChassisStatus } from '../../../../hw/fence/ipmi/chassis';
import { checksumHolds, ipmbChecksum } from '../../../../hw/fence/ipmi/checksum';
import { describeCompletionCode } from '../../../../hw/fence/ipmi/completionCodes';
import type { Decoded } from '../../../../hw/fence/ipmi/decoded';
import { decodeResponse, encodeRequest, mismatch } from '../../../../hw/fence/ipmi/message';
import { decodeRmcp } from '../../../../hw/fence/ipmi/rmcp';
import { decodeV15, encodeV15 } from '../../../../hw/fence/ipmi/session15';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s/g, ''), 'hex'));

function value<T>(d: Decoded<T>): T {
  if (!d.ok) throw new Error(`expected a value, got ${d.error.code}: ${d.error.message}`);
  return d.value;
}

function errorOf<T>(d: Decoded<T>): { code: string; message: string } {
  if (d.ok) throw new Error('expected an error');
  return d.error;
}

describe('checksum', () => {
  it('is the two`s complement of the byte sum', () => {
    expect(ipmbChecksum([0x20, 0x18])).toBe(0xc8);
    expect(ipmbChecksum([0x81, 0x00, 0x38, 0x0e, 0x04])).toBe(0x35);
    expect(ipmbChecksum([])).toBe(0);
  });

  it('any range followed by its checksum holds, and changing one byte breaks it', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (data, at, delta) => {
        const framed = [...data, ipmbChecksum(data)];
        expect(checksumHolds(framed, 0, framed.length)).toBe(true);
        framed[at % framed.length] = (framed[at % framed.length] + delta) & 0xff;
        expect(checksumHolds(framed, 0, framed.length)).toBe(false);
      }),
    );
  });
});

describe('IPMI message', () => {
  it('encodes Get Chassis Status and Chassis Control to the bytes of the spec', () => {
    // rsAddr 20, netFn 00<<2, chk1, rqAddr 81, rqSeq 5<<2, cmd, data, chk2
    expect(hex(value(encodeRequest({ netFn: 0x00, cmd: 0x01, rqSeq: 5, data: new Uint8Array() })))).toBe('200' + '0e0' + '8114' + '016a');
    expect(hex(value(encodeRequest({ netFn: 0x00, cmd: 0x02, rqSeq: 0, data: Uint8Array.of(0) })))).toBe('2000e08100020' + '07d');
    expect(errorOf(encodeRequest({ netFn: 0x07, cmd: 1, rqSeq: 0, data: new Uint8Array() })).message).toMatch(/not an even request netFn/);
    expect(errorOf(encodeRequest({ netFn: 0, cmd: 1, rqSeq: 64, data: new Uint8Array() })).message).toBe('rqSeq 64 is not 0..63');
  });

  it('decodes a reply and checks both checksums, the address and the direction', () => {
    // ipmi_sim's answer to Get Chassis Status (power on): 81 04 7b 20 14 01 00 01 00 00 chk
    const body = [0x20, 0x14, 0x01, 0x00, 0x01, 0x00, 0x00];
    const good = Uint8Array.from([0x81, 0x04, 0x7b, ...body, ipmbChecksum(body)]);
    const r = value(decodeResponse(good));
    expect(r).toEqual({ netFn: 0x01, cmd: 0x01, rqSeq: 5, completionCode: 0, data: Uint8Array.of(1, 0, 0) });
    expect(mismatch(r, { netFn: 0, cmd: 1, rqSeq: 5, data: new Uint8Array() })).toBeNull();
    expect(mismatch(r, { netFn: 0, cmd: 1, rqSeq: 6, data: new Uint8Array() })).toBe("reply rqSeq 5 is not this request's 6 (a late reply)");
    expect(mismatch(r, { netFn: 0, cmd: 2, rqSeq: 5, data: new Uint8Array() })).toBe('reply is for command 0x01, not 0x02');
    expect(errorOf(decodeResponse(Uint8Array.from([0x81, 0x04, 0x7c, ...body, ipmbChecksum(body)]))).code).toBe('bad-checksum');
    expect(errorOf(decodeResponse(Uint8Array.from([0x81, 0x04, 0x7b, ...body, ipmbChecksum(body) ^ 1]))).message).toBe('IPMI message body checksum (checksum 2) is wrong');
    expect(errorOf(decodeResponse(good.subarray(0, 7))).message).toBe('IPMI response message is 7 bytes; expected at least 8');
    const toBmc = Uint8Array.from([0x20, 0x04, 0xdc, ...body, ipmbChecksum(body)]);
    expect(errorOf(decodeResponse(toBmc)).message).toBe('reply is addressed to 0x20, not to this console (0x81)');
    const request = Uint8Array.from([0x81, 0x00, 0x7f, ...body, ipmbChecksum(body)]);
    expect(errorOf(decodeResponse(request)).message).toBe('netFn 0x00 is a request, not a reply');
  });
});

describe('RMCP and the v1.5 session wrapper', () => {
  it('rejects what is not an RMCP IPMI datagram, naming the field', () => {
    expect(errorOf(decodeRmcp(bytes('0600ff'))).code).toBe('short');
    expect(errorOf(decodeRmcp(bytes('0700ff0700'))).message).toBe('RMCP version 0x07; expected 0x06');
    expect(errorOf(decodeRmcp(bytes('060001 0700'))).message).toBe('RMCP sequence 0x01; IPMI uses 0xff');
    expect(errorOf(decodeRmcp(bytes('0600ff0600'))).message).toBe('RMCP class 0x06; expected 0x07 (IPMI)');
    expect(errorOf(decodeRmcp(new Uint8Array(1025))).code).toBe('bad-length');
  });

  it('frames a pre-session request exactly as ipmitool does', () => {
    const msg = value(encodeRequest({ netFn: 0x06, cmd: 0x38, rqSeq: 0, data: channelAuthCapabilitiesRequest('ADMINISTRATOR', false) }));
    const d = value(encodeV15({ authType: 0, seq: 0, sessionId: 0, authCode: null, message: msg }));
    expect(hex(d)).toBe('0600ff07' + '00' + '00000000' + '00000000' + '09' + '2018c88100380e0435');
  });

  it('round-trips any header, auth code and message', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0, 1, 2, 4, 5),
        fc.integer({ min: 0, max: 0xffff_ffff }),
        fc.integer({ min: 0, max: 0xffff_ffff }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ maxLength: 255 }),
        (authType, seq, sessionId, code, message) => {
          const p = { authType, seq, sessionId, authCode: authType === 0 ? null : code, message };
          expect(value(decodeV15(value(encodeV15(p))))).toEqual(p);
        },
      ),
    );
  });

  it('adds the legacy pad byte after the lengths the spec names, and decodes past it', () => {
    // 4 RMCP + 26 session header with code + 26 message = 56 bytes, one of the padded lengths.
    const msg = new Uint8Array(26);
    const d = value(encodeV15({ authType: 2, seq: 1, sessionId: 2, authCode: new Uint8Array(16), message: msg }));
    expect(d.length).toBe(57);
    expect(d[d.length - 1]).toBe(0);
    expect(value(decodeV15(d)).message).toEqual(msg);
    expect(value(encodeV15({ authType: 2, seq: 1, sessionId: 2, authCode: new Uint8Array(16), message: new Uint8Array(27) })).length).toBe(57);
  });

  it('rejects a length byte beyond the datagram, an RMCP+ packet and unknown auth types', () => {
    expect(errorOf(decodeV15(bytes('0600ff07 00 00000000 00000000 0a 2018c88100380e0435'))).message).toBe(
      'message length byte says 10 but only 9 bytes follow',
    );
    expect(errorOf(decodeV15(bytes('0600ff07 06 00 00000000 00000000 0000'))).code).toBe('bad-auth-type');
    expect(errorOf(decodeV15(bytes('0600ff07 03 00000000 00000000 00'))).message).toBe('auth type 0x03 is not an IPMI v1.5 auth type');
    expect(errorOf(decodeV15(bytes('0600ff07 02 00000000 00000000 00'))).message).toBe('IPMI v1.5 session header is 10 bytes; expected at least 26');
  });
});

describe('auth codes', () => {
  const le32 = (n: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    return b;
  };

  it('MD5 is MD5(password16, session id LE, message, sequence LE, password16), computed here with node:crypto', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 16 }).filter((s) => Buffer.byteLength(s) <= 16), fc.nat(), fc.nat(), fc.uint8Array({ maxLength: 64 }), (pw, sid, seq, msg) => {
        const pw16 = Buffer.alloc(16);
        Buffer.from(pw).copy(pw16);
        const expected = createHash('md5').update(Buffer.concat([pw16, le32(sid), Buffer.from(msg), le32(seq), pw16])).digest('hex');
        expect(hex(authCode('md5', value(padPassword(pw)), sid, msg, seq) as Uint8Array)).toBe(expected);
      }),
    );
  });

  it('lays the MD5 input out byte by byte: password, session id and sequence little-endian', () => {
    const code = authCode('md5', value(padPassword('secret')), 0x01020304, bytes('2018c8'), 0x0a0b0c0d) as Uint8Array;
    const input = Buffer.concat([Buffer.from('736563726574' + '00'.repeat(10), 'hex'), bytes('04030201'), bytes('2018c8'), bytes('0d0c0b0a'), Buffer.from('736563726574' + '00'.repeat(10), 'hex')]);
    expect(input.length).toBe(43);
    expect(hex(code)).toBe(createHash('md5').update(input).digest('hex'));
  });

  it('straight password is the padded password; none has no code; comparison is exact', () => {
    expect(hex(authCode('password', value(padPassword('abc')), 1, new Uint8Array(), 1) as Uint8Array)).toBe('616263' + '00'.repeat(13));
    expect(authCode('none', value(padPassword('abc')), 1, new Uint8Array(), 1)).toBeNull();
    expect(authCodeMatches(Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(true);
    expect(authCodeMatches(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBe(false);
    expect(authCodeMatches(Uint8Array.of(1, 2), null)).toBe(false);
    expect(authCodeMatches(null, null)).toBe(true);
  });

  it('refuses over-long passwords and user names without echoing them', () => {
    const pw = 'correct-horse-battery';
    expect(errorOf(padPassword(pw)).message).toBe('the password is 21 bytes; IPMI v1.5 allows at most 16');
    expect(errorOf(padUsername('u'.repeat(17))).message).toBe('user name is 17 bytes; IPMI allows at most 16');
  });
});

describe('session and chassis command data', () => {
  it('decodes ipmi_sim`s channel auth capabilities (none, MD5, straight; per-message auth on)', () => {
    const caps = value(decodeChannelAuthCapabilities(bytes('01 15 04 00 000000 00')));
    expect([...caps.authTypes].sort()).toEqual([0, 2, 4]);
    expect(caps).toMatchObject({ channel: 1, ipmiV20: false, perMessageAuthDisabled: false, nonNullUsernames: true, anonymousLogin: false });
    expect(value(decodeChannelAuthCapabilities(bytes('01 95 14 02 000000 00')))).toMatchObject({ ipmiV20: true, perMessageAuthDisabled: true });
    expect(errorOf(decodeChannelAuthCapabilities(bytes('01 15 04'))).message).toBe('Get Channel Authentication Capabilities reply is 3 bytes; expected at least 8');
  });

  it('decodes challenge and activation replies, refusing session id 0', () => {
    const ch = value(decodeSessionChallenge(bytes('01020304' + 'aa'.repeat(16))));
    expect(ch.tempSessionId).toBe(0x04030201);
    expect(hex(ch.challenge)).toBe('aa'.repeat(16));
    expect(errorOf(decodeSessionChallenge(bytes('00000000' + 'aa'.repeat(16)))).message).toMatch(/temporary session id 0/);
    expect(value(decodeActivateSession(bytes('02 10000002 00100000 04')))).toEqual({ authType: 2, sessionId: 0x02000010, initialInboundSeq: 0x1000, maxPrivilege: 4 });
    expect(errorOf(decodeActivateSession(bytes('02 00000000 00100000 04'))).code).toBe('bad-field');
    expect(errorOf(decodeSetSessionPrivilege(bytes('03'), 'ADMINISTRATOR')).message).toBe('Set Session Privilege Level granted OPERATOR, not ADMINISTRATOR');
    expect(hex(activateSessionRequest('md5', 'OPERATOR', new Uint8Array(16).fill(7), 0x01020304))).toBe('0203' + '07'.repeat(16) + '04030201');
  });

  it('reads the power bit of Get Chassis Status', () => {
    expect(value(decodeChassisStatus(bytes('010000'))).powerOn).toBe(true);
    expect(value(decodeChassisStatus(bytes('000000'))).powerOn).toBe(false);
    expect(value(decodeChassisStatus(bytes('1e0000')))).toEqual({ powerOn: false, powerOverload: true, interlock: true, powerFault: true, powerControlFault: true });
    expect(errorOf(decodeChassisStatus(bytes('0100'))).code).toBe('short');
    expect(errorOf(decodeChassisStatus(bytes('810000'))).message).toMatch(/reserved bit 7/);
  });

  it('names completion codes, with the session commands` own meanings', () => {
    expect(describeCompletionCode(0xd4)).toBe('completion code 0xd4 (insufficient privilege level)');
    expect(describeCompletionCode(0x81, 0x39)).toBe('completion code 0x81 (invalid user name)');
    expect(describeCompletionCode(0x81, 0x3a)).toBe('completion code 0x81 (no session slot available)');
    expect(describeCompletionCode(0x81)).toBe('completion code 0x81 (command-specific error)');
    expect(describeCompletionCode(0x42)).toBe('completion code 0x42 (unknown error)');
  });
});

describe('fuzz: every decoder returns a value or a typed error for any bytes', () => {
  const decoders: [string, (b: Uint8Array) => Decoded<unknown>][] = [
    ['decodeRmcp', decodeRmcp],
    ['decodeV15', decodeV15],
    ['decodeResponse', decodeResponse],
    ['decodeChannelAuthCapabilities', decodeChannelAuthCapabilities],
    ['decodeSessionChallenge', decodeSessionChallenge],
    ['decodeActivateSession', decodeActivateSession],
    ['decodeSetSessionPrivilege', (b) => decodeSetSessionPrivilege(b, 'ADMINISTRATOR')],
    ['decodeChassisStatus', decodeChassisStatus],
  ];
  const CODES = ['short', 'bad-rmcp', 'bad-length', 'bad-checksum', 'bad-auth-type', 'bad-auth-code', 'wrong-session', 'bad-sequence', 'unexpected-reply', 'bad-field'];

  it.each(decoders)('%s', (_name, decode) => {
    // Half the cases start with a valid RMCP IPMI header so the fuzz reaches past the first check.
    const header = fc.constantFrom(new Uint8Array(), Uint8Array.of(0x06, 0x00, 0xff, 0x07));
    fc.assert(
      fc.property(header, fc.uint8Array({ maxLength: 1100 }), (h, tail) => {
        const input = Uint8Array.from([...h, ...tail]);
        const r = decode(input);
        if (!r.ok) {
          expect(CODES).toContain(r.error.code);
          expect(r.error.message.length).toBeGreaterThan(10);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('decodeV15 then decodeResponse on mutated real replies never throws', () => {
    const body = [0x20, 0x14, 0x01, 0x00, 0x01, 0x00, 0x00];
    const msg = Uint8Array.from([0x81, 0x04, 0x7b, ...body, ipmbChecksum(body)]);
    const real = value(encodeV15({ authType: 2, seq: 9, sessionId: 0x02000010, authCode: new Uint8Array(16), message: msg }));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.nat(), (edits, cut) => {
        const d = Uint8Array.from(real);
        for (const [at, v] of edits) d[at % d.length] = v;
        const p = decodeV15(d.subarray(0, d.length - (cut % 4)));
        if (p.ok) decodeResponse(p.value.message);
      }),
      { numRuns: 3000 },
    );
  });
});
