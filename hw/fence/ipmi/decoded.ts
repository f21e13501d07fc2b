// The result type of every IPMI decoder: a value, or a typed error whose
// message names what was wrong. Decoders never throw, whatever the bytes.

export type IpmiErrorCode =
  | 'short'
  | 'bad-rmcp'
  | 'bad-length'
  | 'bad-checksum'
  | 'bad-auth-type'
  | 'bad-auth-code'
  | 'wrong-session'
  | 'bad-sequence'
  | 'unexpected-reply'
  | 'bad-field';

export interface IpmiDecodeError {
  code: IpmiErrorCode;
  message: string;
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: IpmiDecodeError };

export function ok<T>(value: T): Decoded<T> {
  return { ok: true, value };
}

export function fail(code: IpmiErrorCode, message: string): { ok: false; error: IpmiDecodeError } {
  return { ok: false, error: { code, message } };
}

/** `len` bytes needed for `what`, or null when `bytes` has them. */
export function shortOf(bytes: Uint8Array, len: number, what: string): { ok: false; error: IpmiDecodeError } | null {
  return bytes.length < len ? fail('short', `${what} is ${bytes.length} bytes; expected at least ${len}`) : null;
}

export function hex8(n: number): string {
  return `0x${n.toString(16).padStart(2, '0')}`;
}

export function hex32(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}

export function readU32LE(bytes: Uint8Array, at: number): number {
  return (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
}

export function u32LE(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}
