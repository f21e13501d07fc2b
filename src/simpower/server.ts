// TCP front end of the simulated power switch. One connection may carry
// several commands; each is answered in order. See protocol.ts for the grammar.

import * as net from 'node:net';
import { LineReader, isValidPlugName, parseCommandLine } from './protocol';
import { SwitchState } from './switchState';
import type { PlugFault, PowerBackend } from './types';

export interface SimPowerServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  backend: PowerBackend;
  /** REBOOT: delay between the off half (answered at once) and power returning. */
  rebootDelayMs: number;
  /** A connection silent this long is closed. Default 60000. */
  idleTimeoutMs?: number;
  /** Default 64. */
  maxConnections?: number;
}

export interface SimPowerServer {
  /** The port actually bound. */
  port: number;
  /** Closes the listener and every connection, and cancels pending reboot power-ons. */
  close(): Promise<void>;
  /** false when the backend has no such plug. */
  setFault(plug: string, fault: PlugFault): boolean;
}

export type StartSimPowerResult = ({ ok: true } & SimPowerServer) | { ok: false; reason: string };

/** Commands a client may have waiting on one connection before it is cut off. */
const MAX_PENDING_COMMANDS = 16;

function checkOptions(opts: SimPowerServerOptions): string | null {
  if (!Number.isFinite(opts.rebootDelayMs) || opts.rebootDelayMs < 0) {
    return `rebootDelayMs must be a number ≥ 0, got ${opts.rebootDelayMs}`;
  }
  for (const plug of opts.backend.plugs()) {
    if (!isValidPlugName(plug)) {
      return `plug name ${JSON.stringify(plug)} cannot be used: 1-64 characters of A-Z a-z 0-9 _ . : - only`;
    }
  }
  return null;
}

function serveConnection(socket: net.Socket, state: SwitchState, idleTimeoutMs: number): void {
  socket.setNoDelay(true);
  socket.on('error', () => undefined); // ECONNRESET and friends: the 'close' handler cleans up.
  socket.setTimeout(idleTimeoutMs, () => socket.destroy());
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const reader = new LineReader();
  let chain: Promise<void> = Promise.resolve();
  let pending = 0;
  let finishing = false;

  const send = (line: string): void => {
    if (!socket.destroyed && socket.writable) socket.write(`${line}\n`);
  };
  const finishWith = (line: string | null): void => {
    finishing = true;
    chain = chain.then(() => {
      if (line !== null) send(line);
      socket.end();
    });
  };
  const handle = async (line: string): Promise<void> => {
    const parsed = parseCommandLine(line);
    if (parsed.kind === 'empty') return;
    if (parsed.kind === 'error') return send(parsed.reply);
    const result = await state.execute(parsed.command);
    // A hung relay never answers; stop waiting only when the client gives up.
    if (result.kind === 'hang') return closed;
    send(result.line);
  };

  socket.on('data', (chunk: Buffer) => {
    if (finishing) return;
    const { lines, overflow } = reader.feed(chunk);
    for (const line of lines) {
      if (pending >= MAX_PENDING_COMMANDS) return finishWith('ERR too many pending commands');
      pending++;
      chain = chain.then(() => handle(line)).finally(() => {
        pending--;
      });
    }
    if (overflow) finishWith('ERR line too long');
  });
  // The client may half-close right after its command: answer, then close.
  socket.on('end', () => {
    if (!finishing) finishWith(null);
  });
}

export function startSimPowerServer(opts: SimPowerServerOptions): Promise<StartSimPowerResult> {
  const problem = checkOptions(opts);
  if (problem !== null) return Promise.resolve({ ok: false, reason: `sim power switch: ${problem}` });
  const state = new SwitchState(opts.backend, opts.rebootDelayMs);
  const sockets = new Set<net.Socket>();
  const idleTimeoutMs = opts.idleTimeoutMs ?? 60_000;
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    serveConnection(socket, state, idleTimeoutMs);
  });
  server.maxConnections = opts.maxConnections ?? 64;

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      state.close();
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
    return closing;
  };

  return new Promise((resolve) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      resolve({ ok: false, reason: `sim power switch cannot listen on ${opts.host}:${opts.port}: ${e.code ?? e.message}` });
    });
    try {
      server.listen(opts.port, opts.host, () => {
        server.removeAllListeners('error');
        server.on('error', () => undefined);
        const address = server.address();
        const port = typeof address === 'object' && address !== null ? address.port : opts.port;
        resolve({ ok: true, port, close, setFault: (plug, fault) => state.setFault(plug, fault) });
      });
    } catch (e) {
      // listen() throws synchronously for an out-of-range port.
      resolve({ ok: false, reason: `sim power switch cannot listen on ${opts.host}:${opts.port}: ${(e as Error).message}` });
    }
  });
}
