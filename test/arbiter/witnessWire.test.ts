import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { decodeWitnessMessage, encodeWitnessMessage, REFUSAL_CODES, type WitnessMessage } from '../../src/arbiter/witnessWire';
import { RING_OTHER, RING_W } from './helpers';

const id = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);
const common = fc.record({
  clusterId: id,
  nodeId: id,
  nonce: fc.uint8Array({ minLength: 16, maxLength: 16 }).map((u) => Buffer.from(u)),
  timestampMs: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
});
const message: fc.Arbitrary<WitnessMessage> = fc.oneof(
  common.chain((c) => fc.constantFrom('claim' as const, 'release' as const).map((kind) => ({ ...c, kind }))),
  common.chain((c) => fc.record({ leaseMs: fc.integer({ min: 0, max: 0xffffffff }), previousHolder: fc.option(id, { nil: null }) }).map((b) => ({ ...c, ...b, kind: 'granted' as const }))),
  common.chain((c) =>
    fc
      .record({
        code: fc.constantFrom(...REFUSAL_CODES),
        retryAfterMs: fc.integer({ min: 0, max: 0xffffffff }),
        holder: fc.option(id, { nil: null }),
        text: fc.stringMatching(/^[\x20-\x7e]{0,200}$/),
      })
      .map((b) => ({ ...c, ...b, kind: 'refused' as const })),
  ),
  common.chain((c) => fc.boolean().map((wasHolder) => ({ ...c, wasHolder, kind: 'released' as const }))),
);

function resign(buf: Buffer): Buffer {
  const body = buf.subarray(0, buf.length - 32);
  return Buffer.concat([body, createHmac('sha256', RING_W.signing.key).update(body).digest()]);
}

describe('witness wire format', () => {
  test('every message survives encode then decode unchanged', () => {
    fc.assert(
      fc.property(message, (msg) => {
        const dec = decodeWitnessMessage(encodeWitnessMessage(msg, RING_W.signing), RING_W);
        expect(dec).toEqual({ ok: true, msg, keyId: 1 });
      }),
    );
  });

  test('a message signed with another key is refused as bad-mac, naming the key id', () => {
    fc.assert(
      fc.property(message, (msg) => {
        const dec = decodeWitnessMessage(encodeWitnessMessage(msg, RING_OTHER.signing), RING_W);
        expect(dec).toMatchObject({ ok: false, reason: 'bad-mac' });
        expect(!dec.ok && dec.detail).toContain('key id 1');
      }),
    );
  });

  test('flipping any bit of a signed message makes it rejected', () => {
    fc.assert(
      fc.property(message, fc.nat(), fc.integer({ min: 0, max: 7 }), (msg, at, bit) => {
        const buf = encodeWitnessMessage(msg, RING_W.signing);
        buf[at % buf.length]! ^= 1 << bit;
        expect(decodeWitnessMessage(buf, RING_W).ok).toBe(false);
      }),
    );
  });

  test('arbitrary bytes never throw and never decode', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 700 }), (bytes) => {
        const dec = decodeWitnessMessage(bytes, RING_W);
        expect(dec.ok).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  test('well-signed garbage after a valid header is reported malformed, not thrown', () => {
    fc.assert(
      fc.property(message, fc.uint8Array({ maxLength: 300 }), (msg, tail) => {
        const good = encodeWitnessMessage(msg, RING_W.signing);
        const forged = resign(Buffer.concat([good.subarray(0, 30), Buffer.from(tail), Buffer.alloc(32)]));
        const dec = decodeWitnessMessage(forged, RING_W);
        if (dec.ok) expect(encodeWitnessMessage(dec.msg, RING_W.signing)).toEqual(forged);
        else expect(['malformed', 'truncated', 'oversized']).toContain(dec.reason);
      }),
      { numRuns: 1000 },
    );
  });

  test('rejects name what is wrong', () => {
    const msg: WitnessMessage = { kind: 'claim', clusterId: 'c', nodeId: 'n', nonce: Buffer.alloc(16), timestampMs: 5 };
    const good = encodeWitnessMessage(msg, RING_W.signing);
    expect(decodeWitnessMessage(good.subarray(0, 10), RING_W)).toMatchObject({ ok: false, reason: 'truncated' });
    expect(decodeWitnessMessage(Buffer.alloc(601), RING_W)).toMatchObject({ ok: false, reason: 'oversized' });
    const badType = Buffer.from(good);
    badType[3] = 0x07;
    expect(decodeWitnessMessage(badType, RING_W)).toMatchObject({ ok: false, reason: 'unknown-type' });
    const badKey = Buffer.from(good);
    badKey[4] = 9;
    expect(decodeWitnessMessage(badKey, RING_W)).toMatchObject({ ok: false, reason: 'unknown-key', detail: expect.stringContaining('key id 9') });
    const reserved = Buffer.from(good);
    reserved[5] = 1;
    expect(decodeWitnessMessage(resign(reserved), RING_W)).toMatchObject({ ok: false, reason: 'malformed', detail: expect.stringContaining('reserved') });
  });

  test('the encoder refuses what the wire cannot carry', () => {
    const base = { kind: 'claim' as const, clusterId: 'c', nodeId: 'n', nonce: Buffer.alloc(16), timestampMs: 5 };
    expect(() => encodeWitnessMessage({ ...base, nonce: Buffer.alloc(8) }, RING_W.signing)).toThrow(/nonce/);
    expect(() => encodeWitnessMessage({ ...base, nodeId: 'bad id' }, RING_W.signing)).toThrow(/nodeId/);
    expect(() => encodeWitnessMessage({ ...base, timestampMs: -1 }, RING_W.signing)).toThrow(/timestampMs/);
  });
});
