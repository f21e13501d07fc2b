// The typed failures a UPS protocol session resolves with. One union for both
// protocols so a poller can handle them the same way; each session documents
// which kinds it produces. `message` is a complete sentence for logs.

export type SessionErrorKind =
  /** Nothing (or only part of a line) arrived within the reply timeout. */
  | 'timeout'
  /** The UPS said it does not know the command: Megatec echoes it, APC answers `NA`. */
  | 'unsupported'
  /** An answer arrived but does not decode (wrong length, bad field, line too long). */
  | 'garbage'
  /** The UPS understood and declined (Voltronic `(NAK`, APC `NO`). */
  | 'refused'
  /** The request itself is invalid (argument out of range); nothing was sent. */
  | 'invalid-command'
  /** Too many requests are already queued; nothing was sent. */
  | 'busy'
  /** The link refused the bytes. */
  | 'write-failed'
  /** The session or its link was closed. */
  | 'closed'
  /** APC: the UPS never answered `SM` to `Y`, so it is not in smart mode. */
  | 'not-smart'
  /** APC: `Q` answered `SM`, "status not available yet"; ask again. */
  | 'not-ready';

export interface SessionError {
  kind: SessionErrorKind;
  message: string;
  /** The command as sent (printable form), when one was sent. */
  command?: string;
  /** The reply text as received, when one was received. */
  reply?: string;
}

export function sessionError(kind: SessionErrorKind, message: string, extra: { command?: string; reply?: string } = {}): SessionError {
  return { kind, message, ...extra };
}
