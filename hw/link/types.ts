// A serial link in three separable parts (reference hardware-protocols §13):
// the byte stream (a ByteTransport, so UPS sessions and fence agents use a
// link unchanged), the line settings (baud, data bits, parity, stop bits) and
// the modem lines (DTR/RTS out, CTS/DSR/DCD in, BREAK). Only the byte stream
// survives a socat pty or a ser2net TCP hop, so the modem part is its own
// object that a backend may replace (gpioBacked in the lab).

import type { Result } from '../ups/result';
import type { ByteTransport, Unsubscribe } from '../ups/transport';

export type Parity = 'none' | 'even' | 'odd' | 'mark' | 'space';
export type DataBits = 5 | 6 | 7 | 8;
export type StopBits = 1 | 1.5 | 2;

export interface LineSettings {
  baudRate: number;
  dataBits: DataBits;
  parity: Parity;
  stopBits: StopBits;
}

/**
 * What went wrong on a link, as a value. `unsupported`: this backend has no
 * such thing (modem lines over TCP); `ioctl-failed`: the kernel refused (a pty
 * answers ENOTTY to every modem-line ioctl); `closed`: the link is gone.
 */
export type LinkErrorKind = 'unsupported' | 'ioctl-failed' | 'closed' | 'invalid-argument' | 'io-error';

export interface LinkError {
  kind: LinkErrorKind;
  message: string;
}

export type LinkResult<T> = Result<T, LinkError>;

export interface ModemStatus {
  cts: boolean;
  dsr: boolean;
  dcd: boolean;
}

/** The modem-control part. Every method resolves; none rejects or throws. */
export interface ModemLines {
  setDtr(asserted: boolean): Promise<LinkResult<void>>;
  setRts(asserted: boolean): Promise<LinkResult<void>>;
  read(): Promise<LinkResult<ModemStatus>>;
  /** Hold the line in BREAK for `durationMs`, then release it. */
  sendBreak(durationMs: number): Promise<LinkResult<void>>;
}

/** The line-settings part. */
export interface LineControl {
  /** The settings in force (what the last successful apply left). */
  readonly settings: LineSettings;
  /** Change some settings; resolves with the settings now in force, or why not. */
  apply(changes: Partial<LineSettings>): Promise<LinkResult<LineSettings>>;
}

export interface LinkStats {
  /** Bytes that arrived with nobody subscribed and did not fit the early-bytes bound. */
  droppedBytes: number;
}

/**
 * One open link. `write` rejects with an Error naming the link when the bytes
 * cannot be written; `close` is idempotent. `onClose` reports why the link
 * ended by itself (unplug, pty gone, peer reset); an explicit close() reports
 * "closed by us".
 */
export interface SerialLink extends ByteTransport {
  /** `serial /dev/ttyS0`, `tcp 10.0.0.5:4001`, for reasons and logs. */
  readonly description: string;
  readonly isOpen: boolean;
  readonly line: LineControl;
  readonly modem: ModemLines;
  readonly stats: LinkStats;
  onClose(listener: (reason: string) => void): Unsubscribe;
}

/** Why a link did not open; `kind` lets a reconnect loop tell "not plugged in" from "busy". */
export type LinkOpenErrorKind = 'not-found' | 'busy' | 'permission' | 'refused' | 'timeout' | 'invalid-config' | 'other';

export class LinkOpenError extends Error {
  constructor(
    readonly kind: LinkOpenErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'LinkOpenError';
  }
}

/**
 * Opens a fresh link, zwave-js style; rejects with a LinkOpenError. It is a
 * hw/fence `TransportFactory` as it stands, so agents open a link per operation.
 */
export type LinkFactory = () => Promise<SerialLink>;

export const DEFAULT_LINE_SETTINGS: Readonly<LineSettings> = Object.freeze({ baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 });

/** Bytes kept for a subscriber that has not subscribed yet (a banner is a few hundred bytes). */
export const DEFAULT_MAX_EARLY_BYTES = 64 * 1024;

export function linkError(kind: LinkErrorKind, message: string): { ok: false; error: LinkError } {
  return { ok: false, error: { kind, message } };
}

export const LINK_OK: { ok: true; value: undefined } = Object.freeze({ ok: true, value: undefined }) as { ok: true; value: undefined };
