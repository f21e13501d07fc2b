// Byte-in, frame-out transformer for the Areca serial API (reference §8.1,
// §13). It knows the framing only, not the messages: it finds `5E 01 61`,
// reads the little-endian LEN, waits for LEN + 1 more bytes and checks the
// additive checksum. After garbage, a bad LEN or a bad checksum it drops one
// byte and searches again, so a good frame that starts inside rejected bytes
// is still found. It keeps at most one incomplete frame (≤ 2045 bytes); when
// the caller says the line went idle, an incomplete frame is given up.
// Nothing here throws, reads a clock or does I/O.

import { ARECA_HEADER, ARECA_MAX_LENGTH } from './constants';
import { arecaChecksum, hex } from './frame';

export type ArecaDiscardReason = 'garbage' | 'bad-length' | 'bad-checksum' | 'truncated';

export type ArecaFramerEvent =
  | { kind: 'frame'; /** CMD or STATUS byte followed by DATA: LEN bytes. */ body: Buffer }
  | { kind: 'discard'; reason: ArecaDiscardReason; /** Bytes dropped by this event. */ bytes: number; message: string };

const HEADER_BYTES = ARECA_HEADER.length;
/** Header + LEN: the bytes needed before LEN can be read. */
const PREFIX_BYTES = HEADER_BYTES + 2;

export class ArecaFramer {
  private buffer: Buffer = Buffer.alloc(0);

  /** Bytes held while waiting for the rest of a frame (or of a split header). */
  get bufferedBytes(): number {
    return this.buffer.length;
  }

  /** Feed received bytes; returns the frames and discards they complete, in stream order. */
  push(chunk: Uint8Array): ArecaFramerEvent[] {
    if (chunk.length === 0) return [];
    this.buffer = this.buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buffer, chunk]);
    return this.scan();
  }

  /**
   * The line has been quiet for longer than the inter-byte timeout: a frame
   * still incomplete will not be finished. Drop its first byte and search the
   * rest, repeatedly, so a good frame hidden behind a bogus LEN is delivered.
   * Leaves the buffer empty.
   */
  lineIdle(): ArecaFramerEvent[] {
    const events: ArecaFramerEvent[] = [];
    while (this.buffer.length > 0) {
      if (this.buffer.length >= HEADER_BYTES && this.buffer.subarray(0, HEADER_BYTES).equals(ARECA_HEADER)) {
        events.push({ kind: 'discard', reason: 'truncated', bytes: 1, message: this.describeTruncated() });
        this.buffer = this.buffer.subarray(1);
        events.push(...this.scan());
      } else {
        const bytes = this.buffer.length;
        events.push({ kind: 'discard', reason: 'garbage', bytes, message: `line went idle after ${bytes} byte(s) of a split header` });
        this.buffer = Buffer.alloc(0);
      }
    }
    return events;
  }

  /** Forget everything buffered (e.g. after the port was reopened). Returns the bytes dropped. */
  reset(): number {
    const dropped = this.buffer.length;
    this.buffer = Buffer.alloc(0);
    return dropped;
  }

  private describeTruncated(): string {
    const have = this.buffer.length;
    if (have < PREFIX_BYTES) return `line went idle inside a frame header (${have} bytes: ${hex(this.buffer)})`;
    const len = this.buffer.readUInt16LE(HEADER_BYTES);
    return `line went idle inside a frame: LEN ${len} needs ${len + PREFIX_BYTES + 1} bytes, only ${have} arrived`;
  }

  private scan(): ArecaFramerEvent[] {
    const buf = this.buffer;
    const events: ArecaFramerEvent[] = [];
    let pos = 0;
    let garbage = 0;
    const flushGarbage = (): void => {
      if (garbage === 0) return;
      events.push({ kind: 'discard', reason: 'garbage', bytes: garbage, message: `skipped ${garbage} byte(s) before a 5E 01 61 header` });
      garbage = 0;
    };
    while (pos < buf.length) {
      const start = buf.indexOf(ARECA_HEADER, pos);
      if (start < 0) {
        const keep = partialHeaderAtEnd(buf, pos);
        garbage += buf.length - pos - keep;
        pos = buf.length - keep;
        break;
      }
      garbage += start - pos;
      pos = start;
      if (buf.length - pos < PREFIX_BYTES) break;
      const len = buf.readUInt16LE(pos + HEADER_BYTES);
      if (len === 0 || len > ARECA_MAX_LENGTH) {
        flushGarbage();
        events.push({ kind: 'discard', reason: 'bad-length', bytes: 1, message: `header with LEN ${len} (must be 1..${ARECA_MAX_LENGTH}); resynchronising` });
        pos += 1;
        continue;
      }
      const end = pos + PREFIX_BYTES + len; // index of the checksum byte
      if (end >= buf.length) break;
      const body = buf.subarray(pos + PREFIX_BYTES, end);
      const expected = arecaChecksum(body);
      if (buf[end] !== expected) {
        flushGarbage();
        const message = `frame with LEN ${len} has checksum 0x${hex(buf.subarray(end, end + 1))}, expected 0x${hex(Uint8Array.of(expected))}; resynchronising`;
        events.push({ kind: 'discard', reason: 'bad-checksum', bytes: 1, message });
        pos += 1;
        continue;
      }
      flushGarbage();
      events.push({ kind: 'frame', body: Buffer.from(body) });
      pos = end + 1;
    }
    flushGarbage();
    // Copy so the retained bytes do not pin a large chunk the caller passed in.
    this.buffer = Buffer.from(buf.subarray(pos));
    return events;
  }
}

/** 1 or 2 if the buffer ends with the start of a header (5E, or 5E 01), else 0. */
function partialHeaderAtEnd(buf: Buffer, from: number): number {
  const n = buf.length;
  if (n - from >= 2 && buf[n - 2] === ARECA_HEADER[0] && buf[n - 1] === ARECA_HEADER[1]) return 2;
  if (n - from >= 1 && buf[n - 1] === ARECA_HEADER[0]) return 1;
  return 0;
}
