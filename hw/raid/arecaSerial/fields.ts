// Struct layouts for the Areca info replies. A layout names, for each field of
// a decoded struct, where it sits and how it is stored; decoding and encoding
// both walk the same layout, so a field's offset and width are written once
// and the decoder and encoder cannot drift apart. `Layout<T>` must cover every
// field of T, so the compiler catches a field given no place in the struct.
// Fields never throw: callers check the body's length (needBytes) first, and
// the writers clamp what does not fit.

import {
  needBytes,
  readIp,
  readMac,
  readScsiAttr,
  readText,
  readU32,
  readU64Pair,
  writeIp,
  writeMac,
  writeScsiAttr,
  writeText,
  writeU32,
  writeU64Pair,
  writeU8,
  type ArecaScsiAttr,
  type Decoded,
} from './bytes';

/** One field of a packed struct: read from a reply body, written into a struct buffer. */
export interface Field<T> {
  read(data: Uint8Array): T;
  write(buf: Buffer, value: T): void;
}

/** Where every field of T sits in its struct. */
export type Layout<T> = { readonly [K in keyof T]-?: Field<T[K]> };

/** Fixed-width Latin-1 text, NUL padded (see readText/writeText). */
export function text(offset: number, width: number): Field<string> {
  return { read: (d) => readText(d, offset, width), write: (b, v) => writeText(b, offset, width, v) };
}

export function u8(offset: number): Field<number> {
  return { read: (d) => d[offset], write: (b, v) => writeU8(b, offset, v) };
}

/** A byte where `none` means "no value" (e.g. 0xFF for "in no raid set"). */
export function u8OrNull(offset: number, none: number): Field<number | null> {
  return {
    read: (d) => (d[offset] === none ? null : d[offset]),
    write: (b, v) => writeU8(b, offset, v ?? none),
  };
}

export function u32(offset: number): Field<number> {
  return { read: (d) => readU32(d, offset), write: (b, v) => writeU32(b, offset, v) };
}

/** `count` DWORDs in a row; extra values are not written, missing ones stay 0. */
export function u32Array(offset: number, count: number): Field<number[]> {
  return {
    read: (d) => Array.from({ length: count }, (_, i) => readU32(d, offset + 4 * i)),
    write: (b, v) => v.slice(0, count).forEach((x, i) => writeU32(b, offset + 4 * i, x)),
  };
}

/** A low DWORD then its high "X" DWORD, as one number. */
export function u64Pair(offset: number): Field<number> {
  return { read: (d) => readU64Pair(d, offset), write: (b, v) => writeU64Pair(b, offset, v) };
}

export function ip(offset: number): Field<string> {
  return { read: (d) => readIp(d, offset), write: (b, v) => writeIp(b, offset, v) };
}

export function mac(offset: number): Field<string> {
  return { read: (d) => readMac(d, offset), write: (b, v) => writeMac(b, offset, v) };
}

export function scsiAttr(offset: number): Field<ArecaScsiAttr> {
  return { read: (d) => readScsiAttr(d, offset), write: (b, v) => writeScsiAttr(b, offset, v) };
}

/** Every field of the layout, read from a body already checked to be long enough. */
export function readLayout<T>(data: Uint8Array, layout: Layout<T>): T {
  const out = {} as T;
  for (const key of Object.keys(layout) as (keyof T)[]) out[key] = layout[key].read(data);
  return out;
}

export function writeLayout<T>(buf: Buffer, layout: Layout<T>, value: T): void {
  for (const key of Object.keys(layout) as (keyof T)[]) layout[key].write(buf, value[key]);
}

/** A whole struct: its name in the spec (for error messages), its size and where its fields sit. */
export interface StructSpec<T> {
  name: string;
  bytes: number;
  layout: Layout<T>;
}

/** The struct from a reply body, or an error naming both sizes when the body is too short. */
export function decodeStruct<T>(data: Uint8Array, spec: StructSpec<T>): Decoded<T> {
  const short = needBytes(data, spec.bytes, spec.name);
  return short === null ? { ok: true, value: readLayout(data, spec.layout) } : { ok: false, error: short };
}

/** The struct's bytes at its full size; unused and reserved bytes stay 0. */
export function encodeStruct<T>(spec: StructSpec<T>, value: T): Buffer {
  const buf = Buffer.alloc(spec.bytes);
  writeLayout(buf, spec.layout, value);
  return buf;
}
