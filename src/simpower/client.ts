// One request to the simulated power switch: connect, send one line, read one
// reply line, close. A fresh connection per request, so a hung earlier request
// cannot block a later one.

import * as net from 'node:net';
import type { HostPort } from '../config/types';
import { LineReader, parseReply } from './protocol';

export type SimPowerResponse = { ok: true; text: string } | { ok: false; reason: string };

/** Longest reply we read; LIST on a 16-plug board fits easily. */
const MAX_REPLY_BYTES = 1024;

/**
 * Sends `line` (no terminator) and resolves to the text after `OK`, or to a
 * reason: connection refused, timeout, `ERR ...` answer, garbage. Never rejects.
 */
export function simPowerRequest(address: HostPort, line: string, timeoutMs: number): Promise<SimPowerResponse> {
  const where = `${address.host}:${address.port}`;
  if (/[\r\n]/.test(line)) return Promise.resolve({ ok: false, reason: 'request contains a line break' });
  return new Promise((resolve) => {
    let settled = false;
    let connected = false;
    let socket: net.Socket | null = null;
    const finish = (response: SimPowerResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket?.destroy();
      resolve(response);
    };
    const timer = setTimeout(() => {
      const stage = connected ? 'no reply' : 'no connection';
      finish({ ok: false, reason: `${stage} from power switch ${where} within ${timeoutMs} ms` });
    }, timeoutMs);
    try {
      socket = net.createConnection({ host: address.host, port: address.port });
    } catch (e) {
      // Out-of-range port and the like are thrown synchronously.
      finish({ ok: false, reason: `cannot connect to power switch ${where}: ${(e as Error).message}` });
      return;
    }
    const reader = new LineReader(MAX_REPLY_BYTES);
    socket.on('connect', () => {
      connected = true;
      socket?.write(`${line}\n`);
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      const what = connected ? 'connection to' : 'cannot connect to';
      finish({ ok: false, reason: `${what} power switch ${where} failed: ${e.code ?? e.message}` });
    });
    socket.on('data', (chunk: Buffer) => {
      const { lines, overflow } = reader.feed(chunk);
      const first = lines[0];
      if (first !== undefined) return finish(toResponse(first, where));
      if (overflow) finish({ ok: false, reason: `reply from power switch ${where} is longer than ${MAX_REPLY_BYTES} bytes` });
    });
    socket.on('end', () => finish({ ok: false, reason: `power switch ${where} closed the connection without a reply` }));
  });
}

function toResponse(line: string, where: string): SimPowerResponse {
  const reply = parseReply(line);
  if (reply.kind === 'ok') return { ok: true, text: reply.text };
  if (reply.kind === 'err') return { ok: false, reason: `power switch ${where} answered: ERR ${reply.message}` };
  return { ok: false, reason: `power switch ${where}: ${reply.reason}` };
}
