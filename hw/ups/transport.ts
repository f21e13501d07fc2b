// The byte pipe a UPS driver talks through. It is deliberately tiny so that a
// serialport link, a TCP link (ser2net in the lab) and an in-memory simulator
// all fit without the protocol code knowing which one it has. Line settings
// (2400 8N1) and modem lines (DTR/RTS cable power) belong to the link that
// implements this, not to the protocol layer.

/** Stops a subscription; calling it twice is harmless. */
export type Unsubscribe = () => void;

export type DataListener = (bytes: Uint8Array) => void;

export interface ByteTransport {
  /**
   * Queue bytes for the device. A link may return a promise that rejects when the
   * bytes could not be written (port gone); sessions treat that as a failed request.
   * It may also throw synchronously once closed.
   */
  write(bytes: Uint8Array): void | Promise<void>;
  /** Every chunk the device sends, in order, in whatever pieces the link delivers. */
  onData(listener: DataListener): Unsubscribe;
  /** Release the link. After this no more data is delivered. */
  close(): void;
}

/** Bytes of an ASCII/Latin-1 string; every char code must be < 256. */
export function asciiBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/** Latin-1 view of bytes: one char per byte, so no byte is ever lost or merged. */
export function bytesToLatin1(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let out = '';
  for (let i = start; i < end; i++) out += String.fromCharCode(bytes[i]!);
  return out;
}

/** Printable rendering of device bytes for error messages (`\r`, `\n`, `\xNN`). */
export function describeBytes(text: string, maxChars = 64): string {
  let out = '';
  for (const ch of text.slice(0, maxChars)) {
    const code = ch.charCodeAt(0);
    if (ch === '\r') out += '\\r';
    else if (ch === '\n') out += '\\n';
    else if (code < 0x20 || code > 0x7e) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return text.length > maxChars ? `${out}…(${text.length} bytes)` : out;
}
