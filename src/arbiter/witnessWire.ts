// Wire format v1 of the witness protocol: one UDP datagram per request and
// per answer, big-endian, HMAC-SHA256 trailer over every byte before it.
//
//   0  u16 magic 0x4557 ("EW")      6  16-byte nonce
//   2  u8  version 1                22 u32+u32 timestamp, wall-clock ms since the epoch
//   3  u8  type                     30 u8 length + clusterId, u8 length + nodeId
//   4  u8  key id                   .. body (by type, below)
//   5  u8  reserved, 0              .. 32-byte HMAC-SHA256
//
// Types: 0x01 claim, 0x02 release (empty bodies); answers 0x81 granted
// (u32 leaseMs, u8 length + previous holder), 0x82 refused (u8 code,
// u32 retryAfterMs, u8 length + holder, u8 length + text), 0x83 released
// (u8 wasHolder). An answer echoes the request's nonce, cluster and node, so
// it is bound to exactly one request: an old answer cannot be replayed.
// Requests and answers have distinct types inside the MAC, so one cannot be
// reflected as the other. Decode never throws and reads nothing but the header
// before the MAC has been verified.

import { createHmac, timingSafeEqual } from 'node:crypto';
import { ID_PATTERN } from '../protocol/heartbeatCodec';
import type { Keyring, SigningKey } from '../protocol/keyring';

export const WITNESS_MAGIC = 0x4557;
export const WITNESS_VERSION = 1;
export const NONCE_BYTES = 16;
const MAC_BYTES = 32;
const ID_MAX_BYTES = 64;
/** Refusal texts are short ASCII lines; longer ones are cut by the encoder. */
export const TEXT_MAX_BYTES = 200;
/** Above this a datagram is rejected unread. */
export const WITNESS_MAX_DATAGRAM_BYTES = 600;
const OFF_IDS = 30;
const MIN_BYTES = OFF_IDS + 2 + 2 + MAC_BYTES;
const TWO_POW_32 = 0x1_0000_0000;
const U32_MAX = 0xffffffff;

const TYPE_CODE = { claim: 0x01, release: 0x02, granted: 0x81, refused: 0x82, released: 0x83 } as const;
export type WitnessKind = keyof typeof TYPE_CODE;

/** Why a witness refused; `text` carries the human explanation. */
export const REFUSAL_CODES = ['held', 'restart-hold', 'stale', 'replay', 'wrong-cluster', 'capacity', 'internal'] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

interface Common {
  clusterId: string;
  nodeId: string;
  nonce: Buffer;
  timestampMs: number;
}
export type WitnessRequest = Common & { kind: 'claim' | 'release' };
export type WitnessAnswer =
  | (Common & { kind: 'granted'; leaseMs: number; previousHolder: string | null })
  | (Common & { kind: 'refused'; code: RefusalCode; retryAfterMs: number; holder: string | null; text: string })
  | (Common & { kind: 'released'; wasHolder: boolean });
export type WitnessMessage = WitnessRequest | WitnessAnswer;

export type WireReject = 'truncated' | 'oversized' | 'bad-magic' | 'unknown-version' | 'unknown-type' | 'unknown-key' | 'bad-mac' | 'malformed';
export type WitnessDecodeResult = { ok: true; msg: WitnessMessage; keyId: number } | { ok: false; reason: WireReject; detail: string };

export function isRequest(msg: WitnessMessage): msg is WitnessRequest {
  return msg.kind === 'claim' || msg.kind === 'release';
}

// ---------------------------------------------------------------- encode

/** Serialises and signs one message. Throws RangeError on a value our own code should never build. */
export function encodeWitnessMessage(msg: WitnessMessage, key: SigningKey): Buffer {
  if (msg.nonce.length !== NONCE_BYTES) throw new RangeError(`encodeWitnessMessage: nonce has ${msg.nonce.length} bytes; expected ${NONCE_BYTES}`);
  if (!Number.isSafeInteger(msg.timestampMs) || msg.timestampMs < 0) {
    throw new RangeError(`encodeWitnessMessage: timestampMs ${msg.timestampMs} is not a non-negative safe integer`);
  }
  const parts: Buffer[] = [];
  const head = Buffer.alloc(OFF_IDS);
  head.writeUInt16BE(WITNESS_MAGIC, 0);
  head[2] = WITNESS_VERSION;
  head[3] = TYPE_CODE[msg.kind];
  head[4] = key.keyId;
  msg.nonce.copy(head, 6);
  head.writeUInt32BE(Math.floor(msg.timestampMs / TWO_POW_32), 22);
  head.writeUInt32BE(msg.timestampMs >>> 0, 26);
  parts.push(head, idField('clusterId', msg.clusterId), idField('nodeId', msg.nodeId), body(msg));
  const signed = Buffer.concat(parts);
  return Buffer.concat([signed, createHmac('sha256', key.key).update(signed).digest()]);
}

function body(msg: WitnessMessage): Buffer {
  switch (msg.kind) {
    case 'claim':
    case 'release':
      return Buffer.alloc(0);
    case 'granted':
      return Buffer.concat([u32('leaseMs', msg.leaseMs), optionalId('previousHolder', msg.previousHolder)]);
    case 'refused':
      return Buffer.concat([
        Buffer.from([REFUSAL_CODES.indexOf(msg.code) + 1]),
        u32('retryAfterMs', Math.min(U32_MAX, Math.max(0, Math.ceil(msg.retryAfterMs)))),
        optionalId('holder', msg.holder),
        textField(msg.text),
      ]);
    case 'released':
      return Buffer.from([msg.wasHolder ? 1 : 0]);
  }
}

function idField(name: string, id: string): Buffer {
  if (!ID_PATTERN.test(id)) throw new RangeError(`encodeWitnessMessage: ${name} ${JSON.stringify(id)} does not match ${ID_PATTERN}`);
  return Buffer.concat([Buffer.from([id.length]), Buffer.from(id, 'latin1')]);
}

function optionalId(name: string, id: string | null): Buffer {
  return id === null ? Buffer.from([0]) : idField(name, id);
}

function u32(name: string, value: number): Buffer {
  if (!Number.isInteger(value) || value < 0 || value > U32_MAX) throw new RangeError(`encodeWitnessMessage: ${name} ${value} is not a u32`);
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value, 0);
  return b;
}

/** Printable ASCII only, cut to TEXT_MAX_BYTES: the text ends up in the node's log. */
function textField(text: string): Buffer {
  const clean = text.replace(/[^\x20-\x7e]/g, '?').slice(0, TEXT_MAX_BYTES);
  return Buffer.concat([Buffer.from([clean.length]), Buffer.from(clean, 'latin1')]);
}

// ---------------------------------------------------------------- decode

/** Authenticates and parses one datagram. Never throws. */
export function decodeWitnessMessage(buf: Uint8Array, keyring: Keyring): WitnessDecodeResult {
  const n = buf.length;
  if (n < MIN_BYTES) return reject('truncated', `datagram is ${n} bytes; a witness message has at least ${MIN_BYTES}`);
  if (n > WITNESS_MAX_DATAGRAM_BYTES) return reject('oversized', `datagram is ${n} bytes; the limit is ${WITNESS_MAX_DATAGRAM_BYTES}`);
  const magic = (buf[0]! << 8) | buf[1]!;
  if (magic !== WITNESS_MAGIC) return reject('bad-magic', `magic 0x${magic.toString(16).padStart(4, '0')}; expected 0x4557 ("EW")`);
  if (buf[2] !== WITNESS_VERSION) return reject('unknown-version', `version ${buf[2]}; this build speaks version ${WITNESS_VERSION}`);
  const kind = kindOf(buf[3]!);
  if (kind === null) return reject('unknown-type', `message type 0x${buf[3]!.toString(16)} is not claim, release, granted, refused or released`);
  const keyId = buf[4]!;
  const key = keyring.keys.get(keyId);
  if (key === undefined) return reject('unknown-key', `key id ${keyId} is not in the key file (it has ${[...keyring.keys.keys()].join(', ')})`);
  const macOff = n - MAC_BYTES;
  const expected = createHmac('sha256', key).update(buf.subarray(0, macOff)).digest();
  if (!timingSafeEqual(expected, buf.subarray(macOff))) {
    return reject('bad-mac', `HMAC-SHA256 with key id ${keyId} does not match (different key, or the datagram was altered)`);
  }
  const parsed = parseAuthenticated(Buffer.from(buf.buffer, buf.byteOffset, macOff), kind);
  return typeof parsed === 'string' ? reject('malformed', parsed) : { ok: true, msg: parsed, keyId };
}

function kindOf(code: number): WitnessKind | null {
  for (const [kind, c] of Object.entries(TYPE_CODE)) if (c === code) return kind as WitnessKind;
  return null;
}

/** A cursor over authenticated bytes; each read returns null past the end. */
class Reader {
  pos = OFF_IDS;
  constructor(private readonly buf: Buffer) {}
  u8(): number | null {
    return this.pos < this.buf.length ? this.buf[this.pos++]! : null;
  }
  u32(): number | null {
    if (this.pos + 4 > this.buf.length) return null;
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  bytes(len: number): string | null {
    if (this.pos + len > this.buf.length) return null;
    const s = this.buf.toString('latin1', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }
  rest(): number {
    return this.buf.length - this.pos;
  }
}

/** Returns the message, or a string naming what is wrong. */
function parseAuthenticated(buf: Buffer, kind: WitnessKind): WitnessMessage | string {
  if (buf[5] !== 0) return `reserved byte is 0x${buf[5]!.toString(16)}; expected 0`;
  const high = buf.readUInt32BE(22);
  if (high > 0x1fffff) return `timestamp high word 0x${high.toString(16)} exceeds Number.MAX_SAFE_INTEGER`;
  const r = new Reader(buf);
  const clusterId = readId(r, 'clusterId', false);
  if (typeof clusterId !== 'object') return clusterId;
  const nodeId = readId(r, 'nodeId', false);
  if (typeof nodeId !== 'object') return nodeId;
  const common: Common = {
    clusterId: clusterId.id!,
    nodeId: nodeId.id!,
    nonce: Buffer.from(buf.subarray(6, 6 + NONCE_BYTES)),
    timestampMs: high * TWO_POW_32 + buf.readUInt32BE(26),
  };
  const msg = parseBody(r, kind, common);
  if (typeof msg === 'string') return msg;
  return r.rest() === 0 ? msg : `${r.rest()} trailing bytes before the MAC`;
}

function parseBody(r: Reader, kind: WitnessKind, common: Common): WitnessMessage | string {
  switch (kind) {
    case 'claim':
    case 'release':
      return { ...common, kind };
    case 'granted': {
      const leaseMs = r.u32();
      if (leaseMs === null) return 'granted answer ends before its leaseMs';
      const prev = readId(r, 'previousHolder', true);
      return typeof prev === 'object' ? { ...common, kind, leaseMs, previousHolder: prev.id } : prev;
    }
    case 'refused':
      return parseRefused(r, common);
    case 'released': {
      const held = r.u8();
      if (held === null || held > 1) return `released answer has wasHolder ${held}; expected 0 or 1`;
      return { ...common, kind, wasHolder: held === 1 };
    }
  }
}

function parseRefused(r: Reader, common: Common): WitnessMessage | string {
  const codeByte = r.u8();
  const code = codeByte === null ? undefined : REFUSAL_CODES[codeByte - 1];
  if (code === undefined) return `refusal code ${codeByte}; expected 1..${REFUSAL_CODES.length}`;
  const retryAfterMs = r.u32();
  if (retryAfterMs === null) return 'refused answer ends before its retryAfterMs';
  const holder = readId(r, 'holder', true);
  if (typeof holder !== 'object') return holder;
  const len = r.u8();
  const text = len === null ? null : r.bytes(len);
  if (text === null) return 'refused answer ends inside its text';
  if (!/^[\x20-\x7e]*$/.test(text)) return 'refusal text has bytes outside printable ASCII';
  return { ...common, kind: 'refused', code, retryAfterMs, holder: holder.id, text };
}

/** An id field; with `optional`, length 0 means none. Returns an object, or a problem string. */
function readId(r: Reader, name: string, optional: boolean): { id: string | null } | string {
  const len = r.u8();
  if (len === null) return `message ends before ${name}`;
  if (len === 0 && optional) return { id: null };
  if (len < 1 || len > ID_MAX_BYTES) return `${name} length ${len}; expected 1..${ID_MAX_BYTES}`;
  const id = r.bytes(len);
  if (id === null) return `${name} length ${len} runs into the MAC`;
  if (!ID_PATTERN.test(id)) return `${name} ${JSON.stringify(id)} does not match ${ID_PATTERN}`;
  return { id };
}

function reject(reason: WireReject, detail: string): WitnessDecodeResult {
  return { ok: false, reason, detail };
}
