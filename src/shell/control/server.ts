// The daemon side of the control socket. Requests on one connection are
// answered in order (a client may pipeline); a "watch" request turns the
// connection into an event stream fed by broadcast().
import net from 'node:net';
import { LineSplitter } from './lineSplitter';
import {
  ControlResponse,
  formatResponse,
  MAX_CONNECTION_BUFFER_BYTES,
  MAX_CONNECTIONS,
  MAX_REQUEST_LINE_BYTES,
  MAX_WATCHER_BUFFER_BYTES,
  parseRequestLine,
  WATCH_CMD,
  WATCHER_TOO_SLOW,
} from './protocol';
import { listenPrivately, SocketIdentity, unlinkIfOurs } from './socketPath';

export type ControlHandler = (cmd: string, args: Record<string, unknown>) => Promise<unknown>;

export interface ControlServerOptions {
  path: string;
  handler: ControlHandler;
  /** Errors of the listening socket after start (e.g. EMFILE on accept). */
  onError?: (err: Error) => void;
}

export interface ControlServer {
  /** Sends `{"event":event}` to every watcher. Throws if the event is not JSON-serialisable. */
  broadcast(event: object): void;
  watcherCount(): number;
  connectionCount(): number;
  close(): Promise<void>;
}

/** Lines waiting for their turn beyond this pause reading from the client (backpressure). */
const MAX_QUEUED_LINES = 16;
/** A dropped client gets this long to read its last line before the socket is destroyed. */
const DROP_GRACE_MS = 2000;

type QueueItem = { kind: 'line'; line: string } | { kind: 'fatal'; error: string };

interface ConnectionHooks {
  startWatch(c: Connection): void;
  /** The connection no longer receives events (dropped, or ending). */
  unwatch(c: Connection): void;
  /** The socket is gone. */
  closed(c: Connection): void;
}

class Connection {
  private readonly splitter = new LineSplitter(MAX_REQUEST_LINE_BYTES);
  private readonly queue: QueueItem[] = [];
  private busy = false;
  private done = false;
  /** The client shut down its sending side; answer what it sent, then end ours. */
  private peerEnded = false;
  watching = false;

  constructor(
    readonly socket: net.Socket,
    private readonly handler: ControlHandler,
    private readonly hooks: ConnectionHooks,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEnd());
    socket.on('error', () => undefined); // ECONNRESET etc.: 'close' follows and cleans up
    socket.on('close', () => {
      this.done = true;
      this.hooks.closed(this);
    });
  }

  /**
   * Writes a line, unless the client has left more than its bound unread:
   * then it is dropped. The backlog is checked before writing so that one
   * large reply to a client that does read is never cut.
   */
  send(line: string): void {
    if (this.done || !this.socket.writable) return;
    const limit = this.watching ? MAX_WATCHER_BUFFER_BYTES : MAX_CONNECTION_BUFFER_BYTES;
    if (this.socket.writableLength > limit) return this.drop(this.watching ? WATCHER_TOO_SLOW : 'client too slow');
    this.socket.write(line);
  }

  /** Ends the connection with a final `{"error":...}` line. */
  drop(reason: string): void {
    this.finish(JSON.stringify({ error: reason }) + '\n');
  }

  /** Stops reading, answering and streaming; sends `lastLine` if given, then ends the socket. */
  private finish(lastLine?: string): void {
    if (this.done) return;
    this.done = true;
    this.watching = false;
    this.queue.length = 0;
    this.hooks.unwatch(this);
    if (lastLine === undefined) this.socket.end();
    else this.socket.end(lastLine);
    // A client that never reads or never closes must not hold the slot.
    setTimeout(() => this.socket.destroy(), DROP_GRACE_MS).unref();
  }

  private onData(chunk: Buffer): void {
    if (this.done) return;
    const split = this.splitter.push(chunk);
    for (const line of split.lines) this.queue.push({ kind: 'line', line });
    if (!split.ok) {
      this.queue.push({ kind: 'fatal', error: `request ${split.error}; closing the connection` });
      this.socket.pause();
    } else if (this.queue.length >= MAX_QUEUED_LINES) {
      this.socket.pause();
    }
    void this.pump();
  }

  private onEnd(): void {
    if (this.done) return;
    this.peerEnded = true;
    const last = this.splitter.finish();
    if (last !== undefined) this.queue.push({ kind: 'line', line: last });
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    while (this.queue.length > 0 && !this.done) {
      const item = this.queue.shift() as QueueItem;
      if (item.kind === 'fatal') {
        this.finish(formatResponse({ id: null, ok: false, error: item.error }));
        break;
      }
      await this.answer(item.line);
    }
    this.busy = false;
    if (this.done) return;
    // A watcher ends too: a FIN from a client that went away looks the same
    // as a half-close, and a gone watcher must not linger until a write fails.
    if (this.peerEnded) {
      this.finish();
    } else if (this.socket.isPaused()) {
      this.socket.resume();
    }
  }

  private async answer(line: string): Promise<void> {
    const parsed = parseRequestLine(line);
    if (!parsed.ok) return this.respond({ id: parsed.id, ok: false, error: parsed.error });
    const { id, cmd, args } = parsed.request;
    if (cmd === WATCH_CMD) {
      this.respond({ id, ok: true, result: { watching: true } });
      this.watching = true;
      this.hooks.startWatch(this);
      return;
    }
    try {
      const result = await this.handler(cmd, args);
      this.respond({ id, ok: true, result });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.respond({ id, ok: false, error: message || `${cmd} failed` });
    }
  }

  private respond(response: ControlResponse): void {
    this.send(formatResponse(response));
  }
}

export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  const connections = new Set<Connection>();
  const watchers = new Set<Connection>();
  let closing: Promise<void> | undefined;
  const hooks = {
    startWatch: (c: Connection) => watchers.add(c),
    unwatch: (c: Connection) => watchers.delete(c),
    closed: (c: Connection) => {
      connections.delete(c);
      watchers.delete(c);
    },
  };

  // allowHalfOpen: a client that shuts down its sending side after the
  // request (nc -N, socat) must still get the answer.
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    if (closing) return void socket.destroy();
    if (connections.size >= MAX_CONNECTIONS) {
      socket.on('error', () => undefined);
      const error = `too many control connections (limit ${MAX_CONNECTIONS})`;
      socket.end(formatResponse({ id: null, ok: false, error }));
      setTimeout(() => socket.destroy(), DROP_GRACE_MS).unref();
      return;
    }
    connections.add(new Connection(socket, options.handler, hooks));
  });
  const identity: SocketIdentity = await listenPrivately(server, options.path);
  server.on('error', (err) => options.onError?.(err));

  function broadcast(event: object): void {
    let line: string;
    try {
      line = JSON.stringify({ event }) + '\n';
    } catch (err) {
      throw new Error(`broadcast: event is not JSON-serialisable: ${(err as Error).message}`);
    }
    const bytes = Buffer.byteLength(line);
    for (const w of [...watchers]) {
      // Check before writing so a slow watcher never holds more than the bound.
      if (w.socket.writableLength + bytes > MAX_WATCHER_BUFFER_BYTES) {
        watchers.delete(w);
        w.drop(WATCHER_TOO_SLOW);
      } else {
        w.send(line);
      }
    }
  }

  async function doClose(): Promise<void> {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const c of connections) c.socket.destroy();
    await closed;
    await unlinkIfOurs(options.path, identity);
  }

  return {
    broadcast,
    watcherCount: () => watchers.size,
    connectionCount: () => connections.size,
    close: () => (closing ??= doClose()),
  };
}
