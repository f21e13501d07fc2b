// Untrusted-input properties of the heartbeat path: nothing an attacker can put
// in a datagram makes decode throw, gets accepted without the key, or gets
// accepted twice. About 22k runs in total.

import fc from 'fast-check';
import { decodeHeartbeat, encodeHeartbeat, REJECT_REASONS } from '../../src/protocol/heartbeatCodec';
import { HeartbeatReceiver } from '../../src/protocol/receiver';
import { heartbeatArb, KEY_A, resign, RING_A, RING_B, sampleHeartbeat } from './helpers';

const REASONS = new Set<string>(REJECT_REASONS);

function expectRejected(buf: Uint8Array): string {
  const r = decodeHeartbeat(buf, RING_A);
  if (r.ok) throw new Error(`accepted ${Buffer.from(buf).toString('hex')}`);
  expect(REASONS.has(r.reason)).toBe(true);
  expect(r.detail.length).toBeGreaterThan(0);
  return r.reason;
}

describe('(a) arbitrary bytes', () => {
  it('never throw and never decode ok', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 600 }), (bytes) => {
        expectRejected(bytes);
      }),
      { numRuns: 8000 },
    );
  });

  it('behind a valid header (so they reach the MAC check) are bad-mac or a size reject', () => {
    const header = Uint8Array.of(0x45, 0x48, 1, 1, 1);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 595 }), (rest) => {
        const buf = new Uint8Array(header.length + rest.length);
        buf.set(header);
        buf.set(rest, header.length);
        expect(['truncated', 'oversized', 'bad-mac']).toContain(expectRejected(buf));
      }),
      { numRuns: 4000 },
    );
  });

  it('signed with a valid MAC (a buggy key holder) decode canonically or are malformed', () => {
    // Mutate bytes of a valid body, then re-sign: the decoder's field checks are all that stands
    // between these bytes and the core. Accepted ones must re-encode to exactly the same bytes.
    const mutation = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 });
    const seen = { ok: 0, malformed: 0 };
    fc.assert(
      fc.property(heartbeatArb, mutation, (hb, edits) => {
        const wire = Buffer.from(encodeHeartbeat(hb, RING_A.signing));
        const bodyLen = wire.length - 32;
        for (const [pos, value] of edits) wire[5 + (pos % (bodyLen - 5))] = value; // keep magic/version/type/keyId
        const signed = resign(wire, KEY_A);
        const r = decodeHeartbeat(signed, RING_A);
        if (r.ok) expect(encodeHeartbeat(r.hb, RING_A.signing).equals(signed)).toBe(true);
        else expect(r.reason).toBe('malformed');
        seen[r.ok ? 'ok' : 'malformed']++;
      }),
      { numRuns: 3000 },
    );
    // Both branches must have been exercised, or the property proved nothing.
    expect(seen.ok).toBeGreaterThan(300);
    expect(seen.malformed).toBeGreaterThan(300);
  });
});

describe('(b) damaged valid datagrams', () => {
  it('any single bit flip is rejected', () => {
    fc.assert(
      fc.property(heartbeatArb, fc.nat(), fc.boolean(), (hb, bitSeed, rotated) => {
        const wire = Buffer.from(encodeHeartbeat(hb, (rotated ? RING_B : RING_A).signing));
        const bit = bitSeed % (wire.length * 8);
        wire[bit >> 3] ^= 1 << (bit & 7);
        expectRejected(wire);
      }),
      { numRuns: 4000 },
    );
  });

  it('any truncation or extension is rejected', () => {
    fc.assert(
      fc.property(heartbeatArb, fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 40 }), (hb, cutSeed, extra) => {
        const wire = encodeHeartbeat(hb, RING_A.signing);
        expectRejected(wire.subarray(0, cutSeed % wire.length));
        expectRejected(Buffer.concat([wire, extra]));
      }),
      { numRuns: 2000 },
    );
  });
});

type Op =
  | { kind: 'send'; pathId: number; incarnation: number; seq: number }
  | { kind: 'replay'; index: number; onPath: number }
  | { kind: 'forge'; pathId: number; incarnation: number; seq: number; how: 'wrong-cluster' | 'bad-mac' | 'wrong-path' };

const PATHS = 3;
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('send' as const),
    pathId: fc.integer({ min: 0, max: PATHS - 1 }),
    incarnation: fc.integer({ min: 0, max: 3 }),
    seq: fc.integer({ min: 0, max: 12 }),
  }),
  fc.record({ kind: fc.constant('replay' as const), index: fc.nat(), onPath: fc.integer({ min: 0, max: PATHS - 1 }) }),
  fc.record({
    kind: fc.constant('forge' as const),
    pathId: fc.integer({ min: 0, max: PATHS - 1 }),
    incarnation: fc.integer({ min: 0, max: 5 }),
    seq: fc.integer({ min: 0, max: 100 }),
    how: fc.constantFrom('wrong-cluster' as const, 'bad-mac' as const, 'wrong-path' as const),
  }),
);

describe('(c) the receiver never accepts a replay', () => {
  it('accepts exactly the datagrams newer (incarnation, seq) than all before on their path', () => {
    const seen = { accepted: 0, replay: 0, stale: 0 };
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 40 }), (ops) => {
        const rx = new HeartbeatReceiver({ clusterId: 'plant-7', peerId: 'edge-b', nodeId: 'edge-a', keyring: RING_A });
        const newest = new Map<number, [number, number]>(); // model: path -> [incarnation, seq]
        const sent: Array<{ wire: Buffer; pathId: number }> = [];
        const acceptedWires = new Set<string>();
        let nowMs = 0;
        for (const op of ops) {
          nowMs += 20;
          let wire: Buffer;
          let arrivesOn: number;
          let genuine = true;
          if (op.kind === 'send' || op.kind === 'forge') {
            const hb = sampleHeartbeat({ pathId: op.pathId, incarnation: op.incarnation, seq: op.seq });
            arrivesOn = op.pathId;
            if (op.kind === 'forge') {
              genuine = false;
              if (op.how === 'wrong-cluster') hb.clusterId = 'plant-8';
              if (op.how === 'wrong-path') arrivesOn = (op.pathId + 1) % PATHS;
            }
            wire = encodeHeartbeat(hb, RING_A.signing);
            if (op.kind === 'forge' && op.how === 'bad-mac') wire[wire.length - 1] ^= 1;
            if (genuine) sent.push({ wire, pathId: op.pathId });
          } else {
            if (sent.length === 0) continue;
            const orig = sent[op.index % sent.length]!;
            wire = orig.wire;
            arrivesOn = op.onPath;
            genuine = orig.pathId === op.onPath;
          }
          const decoded = decodeHeartbeat(wire, RING_A);
          const hb = decoded.ok ? decoded.hb : null;
          const last = hb ? newest.get(hb.pathId) : undefined;
          const fresh =
            hb !== null && (last === undefined || hb.incarnation > last[0] || (hb.incarnation === last[0] && hb.seq > last[1]));
          const shouldAccept = genuine && fresh;
          const r = rx.receive(wire, arrivesOn, nowMs);
          expect(r.ok).toBe(shouldAccept);
          if (r.ok) {
            const key = wire.toString('hex');
            expect(acceptedWires.has(key)).toBe(false);
            acceptedWires.add(key);
            newest.set(r.hb.pathId, [r.hb.incarnation, r.hb.seq]);
          }
        }
        const counters = rx.counters();
        expect(counters.accepted).toBe(acceptedWires.size);
        seen.accepted += counters.accepted;
        seen.replay += counters.replay;
        seen.stale += counters['stale-incarnation'];
      }),
      { numRuns: 1000 },
    );
    expect(seen.accepted).toBeGreaterThan(1000);
    expect(seen.replay).toBeGreaterThan(200);
    expect(seen.stale).toBeGreaterThan(100);
  });
});
