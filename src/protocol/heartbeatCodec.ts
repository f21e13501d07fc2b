// Wire format v1 of the authenticated heartbeat: one UDP datagram each,
// big-endian, HMAC-SHA256 trailer. Layout and checks: docs/heartbeat-protocol.md.
//
// Decode never throws and looks at no field beyond the header (magic, version,
// type, key id) until the MAC has been verified, so unauthenticated bytes can
// only ever produce a cheap, typed reject.

import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  HB_FLAGS_KNOWN,
  HEALTH_LEVELS,
  RESOURCE_STATES,
  ROLES,
  type Heartbeat,
} from '../core/types';
import type { Keyring, SigningKey } from './keyring';

/** Cluster and node ids; the config reuses it so every valid config id is encodable. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const HEARTBEAT_MAGIC = 0x4548; // "EH"
export const HEARTBEAT_VERSION = 1;
export const HEARTBEAT_TYPE = 1;
export const MAC_BYTES = 32;
const ID_MAX_BYTES = 64;

// Byte offsets of the fixed header.
const OFF_VERSION = 2;
const OFF_TYPE = 3;
const OFF_KEY_ID = 4;
const OFF_PATH_ID = 5;
const OFF_FLAGS = 6;
const OFF_ROLE = 7;
const OFF_RESOURCE = 8;
const OFF_HEALTH = 9;
const OFF_PRIORITY = 10;
const OFF_INCARNATION = 12;
const OFF_SEQ = 16;
const OFF_EPOCH = 24;
const OFF_TX_TIME = 28;
const OFF_ECHO_TX_TIME = 32;
const OFF_ECHO_HOLD = 36;
const OFF_PEER_INCARNATION = 38;
const OFF_IDS = 42;

/** Smallest valid datagram: 1-byte cluster id and node id. */
export const HEARTBEAT_MIN_BYTES = OFF_IDS + 1 + 1 + 1 + 1 + MAC_BYTES; // 78
/** Largest valid datagram: 64-byte ids. */
export const HEARTBEAT_MAX_BYTES = OFF_IDS + 1 + ID_MAX_BYTES + 1 + ID_MAX_BYTES + MAC_BYTES; // 204
/** Above this a datagram is rejected unread, whatever its content. */
export const MAX_DATAGRAM_BYTES = 512;

const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;
const TWO_POW_32 = 0x1_0000_0000;
/** High 32 bits of Number.MAX_SAFE_INTEGER (2^53 - 1). */
const SEQ_HIGH_MAX = 0x1fffff;

/** Every reason a datagram is dropped: decode's, then the receiver's. */
export type RejectReason =
  | 'truncated'
  | 'oversized'
  | 'bad-magic'
  | 'unknown-version'
  | 'unknown-type'
  | 'unknown-key'
  | 'bad-mac'
  | 'malformed'
  | 'wrong-cluster'
  | 'unknown-node'
  | 'wrong-path'
  | 'stale-incarnation'
  | 'replay';

/** In the order the checks run. */
export const REJECT_REASONS: readonly RejectReason[] = [
  'truncated',
  'oversized',
  'bad-magic',
  'unknown-version',
  'unknown-type',
  'unknown-key',
  'bad-mac',
  'malformed',
  'wrong-cluster',
  'unknown-node',
  'wrong-path',
  'stale-incarnation',
  'replay',
];

export type DecodeResult =
  | { ok: true; hb: Heartbeat; keyId: number }
  | { ok: false; reason: RejectReason; detail: string };

// ---------------------------------------------------------------- encode

/**
 * Serialises and signs one heartbeat. Throws RangeError on a value the wire
 * cannot carry: the heartbeat is built by our own core, so that is a bug.
 */
export function encodeHeartbeat(hb: Heartbeat, key: SigningKey): Buffer {
  checkUint('keyId', key.keyId, 255, 1);
  checkUint('pathId', hb.pathId, 255);
  checkUint('flags', hb.flags, 255);
  if ((hb.flags & ~HB_FLAGS_KNOWN) !== 0) {
    throw new RangeError(`encodeHeartbeat: flags 0x${hb.flags.toString(16)} has bits outside 0x${HB_FLAGS_KNOWN.toString(16)}`);
  }
  const role = enumIndex('role', ROLES, hb.role);
  const resource = enumIndex('resource', RESOURCE_STATES, hb.resource);
  const health = enumIndex('health', HEALTH_LEVELS, hb.health);
  checkUint('priority', hb.priority, U16_MAX);
  checkUint('incarnation', hb.incarnation, U32_MAX);
  checkUint('seq', hb.seq, Number.MAX_SAFE_INTEGER);
  checkUint('epoch', hb.epoch, U32_MAX);
  checkUint('txTimeMs', hb.txTimeMs, U32_MAX);
  checkUint('echoTxTimeMs', hb.echoTxTimeMs, U32_MAX);
  checkUint('echoHoldMs', hb.echoHoldMs, U16_MAX);
  checkUint('peerIncarnation', hb.peerIncarnation, U32_MAX);
  checkId('clusterId', hb.clusterId);
  checkId('nodeId', hb.nodeId);

  // ID_PATTERN is ASCII-only, so characters == UTF-8 bytes.
  const l1 = hb.clusterId.length;
  const l2 = hb.nodeId.length;
  const macOff = OFF_IDS + 1 + l1 + 1 + l2;
  // allocUnsafe is safe here: every byte below is written before the buffer leaves.
  const buf = Buffer.allocUnsafe(macOff + MAC_BYTES);
  buf.writeUInt16BE(HEARTBEAT_MAGIC, 0);
  buf[OFF_VERSION] = HEARTBEAT_VERSION;
  buf[OFF_TYPE] = HEARTBEAT_TYPE;
  buf[OFF_KEY_ID] = key.keyId;
  buf[OFF_PATH_ID] = hb.pathId;
  buf[OFF_FLAGS] = hb.flags;
  buf[OFF_ROLE] = role;
  buf[OFF_RESOURCE] = resource;
  buf[OFF_HEALTH] = health;
  buf.writeUInt16BE(hb.priority, OFF_PRIORITY);
  buf.writeUInt32BE(hb.incarnation, OFF_INCARNATION);
  buf.writeUInt32BE(Math.floor(hb.seq / TWO_POW_32), OFF_SEQ);
  buf.writeUInt32BE(hb.seq >>> 0, OFF_SEQ + 4);
  buf.writeUInt32BE(hb.epoch, OFF_EPOCH);
  buf.writeUInt32BE(hb.txTimeMs, OFF_TX_TIME);
  buf.writeUInt32BE(hb.echoTxTimeMs, OFF_ECHO_TX_TIME);
  buf.writeUInt16BE(hb.echoHoldMs, OFF_ECHO_HOLD);
  buf.writeUInt32BE(hb.peerIncarnation, OFF_PEER_INCARNATION);
  buf[OFF_IDS] = l1;
  buf.write(hb.clusterId, OFF_IDS + 1, l1, 'latin1');
  buf[OFF_IDS + 1 + l1] = l2;
  buf.write(hb.nodeId, OFF_IDS + 2 + l1, l2, 'latin1');
  createHmac('sha256', key.key).update(buf.subarray(0, macOff)).digest().copy(buf, macOff);
  return buf;
}

function checkUint(name: string, value: number, max: number, min = 0): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`encodeHeartbeat: ${name} ${value} is not an integer in ${min}..${max}`);
  }
}

function enumIndex<T>(name: string, values: readonly T[], value: T): number {
  const i = values.indexOf(value);
  if (i < 0) throw new RangeError(`encodeHeartbeat: ${name} ${JSON.stringify(value)} is not one of ${values.join(', ')}`);
  return i;
}

function checkId(name: string, value: string): void {
  if (typeof value !== 'string' || !ID_PATTERN.test(value)) {
    throw new RangeError(`encodeHeartbeat: ${name} ${JSON.stringify(value)} does not match ${ID_PATTERN}`);
  }
}

// ---------------------------------------------------------------- decode

/** Authenticates and parses one datagram. Never throws. */
export function decodeHeartbeat(buf: Uint8Array, keyring: Keyring): DecodeResult {
  const n = buf.length;
  if (n < HEARTBEAT_MIN_BYTES) return reject('truncated', `datagram is ${n} bytes; a heartbeat has at least ${HEARTBEAT_MIN_BYTES}`);
  if (n > MAX_DATAGRAM_BYTES) return reject('oversized', `datagram is ${n} bytes; the limit is ${MAX_DATAGRAM_BYTES}`);
  const magic = (buf[0]! << 8) | buf[1]!;
  if (magic !== HEARTBEAT_MAGIC) return reject('bad-magic', `magic 0x${hex(magic, 4)}; expected 0x4548 ("EH")`);
  const version = buf[OFF_VERSION]!;
  if (version !== HEARTBEAT_VERSION) return reject('unknown-version', `version ${version}; this build speaks version ${HEARTBEAT_VERSION}`);
  const type = buf[OFF_TYPE]!;
  if (type !== HEARTBEAT_TYPE) return reject('unknown-type', `message type ${type}; expected ${HEARTBEAT_TYPE} (heartbeat)`);
  const keyId = buf[OFF_KEY_ID]!;
  const key = keyring.keys.get(keyId);
  if (key === undefined) {
    return reject('unknown-key', `key id ${keyId} is not in the key file (it has ${[...keyring.keys.keys()].join(', ')})`);
  }
  const macOff = n - MAC_BYTES;
  const expected = createHmac('sha256', key).update(buf.subarray(0, macOff)).digest();
  if (!timingSafeEqual(expected, buf.subarray(macOff))) {
    return reject('bad-mac', `HMAC-SHA256 with key id ${keyId} does not match (different key, or the datagram was altered)`);
  }
  return parseAuthenticated(buf, macOff, keyId);
}

/** Field parsing; runs only on bytes whose MAC verified. */
function parseAuthenticated(buf: Uint8Array, macOff: number, keyId: number): DecodeResult {
  const flags = buf[OFF_FLAGS]!;
  if ((flags & ~HB_FLAGS_KNOWN) !== 0) {
    return reject('malformed', `flags 0x${hex(flags, 2)} has unknown bits 0x${hex(flags & ~HB_FLAGS_KNOWN, 2)}`);
  }
  const role = ROLES[buf[OFF_ROLE]!];
  if (role === undefined) return reject('malformed', `role index ${buf[OFF_ROLE]}; expected 0..${ROLES.length - 1}`);
  const resource = RESOURCE_STATES[buf[OFF_RESOURCE]!];
  if (resource === undefined) {
    return reject('malformed', `resource index ${buf[OFF_RESOURCE]}; expected 0..${RESOURCE_STATES.length - 1}`);
  }
  const health = HEALTH_LEVELS[buf[OFF_HEALTH]!];
  if (health === undefined) return reject('malformed', `health index ${buf[OFF_HEALTH]}; expected 0..${HEALTH_LEVELS.length - 1}`);
  const seqHigh = readU32(buf, OFF_SEQ);
  if (seqHigh > SEQ_HIGH_MAX) return reject('malformed', `seq high word 0x${hex(seqHigh, 8)} exceeds Number.MAX_SAFE_INTEGER`);

  const l1 = buf[OFF_IDS]!;
  const clusterStart = OFF_IDS + 1;
  const clusterEnd = clusterStart + l1;
  if (l1 < 1 || l1 > ID_MAX_BYTES) return reject('malformed', `clusterId length ${l1}; expected 1..${ID_MAX_BYTES}`);
  if (clusterEnd >= macOff) return reject('malformed', `clusterId length ${l1} leaves no room for nodeId before the MAC`);
  const l2 = buf[clusterEnd]!;
  const nodeStart = clusterEnd + 1;
  const nodeEnd = nodeStart + l2;
  if (l2 < 1 || l2 > ID_MAX_BYTES) return reject('malformed', `nodeId length ${l2}; expected 1..${ID_MAX_BYTES}`);
  if (nodeEnd > macOff) return reject('malformed', `nodeId length ${l2} runs ${nodeEnd - macOff} bytes into the MAC`);
  if (nodeEnd < macOff) return reject('malformed', `${macOff - nodeEnd} trailing bytes between nodeId and the MAC`);
  const clusterBad = idProblem(buf, clusterStart, clusterEnd);
  if (clusterBad !== null) return reject('malformed', `clusterId ${clusterBad}`);
  const nodeBad = idProblem(buf, nodeStart, nodeEnd);
  if (nodeBad !== null) return reject('malformed', `nodeId ${nodeBad}`);

  const text = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const hb: Heartbeat = {
    clusterId: text.toString('latin1', clusterStart, clusterEnd),
    nodeId: text.toString('latin1', nodeStart, nodeEnd),
    incarnation: readU32(buf, OFF_INCARNATION),
    seq: seqHigh * TWO_POW_32 + readU32(buf, OFF_SEQ + 4),
    pathId: buf[OFF_PATH_ID]!,
    role,
    epoch: readU32(buf, OFF_EPOCH),
    resource,
    health,
    priority: (buf[OFF_PRIORITY]! << 8) | buf[OFF_PRIORITY + 1]!,
    flags,
    txTimeMs: readU32(buf, OFF_TX_TIME),
    echoTxTimeMs: readU32(buf, OFF_ECHO_TX_TIME),
    echoHoldMs: (buf[OFF_ECHO_HOLD]! << 8) | buf[OFF_ECHO_HOLD + 1]!,
    peerIncarnation: readU32(buf, OFF_PEER_INCARNATION),
  };
  return { ok: true, hb, keyId };
}

/** Byte-level twin of ID_PATTERN (ASCII only, so no UTF-8 decode is needed to check it). */
function idProblem(buf: Uint8Array, start: number, end: number): string | null {
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    const alnum = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    if (alnum) continue;
    if (i === start) return `starts with byte 0x${hex(c, 2)}; expected a letter or digit`;
    if (c !== 0x2e && c !== 0x5f && c !== 0x2d) return `has byte 0x${hex(c, 2)} at position ${i - start}; expected [A-Za-z0-9._-]`;
  }
  return null;
}

function readU32(buf: Uint8Array, off: number): number {
  // Multiply, not shift: `<< 24` would make the result a negative int32.
  return buf[off]! * 0x100_0000 + ((buf[off + 1]! << 16) | (buf[off + 2]! << 8) | buf[off + 3]!);
}

function hex(value: number, digits: number): string {
  return value.toString(16).padStart(digits, '0');
}

function reject(reason: RejectReason, detail: string): DecodeResult {
  return { ok: false, reason, detail };
}
