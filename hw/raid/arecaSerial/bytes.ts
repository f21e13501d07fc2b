// Field helpers for the packed little-endian structs of the Areca API.

/** Result of decoding untrusted bytes: never a throw. */
export type Decoded<T> = { ok: true; value: T } | { ok: false; error: string };

/** Check a reply body is long enough for a struct before any field is read. */
export function needBytes(data: Uint8Array, size: number, what: string): string | null {
  return data.length >= size ? null : `${what} needs ${size} bytes, reply has ${data.length}`;
}

/** Fixed-width text: Latin-1, ends at the first NUL, trailing spaces trimmed. */
export function readText(data: Uint8Array, offset: number, width: number): string {
  const field = Buffer.from(data.buffer, data.byteOffset + offset, width);
  const nul = field.indexOf(0);
  return field.toString('latin1', 0, nul < 0 ? width : nul).replace(/ +$/, '');
}

/** Latin-1, cut to width, NUL padded (how the firmware pads is not documented; readers cope with both). */
export function writeText(buf: Buffer, offset: number, width: number, text: string): void {
  const bytes = Buffer.from(text, 'latin1').subarray(0, width);
  buf.fill(0, offset, offset + width);
  bytes.copy(buf, offset);
}

export function readU32(data: Uint8Array, offset: number): number {
  return Buffer.from(data.buffer, data.byteOffset, data.length).readUInt32LE(offset);
}

/** A DWORD pair (low, then high "X" word) as one number; exact below 2^53. */
export function readU64Pair(data: Uint8Array, offset: number): number {
  return readU32(data, offset + 4) * 0x1_0000_0000 + readU32(data, offset);
}

export function writeU32(buf: Buffer, offset: number, value: number): void {
  buf.writeUInt32LE(clampU32(value), offset);
}

export function writeU64Pair(buf: Buffer, offset: number, value: number): void {
  const v = Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
  buf.writeUInt32LE(v % 0x1_0000_0000, offset);
  buf.writeUInt32LE(clampU32(Math.floor(v / 0x1_0000_0000)), offset + 4);
}

export function writeU8(buf: Buffer, offset: number, value: number): void {
  buf[offset] = Number.isInteger(value) && value >= 0 && value <= 0xff ? value : 0;
}

function clampU32(value: number): number {
  if (!Number.isFinite(value) || value < 0) return 0;
  return Math.min(Math.floor(value), 0xffffffff);
}

export function readBytes(data: Uint8Array, offset: number, width: number): number[] {
  return Array.from(data.subarray(offset, offset + width));
}

export function writeBytes(buf: Buffer, offset: number, width: number, values: readonly number[]): void {
  for (let i = 0; i < width; i++) writeU8(buf, offset + i, values[i] ?? 0);
}

/** 4 bytes → `a.b.c.d`. */
export function readIp(data: Uint8Array, offset: number): string {
  return readBytes(data, offset, 4).join('.');
}

/** `a.b.c.d` → 4 bytes; anything else writes 0.0.0.0. */
export function writeIp(buf: Buffer, offset: number, ip: string): void {
  const parts = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  writeBytes(buf, offset, 4, parts ? parts.slice(1).map(Number) : []);
}

/** 6 bytes → `00:1b:4d:…`. */
export function readMac(data: Uint8Array, offset: number): string {
  return readBytes(data, offset, 6)
    .map((b) => b.toString(16).padStart(2, '0'))
    .join(':');
}

/** `00:1b:4d:…` → 6 bytes; anything else writes zeros. */
export function writeMac(buf: Buffer, offset: number, mac: string): void {
  const ok = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(mac);
  writeBytes(buf, offset, 6, ok ? mac.split(':').map((h) => parseInt(h, 16)) : []);
}

/** sSCSI_ATTR: 6 bytes (channel, target, lun, tagged, cache, speed). */
export interface ArecaScsiAttr {
  channel: number;
  target: number;
  lun: number;
  tagged: number;
  cache: number;
  speed: number;
}

export const SCSI_ATTR_BYTES = 6;

export function readScsiAttr(data: Uint8Array, offset: number): ArecaScsiAttr {
  const [channel, target, lun, tagged, cache, speed] = readBytes(data, offset, SCSI_ATTR_BYTES);
  return { channel, target, lun, tagged, cache, speed };
}

export function writeScsiAttr(buf: Buffer, offset: number, a: ArecaScsiAttr): void {
  writeBytes(buf, offset, SCSI_ATTR_BYTES, [a.channel, a.target, a.lun, a.tagged, a.cache, a.speed]);
}
