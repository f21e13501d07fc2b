// A source that owns a link: opened on the first poll, kept while it works,
// dropped and reopened on the next poll after an error that means the link
// itself is bad (closed, write failed, a NUT connection that had to be cut).
// Errors that only mean "this answer was bad" keep the link, since the serial
// sessions flush before every command anyway.

import type { UpsReading } from '../model';
import { err, type Result } from '../result';
import type { ByteTransport, Unsubscribe } from '../transport';
import { sourceError, type LinkFactory, type SourceError, type UpsSource } from './source';

export interface LinkedDriver {
  read(): Promise<Result<UpsReading, SourceError>>;
  /** True when the driver can no longer be used (its own connection is closed). */
  readonly broken?: boolean;
  onNudge?(listener: () => void): Unsubscribe;
  close(): void;
}

/** Error kinds after which the link is kept for the next poll. */
const KEEP_LINK_ON = new Set(['garbage', 'unsupported', 'refused', 'busy', 'not-ready', 'timeout', 'nut', 'protocol']);

export function linkedSource(
  what: string,
  openLink: LinkFactory,
  openDriver: (link: ByteTransport) => Promise<Result<LinkedDriver, SourceError>>,
): UpsSource {
  const nudgeListeners = new Set<() => void>();
  let driver: LinkedDriver | null = null;
  let stopNudge: Unsubscribe = () => {};
  let closed = false;

  const drop = () => {
    stopNudge();
    driver?.close();
    driver = null;
  };

  const ensure = async (): Promise<Result<LinkedDriver, SourceError>> => {
    if (driver) return { ok: true, value: driver };
    let link: ByteTransport;
    try {
      link = await openLink();
    } catch (e) {
      return err(sourceError('link-failed', `${what}: cannot open the link: ${e instanceof Error ? e.message : String(e)}`));
    }
    if (closed) {
      link.close();
      return err(sourceError('closed', `${what}: source closed`));
    }
    const opened = await openDriver(link);
    if (!opened.ok) {
      link.close();
      return opened;
    }
    // close() may have come while the driver was starting (APC handshake, Megatec F/I):
    // keeping it would hold the port (and its lock) open for good.
    if (closed) {
      opened.value.close();
      link.close();
      return err(sourceError('closed', `${what}: source closed`));
    }
    driver = opened.value;
    stopNudge = driver.onNudge?.(() => nudgeListeners.forEach((l) => l())) ?? (() => {});
    return opened;
  };

  return {
    async read() {
      if (closed) return err(sourceError('closed', `${what}: source closed`));
      const d = await ensure();
      if (!d.ok) return d;
      const reading = await d.value.read();
      if (!reading.ok && (!KEEP_LINK_ON.has(reading.error.kind) || d.value.broken)) drop();
      return reading;
    },
    onNudge(listener) {
      nudgeListeners.add(listener);
      return () => nudgeListeners.delete(listener);
    },
    close() {
      closed = true;
      drop();
    },
  };
}
