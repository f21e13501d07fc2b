// Wire format of the control socket: newline-delimited JSON, one request or
// response per line. Requests:  {"id":1,"cmd":"status","args":{...}}
// Responses: {"id":1,"ok":true,"result":...} | {"id":1,"ok":false,"error":"..."}
// Watch stream lines: {"event":{...}} and, when the server drops a watcher,
// a final {"error":"..."}.

/** A request line longer than this closes the connection (a client bug or abuse). */
export const MAX_REQUEST_LINE_BYTES = 64 * 1024;
/** The client accepts larger replies (a status with history), still bounded. */
export const MAX_REPLY_LINE_BYTES = 8 * 1024 * 1024;
export const MAX_CONNECTIONS = 32;
/** A watcher that lets this much output pile up in its socket is dropped. */
export const MAX_WATCHER_BUFFER_BYTES = 1024 * 1024;
/** Any connection (not only watchers) whose unread replies exceed this is closed. */
export const MAX_CONNECTION_BUFFER_BYTES = 4 * 1024 * 1024;
/** Longest command name accepted; command names are short words. */
export const MAX_CMD_LENGTH = 64;

export const WATCH_CMD = 'watch';
export const WATCHER_TOO_SLOW = 'watcher too slow';

export type RequestId = number | string | null;

export interface ControlRequest {
  id: RequestId;
  cmd: string;
  args: Record<string, unknown>;
}

export type ControlResponse =
  | { id: RequestId; ok: true; result: unknown }
  | { id: RequestId; ok: false; error: string };

export type ParsedRequest = { ok: true; request: ControlRequest } | { ok: false; id: RequestId; error: string };

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isRequestId(x: unknown): x is RequestId {
  return x === null || typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x));
}

/** Parses one request line. Never throws. */
export function parseRequestLine(line: string): ParsedRequest {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (err) {
    return { ok: false, id: null, error: `invalid JSON: ${(err as Error).message}` };
  }
  if (!isPlainObject(raw)) return { ok: false, id: null, error: 'invalid request: expected a JSON object' };
  const id = raw.id === undefined ? null : raw.id;
  if (!isRequestId(id)) {
    return { ok: false, id: null, error: 'invalid request: id must be a number, a string or null' };
  }
  const { cmd, args } = raw;
  if (typeof cmd !== 'string' || cmd.length === 0) {
    return { ok: false, id, error: 'invalid request: cmd must be a non-empty string' };
  }
  if (cmd.length > MAX_CMD_LENGTH) {
    return { ok: false, id, error: `invalid request: cmd is longer than ${MAX_CMD_LENGTH} characters` };
  }
  if (args !== undefined && args !== null && !isPlainObject(args)) {
    return { ok: false, id, error: 'invalid request: args must be a JSON object' };
  }
  return { ok: true, request: { id, cmd, args: isPlainObject(args) ? args : {} } };
}

/**
 * Serialises a response as one line. A result that JSON cannot represent
 * (a BigInt, a cycle) becomes an error response instead of a thrown error,
 * so one bad handler result cannot take the server down.
 */
export function formatResponse(response: ControlResponse): string {
  try {
    const body = response.ok ? { ...response, result: response.result ?? null } : response;
    return JSON.stringify(body) + '\n';
  } catch (err) {
    const error = `result is not JSON-serialisable: ${(err as Error).message}`;
    return JSON.stringify({ id: response.id, ok: false, error }) + '\n';
  }
}

export type ParsedReply =
  | { kind: 'response'; response: ControlResponse }
  | { kind: 'event'; event: unknown }
  | { kind: 'stream-error'; error: string }
  | { kind: 'invalid'; error: string };

/** Parses one line the server sent (a response or a watch-stream line). Never throws. */
export function parseReplyLine(line: string): ParsedReply {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (err) {
    return { kind: 'invalid', error: `invalid JSON: ${(err as Error).message}` };
  }
  if (!isPlainObject(raw)) return { kind: 'invalid', error: 'expected a JSON object' };
  if ('event' in raw) return { kind: 'event', event: raw.event };
  const id = raw.id === undefined ? null : raw.id;
  if (!isRequestId(id)) return { kind: 'invalid', error: 'id must be a number, a string or null' };
  if (raw.ok === true) return { kind: 'response', response: { id, ok: true, result: raw.result } };
  if (typeof raw.error === 'string') {
    if (raw.ok === false) return { kind: 'response', response: { id, ok: false, error: raw.error } };
    if (raw.ok === undefined && !('id' in raw)) return { kind: 'stream-error', error: raw.error };
  }
  return { kind: 'invalid', error: 'expected ok:true with a result, or ok:false with an error string' };
}
