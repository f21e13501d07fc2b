// A minimal protobuf writer: just the wire types Sparkplug B metrics use.
// Written here rather than pulled from a library so the codec has no runtime
// dependency and its bytes are checked against an independent decoder in tests.

import { WireType } from './types';

export class ProtoWriter {
  private buf: Uint8Array;
  private len = 0;

  constructor(initialBytes = 64) {
    this.buf = new Uint8Array(initialBytes);
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** Unsigned varint of a non-negative safe integer or a bigint in [0, 2^64). */
  varint(value: number | bigint): this {
    let v = typeof value === 'bigint' ? BigInt.asUintN(64, value) : BigInt(value);
    this.reserve(10);
    while (v >= 0x80n) {
      this.buf[this.len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.len++] = Number(v);
    return this;
  }

  tag(field: number, wireType: number): this {
    return this.varint(field * 8 + wireType);
  }

  uint(field: number, value: number | bigint): this {
    return this.tag(field, WireType.varint).varint(value);
  }

  bool(field: number, value: boolean): this {
    return this.tag(field, WireType.varint).varint(value ? 1 : 0);
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WireType.len).varint(value.length);
    this.reserve(value.length);
    this.buf.set(value, this.len);
    this.len += value.length;
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, Buffer.from(value, 'utf8'));
  }

  float(field: number, value: number): this {
    this.tag(field, WireType.fixed32);
    this.reserve(4);
    new DataView(this.buf.buffer, this.buf.byteOffset).setFloat32(this.len, value, true);
    this.len += 4;
    return this;
  }

  double(field: number, value: number): this {
    this.tag(field, WireType.fixed64);
    this.reserve(8);
    new DataView(this.buf.buffer, this.buf.byteOffset).setFloat64(this.len, value, true);
    this.len += 8;
    return this;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}
