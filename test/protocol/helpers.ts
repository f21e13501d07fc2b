// Shared fixtures for the protocol tests: fixed keys, a heartbeat arbitrary,
// and a re-signer to craft datagrams whose MAC is valid but whose body is not.

import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { HB_FLAGS_KNOWN, HEALTH_LEVELS, RESOURCE_STATES, ROLES, type Heartbeat } from '../../src/core/types';
import { keyringFromKeys, type Keyring } from '../../src/protocol/keyring';

export const KEY_A = Buffer.alloc(32, 0xa1);
export const KEY_B = Buffer.alloc(48, 0xb2);
/** Signs with key 1, also verifies key 2. */
export const RING_A: Keyring = keyringFromKeys([
  { keyId: 1, key: KEY_A },
  { keyId: 2, key: KEY_B },
]);
/** The same two keys after rotation: key 2 signs. */
export const RING_B: Keyring = keyringFromKeys([
  { keyId: 2, key: KEY_B },
  { keyId: 1, key: KEY_A },
]);

export function sampleHeartbeat(overrides: Partial<Heartbeat> = {}): Heartbeat {
  return {
    clusterId: 'plant-7',
    nodeId: 'edge-b',
    incarnation: 1_700_000_000,
    seq: 42,
    pathId: 0,
    role: 'standby',
    epoch: 3,
    resource: 'stopped',
    health: 'ok',
    priority: 100,
    flags: 0x20,
    txTimeMs: 123_456,
    echoTxTimeMs: 123_400,
    echoHoldMs: 12,
    peerIncarnation: 1_699_999_000,
    ...overrides,
  };
}

const ID_FIRST = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'.split('');
const ID_REST = [...ID_FIRST, '.', '_', '-'];

export const idArb: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...ID_FIRST), fc.array(fc.constantFrom(...ID_REST), { maxLength: 63 }))
  .map(([first, rest]) => first + rest.join(''));

const u32 = fc.integer({ min: 0, max: 0xffffffff });

export const heartbeatArb: fc.Arbitrary<Heartbeat> = fc.record({
  clusterId: idArb,
  nodeId: idArb,
  incarnation: u32,
  seq: fc.oneof(fc.nat(), fc.maxSafeNat(), fc.constant(Number.MAX_SAFE_INTEGER)),
  pathId: fc.integer({ min: 0, max: 255 }),
  role: fc.constantFrom(...ROLES),
  epoch: u32,
  resource: fc.constantFrom(...RESOURCE_STATES),
  health: fc.constantFrom(...HEALTH_LEVELS),
  priority: fc.integer({ min: 0, max: 0xffff }),
  flags: fc.integer({ min: 0, max: HB_FLAGS_KNOWN }),
  txTimeMs: u32,
  echoTxTimeMs: u32,
  echoHoldMs: fc.integer({ min: 0, max: 0xffff }),
  peerIncarnation: u32,
});

/** Replaces the trailing MAC with a valid HMAC of the preceding bytes, as a key holder could. */
export function resign(datagram: Uint8Array, key: Buffer): Buffer {
  const buf = Buffer.from(datagram);
  const macOff = buf.length - 32;
  createHmac('sha256', key).update(buf.subarray(0, macOff)).digest().copy(buf, macOff);
  return buf;
}

/** Copy of `datagram` with one byte changed, then re-signed with `key`. */
export function patched(datagram: Uint8Array, offset: number, value: number, key: Buffer = KEY_A): Buffer {
  const buf = Buffer.from(datagram);
  buf[offset] = value;
  return resign(buf, key);
}
