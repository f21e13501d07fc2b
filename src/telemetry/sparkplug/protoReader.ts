// A bounded protobuf reader. It never throws: every read returns a value or
// sets `error`, and callers stop at the first error. Used to decode NCMD
// payloads that arrive from the network, so nothing here trusts a length.

import { WireType } from './types';

export interface Field {
  field: number;
  wireType: number;
  /** varint: the value; fixed32/fixed64: the raw little-endian bytes; len: the bytes. */
  varint?: bigint;
  bytes?: Uint8Array;
}

export class ProtoReader {
  private pos = 0;
  error: string | null = null;

  constructor(private readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.error !== null || this.pos >= this.buf.length;
  }

  private fail(message: string): null {
    if (this.error === null) this.error = `${message} at byte ${this.pos}`;
    return null;
  }

  readVarint(): bigint | null {
    let result = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) return this.fail('truncated varint');
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << BigInt(7 * i);
      if ((b & 0x80) === 0) return BigInt.asUintN(64, result);
    }
    return this.fail('varint longer than 10 bytes');
  }

  private take(n: number): Uint8Array | null {
    if (n > this.buf.length - this.pos) return this.fail(`field of ${n} bytes runs past the end`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Next field, or null at the end or on error (check `error`). */
  next(): Field | null {
    if (this.done) return null;
    const key = this.readVarint();
    if (key === null) return null;
    const field = Number(key >> 3n);
    const wireType = Number(key & 7n);
    if (field === 0) return this.fail('field number 0');
    switch (wireType) {
      case WireType.varint: {
        const v = this.readVarint();
        return v === null ? null : { field, wireType, varint: v };
      }
      case WireType.fixed64: {
        const b = this.take(8);
        return b === null ? null : { field, wireType, bytes: b };
      }
      case WireType.fixed32: {
        const b = this.take(4);
        return b === null ? null : { field, wireType, bytes: b };
      }
      case WireType.len: {
        const n = this.readVarint();
        if (n === null) return null;
        if (n > BigInt(this.buf.length)) return this.fail(`length ${n} exceeds the payload`);
        const b = this.take(Number(n));
        return b === null ? null : { field, wireType, bytes: b };
      }
      default:
        return this.fail(`unsupported wire type ${wireType} for field ${field}`);
    }
  }
}
