// The only file that touches the network: a connected UDP socket to the BMC.
// Connecting means the kernel drops datagrams from any other address and
// reports "port unreachable" as ECONNREFUSED. The socket comes from an
// injectable factory so unit tests can play the BMC without a network.

import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { MAX_DATAGRAM_BYTES } from './rmcp';

/** The part of node:dgram's Socket this link uses. */
export interface UdpSocketLike {
  connect(port: number, address: string, callback: (err?: Error | null) => void): void;
  send(msg: Uint8Array, callback: (err: Error | null) => void): void;
  on(event: 'message', listener: (msg: Buffer) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  close(): void;
}

export type UdpSocketFactory = (family: 'udp4' | 'udp6') => UdpSocketLike;

export const nodeUdpSocket: UdpSocketFactory = (family) => createSocket(family);

/** One conversation with one BMC. `send` resolves with an error message or null; it never rejects. */
export interface DatagramLink {
  send(bytes: Uint8Array): Promise<string | null>;
  /** One listener; a datagram longer than the IPMI bound is dropped before it. */
  onDatagram(listener: (bytes: Uint8Array) => void): void;
  /** Socket errors after connecting (ECONNREFUSED: nothing listens on the BMC port). */
  onError(listener: (message: string) => void): void;
  close(): void;
}

export type DatagramLinkFactory = (host: string, port: number) => Promise<DatagramLink>;

/** Opens a connected UDP link; rejects when the host cannot be resolved or connected. */
export function udpLinkFactory(socketFactory: UdpSocketFactory = nodeUdpSocket): DatagramLinkFactory {
  return (host, port) =>
    new Promise((resolve, reject) => {
      let socket: UdpSocketLike;
      try {
        socket = socketFactory(isIPv6(host) ? 'udp6' : 'udp4');
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
        return;
      }
      let connected = false;
      let closed = false;
      let onDatagram: (bytes: Uint8Array) => void = () => undefined;
      let onError: (message: string) => void = () => undefined;
      const close = (): void => {
        if (closed) return;
        closed = true;
        try {
          socket.close();
        } catch {
          // Already closed by the runtime after an error: nothing left to release.
        }
      };
      socket.on('message', (msg) => {
        if (!closed && msg.length <= MAX_DATAGRAM_BYTES) onDatagram(new Uint8Array(msg));
      });
      socket.on('error', (err) => {
        if (!connected) {
          close();
          reject(err);
        } else if (!closed) onError(socketErrorText(err));
      });
      const link: DatagramLink = {
        send: (bytes) =>
          new Promise((done) => {
            if (closed) return done('link is closed');
            try {
              socket.send(bytes, (err) => done(err ? socketErrorText(err) : null));
            } catch (e) {
              done(socketErrorText(e));
            }
          }),
        onDatagram: (listener) => {
          onDatagram = listener;
        },
        onError: (listener) => {
          onError = listener;
        },
        close,
      };
      socket.connect(port, host, (err) => {
        if (err) {
          close();
          reject(err);
          return;
        }
        connected = true;
        resolve(link);
      });
    });
}

export function socketErrorText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code === 'ECONNREFUSED') return 'ECONNREFUSED (port unreachable: nothing listens on the BMC port)';
  return e instanceof Error ? e.message : String(e);
}
