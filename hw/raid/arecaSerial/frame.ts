// Building one Areca frame: 5E 01 61 | LEN_lo LEN_hi | body | CKSUM, where
// CKSUM is the low 8 bits of the sum of LEN_lo, LEN_hi and every body byte
// (reference §8.1). The same framing carries requests and replies.

import { ARECA_HEADER, ARECA_MAX_LENGTH } from './constants';

/** Low 8 bits of LEN_lo + LEN_hi + body bytes. */
export function arecaChecksum(body: Uint8Array): number {
  let sum = (body.length & 0xff) + ((body.length >> 8) & 0xff);
  for (const byte of body) sum += byte;
  return sum & 0xff;
}

/**
 * Frame a body (command or status byte followed by data). The body comes
 * from our own encoders, so a length outside 1..2040 is a programming error
 * and throws a RangeError naming the length.
 */
export function encodeFrame(body: Uint8Array): Buffer {
  if (body.length < 1 || body.length > ARECA_MAX_LENGTH) {
    throw new RangeError(`Areca frame body must be 1..${ARECA_MAX_LENGTH} bytes, got ${body.length}`);
  }
  const frame = Buffer.alloc(ARECA_HEADER.length + 2 + body.length + 1);
  ARECA_HEADER.copy(frame, 0);
  frame.writeUInt16LE(body.length, 3);
  frame.set(body, 5);
  frame[frame.length - 1] = arecaChecksum(body);
  return frame;
}

/** Hex dump for logs and error messages: `5E 01 61 01 00 13 14`. */
export function hex(bytes: Uint8Array, maxBytes = 32): string {
  const shown = Array.from(bytes.subarray(0, maxBytes), (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
  return bytes.length > maxBytes ? `${shown} … (${bytes.length} bytes)` : shown;
}
