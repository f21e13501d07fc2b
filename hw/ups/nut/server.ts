// A read-only upsd on TCP: bounded connections, bounded lines, bounded
// pipelining, one request answered at a time per connection (in order, as
// upsd does). It binds 127.0.0.1 unless told otherwise, because what it
// publishes (power state of the node) is for local consumers by default.

import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { NutLineFramer } from './lineFramer';
import { NUT_MAX_LINE_CHARS } from './protocol';
import { NutCommandHandler, NutLogins, type NutConnectionState, type NutServerConfig } from './serverCommands';

export interface NutServerOptions extends NutServerConfig {
  host?: string;
  /** 0 picks a free port (tests). */
  port?: number;
  maxConnections?: number;
  maxLineBytes?: number;
  /** Lines a client may send ahead of our answers before we drop it. */
  maxPendingLines?: number;
  /** Close a connection silent for this long. */
  idleTimeoutMs?: number;
}

export const NUT_SERVER_MAX_CONNECTIONS = 32;
export const NUT_SERVER_MAX_PENDING_LINES = 64;
export const NUT_SERVER_IDLE_TIMEOUT_MS = 300_000;

export class NutServer {
  private readonly server: Server;
  private readonly handler: NutCommandHandler;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly options: NutServerOptions) {
    this.handler = new NutCommandHandler(options, new NutLogins());
    this.server = createServer((socket) => this.accept(socket));
  }

  get connectionCount(): number {
    return this.sockets.size;
  }

  /** Start listening; resolves with the bound address (the real port when 0 was asked). */
  listen(): Promise<{ host: string; port: number }> {
    const host = this.options.host ?? '127.0.0.1';
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host, port: this.options.port ?? 3493 }, () => {
        this.server.off('error', reject);
        const addr = this.server.address() as AddressInfo;
        resolve({ host: addr.address, port: addr.port });
      });
    });
  }

  /** Stop listening and drop every connection. */
  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    if (this.sockets.size >= (this.options.maxConnections ?? NUT_SERVER_MAX_CONNECTIONS)) {
      socket.destroy(); // upsd too just drops what it cannot serve
      return;
    }
    this.sockets.add(socket);
    const conn: NutConnectionState = { address: socket.remoteAddress ?? 'unknown' };
    const framer = new NutLineFramer(this.options.maxLineBytes ?? NUT_MAX_LINE_CHARS);
    const maxPending = this.options.maxPendingLines ?? NUT_SERVER_MAX_PENDING_LINES;
    const queue: (string | null)[] = []; // null: an overlong line, answered ERR TOO-LONG
    let busy = false;
    const pump = async () => {
      if (busy) return;
      busy = true;
      while (queue.length > 0 && !socket.destroyed) {
        const line = queue.shift()!;
        const answer = line === null ? { lines: ['ERR TOO-LONG'] } : await this.handler.handle(line, conn);
        if (socket.destroyed) break;
        if (answer.lines.length > 0) socket.write(answer.lines.map((l) => `${l}\n`).join(''));
        if (answer.close) socket.end();
      }
      busy = false;
    };
    socket.setTimeout(this.options.idleTimeoutMs ?? NUT_SERVER_IDLE_TIMEOUT_MS, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      for (const frame of framer.push(chunk)) queue.push(frame.kind === 'line' ? frame.text : null);
      if (queue.length > maxPending) socket.destroy(); // a client that never reads our answers
      else void pump();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.handler.forget(conn);
    });
  }
}
