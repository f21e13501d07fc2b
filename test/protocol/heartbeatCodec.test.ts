import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import type { Heartbeat } from '../../src/core/types';
import {
  decodeHeartbeat,
  encodeHeartbeat,
  HEARTBEAT_MAX_BYTES,
  HEARTBEAT_MIN_BYTES,
  ID_PATTERN,
  MAX_DATAGRAM_BYTES,
  type DecodeResult,
} from '../../src/protocol/heartbeatCodec';
import { keyringFromKeys } from '../../src/protocol/keyring';
import { heartbeatArb, KEY_A, KEY_B, patched, resign, RING_A, RING_B, sampleHeartbeat } from './helpers';

function rejectOf(r: DecodeResult): string {
  return r.ok ? 'ok' : r.reason;
}

describe('wire layout', () => {
  it('puts every field at the documented offset, big-endian, with an HMAC-SHA256 trailer', () => {
    const hb = sampleHeartbeat({ seq: 0x1_2345_6789, flags: 0x21, role: 'active', resource: 'running', health: 'degraded' });
    const buf = encodeHeartbeat(hb, RING_A.signing);
    expect(buf.length).toBe(42 + 1 + 7 + 1 + 6 + 32);
    expect([...buf.subarray(0, 10)]).toEqual([0x45, 0x48, 1, 1, 1, 0, 0x21, 3, 2, 1]);
    expect(buf.readUInt16BE(10)).toBe(100);
    expect(buf.readUInt32BE(12)).toBe(1_700_000_000);
    expect(buf.readBigUInt64BE(16)).toBe(0x1_2345_6789n);
    expect(buf.readUInt32BE(24)).toBe(3);
    expect(buf.readUInt32BE(28)).toBe(123_456);
    expect(buf.readUInt32BE(32)).toBe(123_400);
    expect(buf.readUInt16BE(36)).toBe(12);
    expect(buf.readUInt32BE(38)).toBe(1_699_999_000);
    expect(buf[42]).toBe(7);
    expect(buf.toString('utf8', 43, 50)).toBe('plant-7');
    expect(buf[50]).toBe(6);
    expect(buf.toString('utf8', 51, 57)).toBe('edge-b');
    const mac = createHmac('sha256', KEY_A).update(buf.subarray(0, 57)).digest();
    expect(buf.subarray(57).equals(mac)).toBe(true);
  });

  it('keeps the smallest and largest heartbeats within the documented bounds', () => {
    const small = encodeHeartbeat(sampleHeartbeat({ clusterId: 'c', nodeId: 'n' }), RING_A.signing);
    const big = encodeHeartbeat(sampleHeartbeat({ clusterId: 'c'.repeat(64), nodeId: 'n'.repeat(64) }), RING_A.signing);
    expect(small.length).toBe(HEARTBEAT_MIN_BYTES);
    expect(big.length).toBe(HEARTBEAT_MAX_BYTES);
    expect(rejectOf(decodeHeartbeat(small, RING_A))).toBe('ok');
    expect(rejectOf(decodeHeartbeat(big, RING_A))).toBe('ok');
  });
});

describe('round trip', () => {
  it('decodes every valid heartbeat to an equal one, signed with the signing key id', () => {
    fc.assert(
      fc.property(heartbeatArb, fc.boolean(), (hb, rotated) => {
        const ring = rotated ? RING_B : RING_A;
        const buf = encodeHeartbeat(hb, ring.signing);
        expect(buf.length).toBe(76 + hb.clusterId.length + hb.nodeId.length);
        const r = decodeHeartbeat(buf, RING_A);
        expect(r).toEqual({ ok: true, hb, keyId: rotated ? 2 : 1 });
      }),
      { numRuns: 1000 },
    );
  });

  it('decodes from a plain Uint8Array view at a non-zero offset', () => {
    const hb = sampleHeartbeat();
    const wire = encodeHeartbeat(hb, RING_A.signing);
    const backing = new Uint8Array(wire.length + 5);
    backing.set(wire, 5);
    const r = decodeHeartbeat(backing.subarray(5), RING_A);
    expect(r).toEqual({ ok: true, hb, keyId: 1 });
  });
});

describe('encode rejects values the wire cannot carry', () => {
  const bad: Array<[string, Partial<Heartbeat>]> = [
    ['pathId', { pathId: 256 }],
    ['flags', { flags: 0x80 }],
    ['role', { role: 'leader' as Heartbeat['role'] }],
    ['resource', { resource: 'gone' as Heartbeat['resource'] }],
    ['health', { health: 'fine' as Heartbeat['health'] }],
    ['priority', { priority: 65536 }],
    ['incarnation', { incarnation: 2 ** 32 }],
    ['seq', { seq: Number.MAX_SAFE_INTEGER + 1 }],
    ['seq', { seq: -1 }],
    ['epoch', { epoch: 1.5 }],
    ['txTimeMs', { txTimeMs: 2 ** 32 }],
    ['echoTxTimeMs', { echoTxTimeMs: -1 }],
    ['echoHoldMs', { echoHoldMs: 70_000 }],
    ['clusterId', { clusterId: '' }],
    ['clusterId', { clusterId: 'a'.repeat(65) }],
    ['nodeId', { nodeId: '-edge' }],
    ['nodeId', { nodeId: 'édge' }],
    ['nodeId', { nodeId: 'edge\n' }],
  ];
  it.each(bad)('%s %j', (field, override) => {
    expect(() => encodeHeartbeat(sampleHeartbeat(override), RING_A.signing)).toThrow(RangeError);
    expect(() => encodeHeartbeat(sampleHeartbeat(override), RING_A.signing)).toThrow(field);
  });

  it('rejects key id 0 and 256', () => {
    for (const keyId of [0, 256]) {
      expect(() => encodeHeartbeat(sampleHeartbeat(), { keyId, key: KEY_A })).toThrow(RangeError);
    }
  });

  it('ID_PATTERN accepts exactly the ids the decoder accepts', () => {
    expect(ID_PATTERN.test('a')).toBe(true);
    expect(ID_PATTERN.test('Edge_1.lab-2')).toBe(true);
    expect(ID_PATTERN.test('.hidden')).toBe(false);
    expect(ID_PATTERN.test('a b')).toBe(false);
    expect(ID_PATTERN.test('a'.repeat(64))).toBe(true);
    expect(ID_PATTERN.test('a'.repeat(65))).toBe(false);
  });
});

describe('decode rejects, in the documented order', () => {
  const good = encodeHeartbeat(sampleHeartbeat(), RING_A.signing); // ids "plant-7" (43..49), "edge-b" (51..56)
  const macOff = good.length - 32;

  it('truncated / oversized by size alone', () => {
    expect(rejectOf(decodeHeartbeat(good.subarray(0, HEARTBEAT_MIN_BYTES - 1), RING_A))).toBe('truncated');
    expect(rejectOf(decodeHeartbeat(Buffer.alloc(0), RING_A))).toBe('truncated');
    const huge = Buffer.concat([good, Buffer.alloc(MAX_DATAGRAM_BYTES + 1 - good.length)]);
    expect(rejectOf(decodeHeartbeat(huge, RING_A))).toBe('oversized');
    // 512 bytes is not oversized: it gets as far as the field checks.
    const padded = Buffer.concat([good.subarray(0, macOff), Buffer.alloc(MAX_DATAGRAM_BYTES - good.length), good.subarray(macOff)]);
    const r = decodeHeartbeat(resign(padded, KEY_A), RING_A);
    expect(r).toMatchObject({ ok: false, reason: 'malformed', detail: expect.stringContaining('trailing') });
  });

  it('bad-magic, unknown-version, unknown-type', () => {
    expect(rejectOf(decodeHeartbeat(patched(good, 0, 0x46), RING_A))).toBe('bad-magic');
    expect(rejectOf(decodeHeartbeat(patched(good, 1, 0x00), RING_A))).toBe('bad-magic');
    expect(rejectOf(decodeHeartbeat(patched(good, 2, 2), RING_A))).toBe('unknown-version');
    expect(rejectOf(decodeHeartbeat(patched(good, 3, 2), RING_A))).toBe('unknown-type');
  });

  it('unknown-key for an id not in the keyring, including 0', () => {
    for (const keyId of [0, 3, 255]) {
      const r = decodeHeartbeat(patched(good, 4, keyId), RING_A);
      expect(r).toMatchObject({ ok: false, reason: 'unknown-key', detail: expect.stringContaining(`key id ${keyId}`) });
    }
  });

  it('bad-mac when the body changed, the key differs, or the MAC is zeroed', () => {
    const altered = Buffer.from(good);
    altered[20] ^= 1;
    expect(rejectOf(decodeHeartbeat(altered, RING_A))).toBe('bad-mac');
    const wrongKey = resign(good, Buffer.alloc(32, 0x55));
    expect(rejectOf(decodeHeartbeat(wrongKey, RING_A))).toBe('bad-mac');
    const zeroed = Buffer.from(good);
    zeroed.fill(0, macOff);
    expect(rejectOf(decodeHeartbeat(zeroed, RING_A))).toBe('bad-mac');
  });

  it('checks the MAC before any field: an unsigned bad field is bad-mac, not malformed', () => {
    const badFlags = Buffer.from(good);
    badFlags[6] = 0xff;
    expect(rejectOf(decodeHeartbeat(badFlags, RING_A))).toBe('bad-mac');
    const badLen = Buffer.from(good);
    badLen[42] = 0;
    expect(rejectOf(decodeHeartbeat(badLen, RING_A))).toBe('bad-mac');
  });

  const malformed: Array<[string, number, number, string]> = [
    ['unknown flag bit', 6, 0x80, 'flags'],
    ['role index', 7, 5, 'role'],
    ['resource index', 8, 6, 'resource'],
    ['health index', 9, 3, 'health'],
    ['seq above 2^53-1', 17, 0x20, 'seq'],
    ['clusterId length 0', 42, 0, 'clusterId length 0'],
    ['clusterId length 65', 42, 65, 'clusterId length 65'],
    ['clusterId longer than the datagram', 42, 20, 'clusterId length 20'],
    ['nodeId length 0', 50, 0, 'nodeId length 0'],
    ['nodeId into the MAC', 50, 7, 'into the MAC'],
    ['trailing byte before the MAC', 50, 5, 'trailing'],
    ['clusterId starting with "."', 43, 0x2e, 'clusterId starts with'],
    ['nodeId with a space', 52, 0x20, 'nodeId has byte 0x20'],
    ['nodeId with a non-ASCII byte', 52, 0xc3, 'nodeId has byte 0xc3'],
  ];
  it.each(malformed)('malformed: %s', (_name, offset, value, detail) => {
    const r = decodeHeartbeat(patched(good, offset, value), RING_A);
    expect(r).toMatchObject({ ok: false, reason: 'malformed', detail: expect.stringContaining(detail) });
  });

  it('size beats magic, magic beats key id, key id beats MAC', () => {
    const shortGarbage = Buffer.alloc(HEARTBEAT_MIN_BYTES - 1, 0xff);
    expect(rejectOf(decodeHeartbeat(shortGarbage, RING_A))).toBe('truncated');
    const badMagicUnknownKey = Buffer.from(good);
    badMagicUnknownKey[0] = 0;
    badMagicUnknownKey[4] = 9;
    expect(rejectOf(decodeHeartbeat(badMagicUnknownKey, RING_A))).toBe('bad-magic');
    const unknownKeyBadMac = Buffer.from(good);
    unknownKeyBadMac[4] = 9;
    unknownKeyBadMac[macOff] ^= 0xff;
    expect(rejectOf(decodeHeartbeat(unknownKeyBadMac, RING_A))).toBe('unknown-key');
  });
});

describe('key rotation', () => {
  it('a datagram signed with the second key of the file verifies', () => {
    const hb = sampleHeartbeat();
    const signedWith2 = encodeHeartbeat(hb, RING_B.signing);
    expect(signedWith2[4]).toBe(2);
    expect(decodeHeartbeat(signedWith2, RING_A)).toEqual({ ok: true, hb, keyId: 2 });
  });

  it('once a key is removed from the file, its datagrams are unknown-key', () => {
    const onlyKey2 = keyringFromKeys([{ keyId: 2, key: KEY_B }]);
    const signedWith1 = encodeHeartbeat(sampleHeartbeat(), RING_A.signing);
    expect(rejectOf(decodeHeartbeat(signedWith1, onlyKey2))).toBe('unknown-key');
  });

  it('the same key id with different key material is bad-mac', () => {
    const otherKey1 = keyringFromKeys([{ keyId: 1, key: KEY_B }]);
    const signedWith1 = encodeHeartbeat(sampleHeartbeat(), RING_A.signing);
    expect(rejectOf(decodeHeartbeat(signedWith1, otherKey1))).toBe('bad-mac');
  });
});
