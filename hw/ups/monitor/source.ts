// What the monitor polls: anything that can produce one UpsReading on demand.
// Serial drivers, the NUT client and dry contacts all fit behind it, so the
// monitor's comm-loss and critical-power logic is written once.

import type { UpsReading } from '../model';
import type { Result } from '../result';
import type { ByteTransport, Unsubscribe } from '../transport';

export interface SourceError {
  /** The driver's own error kind (`timeout`, `garbage`, `nut`, …) or `link-failed` when the link would not open. */
  kind: string;
  message: string;
}

export interface UpsSource {
  /** One poll; never rejects. */
  read(): Promise<Result<UpsReading, SourceError>>;
  /**
   * Something changed between polls (an APC alert byte, a GPIO edge): the
   * monitor polls at once instead of waiting for the interval.
   */
  onNudge?(listener: () => void): Unsubscribe;
  /** Release the link. */
  close(): void;
}

/** Opens the link to the device (serial port, ser2net TCP, upsd TCP, simulator); may reject. */
export type LinkFactory = () => Promise<ByteTransport>;

export function sourceError(kind: string, message: string): SourceError {
  return { kind, message };
}
