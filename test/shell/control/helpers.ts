// Test helpers: a raw line-oriented client that speaks bytes directly, so tests
// can send what the real client never would (bad JSON, oversize lines).
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export function makeTempDir(prefix = 'ehc-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface RawSession {
  socket: net.Socket;
  send(text: string): void;
  /** Next complete line from the server; rejects if the connection closes first. */
  nextLine(timeoutMs?: number): Promise<string>;
  /** Resolves when the server closed the connection. */
  closed: Promise<void>;
  lines: string[];
}

export async function rawSession(socketPath: string): Promise<RawSession> {
  const socket = net.createConnection({ path: socketPath });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const lines: string[] = [];
  let buffered = '';
  let waiter: (() => void) | undefined;
  let isClosed = false;
  socket.on('error', () => undefined);
  socket.setEncoding('utf8');
  socket.on('data', (text: string) => {
    buffered += text;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) !== -1) {
      lines.push(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
    }
    waiter?.();
  });
  const closed = new Promise<void>((resolve) =>
    socket.on('close', () => {
      isClosed = true;
      waiter?.();
      resolve();
    }),
  );
  let consumed = 0;
  async function nextLine(timeoutMs = 3000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (consumed >= lines.length) {
      if (isClosed) throw new Error('connection closed before a line arrived');
      if (Date.now() > deadline) throw new Error('timed out waiting for a line');
      await new Promise<void>((resolve) => {
        waiter = resolve;
        setTimeout(resolve, 50);
      });
    }
    return lines[consumed++] as string;
  }
  return { socket, send: (t) => socket.write(t), nextLine, closed, lines };
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function waitFor(cond: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await delay(10);
  }
}
