// The typed failures a NUT client request resolves with. `nut` carries upsd's
// own ERR token (ACCESS-DENIED, UNKNOWN-UPS, DATA-STALE, …) so a caller can
// tell "the UPS is gone" from "the server is gone" without parsing text.

import { isNutErrorCode, type NutErrorCode } from './protocol';

export type NutClientErrorKind =
  /** upsd answered `ERR <code>`. */
  | 'nut'
  /** No (complete) answer within the request timeout. */
  | 'timeout'
  /** An answer arrived that does not fit the request (wrong keyword, bad quoting). */
  | 'protocol'
  /** An answer line was longer than the line limit. */
  | 'too-long'
  /** A LIST answer had more lines than the list limit. */
  | 'too-many-lines'
  /** The request cannot be sent as given (a name with spaces, a value with a newline); nothing was sent. */
  | 'invalid-request'
  /** Too many requests already queued; nothing was sent. */
  | 'busy'
  | 'write-failed'
  /** The connection was closed (by us, by the server, or after a timeout left it out of step). */
  | 'closed'
  /** The TCP connection could not be made. */
  | 'connect-failed';

export interface NutClientError {
  kind: NutClientErrorKind;
  message: string;
  /** For `nut`: the ERR token; a token outside the known set is kept as text. */
  code?: NutErrorCode | string;
  /** The request line as sent (the password masked). */
  request?: string;
  reply?: string;
}

export function nutClientError(kind: NutClientErrorKind, message: string, extra: Omit<NutClientError, 'kind' | 'message'> = {}): NutClientError {
  return { kind, message, ...extra };
}

const ERR_MEANING: Partial<Record<NutErrorCode, string>> = {
  'ACCESS-DENIED': 'access denied',
  'UNKNOWN-UPS': 'no such UPS on this server',
  'VAR-NOT-SUPPORTED': 'the UPS does not have this variable',
  'DATA-STALE': 'the driver has stale data (it lost the UPS)',
  'DRIVER-NOT-CONNECTED': 'upsd has no connection to the driver',
  'UNKNOWN-COMMAND': 'the server does not know this command',
  'INVALID-ARGUMENT': 'invalid argument',
  'USERNAME-REQUIRED': 'USERNAME must be sent first',
  'PASSWORD-REQUIRED': 'PASSWORD must be sent first',
  'ALREADY-LOGGED-IN': 'already logged in on this connection',
};

/** `ERR <code> [extra]` as a typed error with a readable message. */
export function errFromServer(code: string, extra: string, request: string, reply: string): NutClientError {
  const known = isNutErrorCode(code);
  const meaning = known ? (ERR_MEANING[code] ?? code.toLowerCase().replace(/-/g, ' ')) : `unknown error token "${code}"`;
  const more = extra ? ` (${extra})` : '';
  return nutClientError('nut', `${request}: server answered ERR ${code}: ${meaning}${more}`, { code, request, reply });
}
