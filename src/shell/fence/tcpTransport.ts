// A ByteTransport over TCP: how the lab (and many sites) reach a serial fence
// device, through ser2net or a terminal server. Devices talk first (the
// RPS-10's "Ready" banner, a PDU's "User Name :" prompt), often before the
// session has subscribed, so bytes that arrive with no listener are kept (up
// to a bound) and handed to the first subscriber instead of being lost.

import net from 'node:net';
import type { HostPort } from '../../config/types';
import type { ByteTransport, DataListener, Unsubscribe } from '../../../hw/ups/transport';

/** A banner or a login screen is a few hundred bytes; a device that floods more with nobody reading is broken. */
export const MAX_EARLY_BYTES = 64 * 1024;

export type TcpOpenResult = { ok: true; transport: TcpTransport } | { ok: false; reason: string };

export interface TcpOpenOptions {
  connectTimeoutMs: number;
  maxEarlyBytes?: number;
}

export class TcpTransport implements ByteTransport {
  private readonly listeners = new Set<DataListener>();
  private early: Buffer[] = [];
  private earlyBytes = 0;
  private droppedEarlyBytes = 0;
  private closed = false;

  constructor(
    private readonly socket: net.Socket,
    private readonly maxEarlyBytes = MAX_EARLY_BYTES,
  ) {
    socket.on('data', (chunk: Buffer) => this.deliver(chunk));
    // An error after connecting (reset by peer) ends the link; writes then reject.
    socket.on('error', () => this.close());
    socket.on('close', () => {
      this.closed = true;
    });
  }

  /** Bytes that arrived before anyone subscribed and did not fit the bound. */
  get droppedBytes(): number {
    return this.droppedEarlyBytes;
  }

  write(bytes: Uint8Array): Promise<void> {
    if (this.closed || this.socket.destroyed) return Promise.reject(new Error('TCP link is closed'));
    return new Promise((resolve, reject) => {
      this.socket.write(bytes, (err) => (err ? reject(new Error(`TCP write failed: ${err.message}`)) : resolve()));
    });
  }

  onData(listener: DataListener): Unsubscribe {
    this.listeners.add(listener);
    if (this.early.length > 0) {
      const pending = Buffer.concat(this.early);
      this.early = [];
      this.earlyBytes = 0;
      // Later, not inside onData: a session may subscribe before it has set up its own state.
      queueMicrotask(() => {
        if (!this.closed && this.listeners.has(listener)) listener(new Uint8Array(pending));
      });
    }
    return () => {
      this.listeners.delete(listener);
    };
  }

  close(): void {
    if (this.closed && this.socket.destroyed) return;
    this.closed = true;
    this.listeners.clear();
    this.early = [];
    this.earlyBytes = 0;
    this.socket.destroy();
  }

  private deliver(chunk: Buffer): void {
    if (this.closed) return;
    if (this.listeners.size === 0) {
      const room = this.maxEarlyBytes - this.earlyBytes;
      const kept = chunk.subarray(0, Math.max(0, room));
      this.droppedEarlyBytes += chunk.length - kept.length;
      if (kept.length > 0) {
        this.early.push(Buffer.from(kept));
        this.earlyBytes += kept.length;
      }
      return;
    }
    const bytes = new Uint8Array(chunk);
    for (const l of [...this.listeners]) l(bytes);
  }
}

/** Connects to `address`; resolves with a reason on refusal, DNS failure or timeout. Never rejects. */
export function openTcpTransport(address: HostPort, options: TcpOpenOptions): Promise<TcpOpenResult> {
  const shown = address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
  return new Promise((resolve) => {
    let settled = false;
    const socket = new net.Socket();
    const finish = (r: TcpOpenResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeListener('error', onError);
      if (!r.ok) socket.destroy();
      resolve(r);
    };
    const onError = (err: NodeJS.ErrnoException) => finish({ ok: false, reason: `cannot connect to ${shown}: ${describeSocketError(err)}` });
    const timer = setTimeout(
      () => finish({ ok: false, reason: `cannot connect to ${shown}: no answer within ${options.connectTimeoutMs} ms` }),
      Math.max(1, options.connectTimeoutMs),
    );
    socket.once('error', onError);
    socket.setNoDelay(true);
    // The transport listens for data from the start so nothing sent at accept time is lost.
    const transport = new TcpTransport(socket, options.maxEarlyBytes);
    socket.once('connect', () => finish({ ok: true, transport }));
    try {
      socket.connect(address.port, address.host);
    } catch (err) {
      finish({ ok: false, reason: `cannot connect to ${shown}: ${(err as Error).message}` });
    }
  });
}

/** The TransportFactory of hw/fence: opens a fresh connection per operation, rejecting with the reason. */
export function tcpTransportFactory(address: HostPort, connectTimeoutMs: number): () => Promise<ByteTransport> {
  return async () => {
    const r = await openTcpTransport(address, { connectTimeoutMs });
    if (!r.ok) throw new Error(r.reason);
    return r.transport;
  };
}

function describeSocketError(err: NodeJS.ErrnoException): string {
  if (err.code === 'ECONNREFUSED') return 'connection refused (is ser2net or the terminal server listening?)';
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return 'host name not found';
  if (err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH') return 'host unreachable';
  return err.message;
}
