// A TCP connection as a ByteTransport, for NUT clients (upsd on 3493). It is
// the link factory a monitor is given for a NUT-served UPS; it rejects with a
// clear message when the connection cannot be made in time.

import { connect, type Socket } from 'node:net';
import type { DataListener, Unsubscribe } from '../transport';
import type { ClosableTransport } from './client';

export const NUT_DEFAULT_PORT = 3493;
export const NUT_CONNECT_TIMEOUT_MS = 5000;

export interface TcpTarget {
  host: string;
  port?: number;
  connectTimeoutMs?: number;
}

export function connectTcp(target: TcpTarget): Promise<ClosableTransport> {
  const port = target.port ?? NUT_DEFAULT_PORT;
  const timeoutMs = target.connectTimeoutMs ?? NUT_CONNECT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const socket = connect({ host: target.host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`connecting to ${target.host}:${port} took longer than ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot connect to ${target.host}:${port}: ${e.message}`));
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socketTransport(socket));
    });
  });
}

/** Wrap a connected socket; errors after connect end up as a close with the reason. */
export function socketTransport(socket: Socket): ClosableTransport {
  const dataListeners = new Set<DataListener>();
  const closeListeners = new Set<(why: string) => void>();
  let lastError = '';
  socket.on('data', (chunk: Buffer) => {
    for (const l of [...dataListeners]) l(new Uint8Array(chunk));
  });
  socket.on('error', (e) => (lastError = e.message));
  socket.on('close', () => {
    for (const l of [...closeListeners]) l(lastError || 'connection closed');
  });
  const add = <L>(set: Set<L>, l: L): Unsubscribe => {
    set.add(l);
    return () => set.delete(l);
  };
  return {
    write(bytes) {
      if (socket.destroyed || !socket.writable) return Promise.reject(new Error('the connection is closed'));
      return new Promise<void>((resolve, reject) => socket.write(bytes, (e) => (e ? reject(e) : resolve())));
    },
    onData: (l) => add(dataListeners, l),
    onClose: (l) => add(closeListeners, l),
    close() {
      socket.destroy();
    },
  };
}
