// Client side of the control socket, used by the `edge-ha` CLI. Every failure
// becomes a ControlError whose message tells the operator what to do.
import net from 'node:net';
import { LineSplitter } from './lineSplitter';
import { MAX_REPLY_LINE_BYTES, parseReplyLine, WATCH_CMD } from './protocol';

export type ControlErrorKind =
  /** Nothing listens on the path (ENOENT, ECONNREFUSED). */
  | 'no-daemon'
  /** EACCES/EPERM on the socket or its directory. */
  | 'permission'
  | 'timeout'
  /** The daemon answered with ok:false (the message is its error text) or dropped a watcher. */
  | 'remote'
  /** The daemon sent something that is not a valid reply. */
  | 'protocol'
  /** Any other connection failure, or the connection closed early. */
  | 'connection';

export class ControlError extends Error {
  constructor(
    readonly kind: ControlErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 5000;

/** Maps a connect/socket error to the message an operator needs. */
export function describeSocketError(socketPath: string, err: NodeJS.ErrnoException): ControlError {
  switch (err.code) {
    case 'ENOENT':
    case 'ECONNREFUSED':
      return new ControlError(
        'no-daemon',
        `no daemon is listening on ${socketPath} (is edge-ha running? check controlSocket in the config)`,
      );
    case 'EACCES':
    case 'EPERM':
      return new ControlError('permission', `permission denied on ${socketPath} (run as the daemon's user or root)`);
    default:
      return new ControlError('connection', `control connection to ${socketPath} failed: ${err.message}`);
  }
}

export interface RequestOptions {
  timeoutMs?: number;
}

/** Sends one request and resolves with its result; rejects with a ControlError. */
export function controlRequest(
  socketPath: string,
  cmd: string,
  args: Record<string, unknown> = {},
  options: RequestOptions = {},
): Promise<unknown> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const splitter = new LineSplitter(MAX_REPLY_LINE_BYTES);
    const socket = net.createConnection({ path: socketPath });
    let settled = false;
    const timer = setTimeout(
      () => finish(new ControlError('timeout', `no reply from edge-ha on ${socketPath} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    function finish(error: ControlError | null, result?: unknown): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(result);
    }
    socket.on('connect', () => socket.write(JSON.stringify({ id: 1, cmd, args }) + '\n'));
    socket.on('error', (err) => finish(describeSocketError(socketPath, err)));
    socket.on('close', () =>
      finish(new ControlError('connection', `edge-ha closed the control connection on ${socketPath} without replying`)),
    );
    socket.on('data', (chunk: Buffer) => {
      const split = splitter.push(chunk);
      for (const line of split.lines) {
        const reply = parseReplyLine(line);
        if (reply.kind === 'invalid') {
          return finish(new ControlError('protocol', `invalid reply from edge-ha: ${reply.error}`));
        }
        if (reply.kind === 'stream-error') return finish(new ControlError('remote', reply.error));
        if (reply.kind !== 'response' || (reply.response.id !== 1 && reply.response.id !== null)) continue;
        const r = reply.response;
        return r.ok ? finish(null, r.result) : finish(new ControlError('remote', r.error));
      }
      if (!split.ok) finish(new ControlError('protocol', `reply from edge-ha: ${split.error}`));
    });
  });
}

export interface WatchOptions {
  /** Called once when the stream ends: without an error after close(), with one otherwise. */
  onEnd?: (error?: ControlError) => void;
}

export interface WatchHandle {
  /** Resolves once the daemon confirmed the subscription; rejects if it could not be set up. */
  ready: Promise<void>;
  close(): void;
}

/** Subscribes to the daemon's event stream; onEvent receives each `event` value. */
export function watchControl(
  socketPath: string,
  onEvent: (event: unknown) => void,
  options: WatchOptions = {},
): WatchHandle {
  const splitter = new LineSplitter(MAX_REPLY_LINE_BYTES);
  const socket = net.createConnection({ path: socketPath });
  let ended = false;
  let confirmed = false;
  let settleReady: (error?: ControlError) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    settleReady = (error) => (error ? reject(error) : resolve());
  });
  ready.catch(() => undefined); // the caller may not await it; onEnd reports the error too

  function end(error?: ControlError): void {
    if (ended) return;
    ended = true;
    socket.destroy();
    if (!confirmed) settleReady(error ?? new ControlError('connection', 'watch closed before it started'));
    options.onEnd?.(error);
  }
  function handleLine(line: string): void {
    const reply = parseReplyLine(line);
    if (reply.kind === 'invalid') return end(new ControlError('protocol', `invalid line from edge-ha: ${reply.error}`));
    if (reply.kind === 'stream-error') return end(new ControlError('remote', reply.error));
    if (reply.kind === 'response') {
      if (!reply.response.ok) return end(new ControlError('remote', reply.response.error));
      confirmed = true;
      return settleReady();
    }
    try {
      onEvent(reply.event);
    } catch (err) {
      end(new ControlError('connection', `watch event handler threw: ${(err as Error).message}`));
    }
  }

  socket.on('connect', () => socket.write(JSON.stringify({ id: 1, cmd: WATCH_CMD }) + '\n'));
  socket.on('error', (err) => end(describeSocketError(socketPath, err)));
  socket.on('close', () => end(new ControlError('connection', `edge-ha closed the watch connection on ${socketPath}`)));
  socket.on('data', (chunk: Buffer) => {
    const split = splitter.push(chunk);
    for (const line of split.lines) {
      if (ended) return;
      handleLine(line);
    }
    if (!split.ok) end(new ControlError('protocol', `line from edge-ha: ${split.error}`));
  });
  return { ready, close: () => end() };
}
