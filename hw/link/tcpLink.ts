// A serial line reached over TCP (ser2net, a terminal server): the byte
// stream is the shell's TcpTransport; this adds what a link needs on top,
// chiefly a close notification so ReconnectingLink learns the peer went away.
// Line settings and modem lines live on the ser2net side (we speak plain TCP,
// not RFC 2217), so changes are refused and the modem part is `unsupported`
// unless GPIO-backed modem lines are wired in.

import net from 'node:net';
import { TcpTransport } from '../../src/shell/fence/tcpTransport';
import { timerSchedule, type Schedule } from '../ups/schedule';
import type { DataListener, Unsubscribe } from '../ups/transport';
import { CloseNotifier, DataFanout } from './fanout';
import { checkLineSettings, fixedLineControl } from './lineSettings';
import { noModemLines } from './modemLines';
import { LinkOpenError, type LineControl, type LineSettings, type LinkFactory, type ModemLines, type SerialLink } from './types';

export interface TcpLinkOptions {
  host: string;
  port: number;
  /** What ser2net is configured for; only reported, never sent. */
  settings?: Partial<LineSettings>;
  modemLines?: ModemLines;
  connectTimeoutMs?: number;
  maxEarlyBytes?: number;
  schedule?: Schedule;
}

export function tcpLink(options: TcpLinkOptions): LinkFactory {
  return () => openTcpLink(options);
}

export function openTcpLink(options: TcpLinkOptions): Promise<SerialLink> {
  const shown = options.host.includes(':') ? `[${options.host}]:${options.port}` : `${options.host}:${options.port}`;
  const settings = checkLineSettings(options.settings ?? {});
  if (!settings.ok) return Promise.reject(new LinkOpenError('invalid-config', `tcp ${shown}: ${settings.error}`));
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535) {
    return Promise.reject(new LinkOpenError('invalid-config', `tcp ${shown}: port must be 1..65535`));
  }
  const schedule = options.schedule ?? timerSchedule;
  const timeoutMs = options.connectTimeoutMs ?? 5000;
  return new Promise((resolve, reject) => {
    const socket = new net.Socket();
    // Built before connecting: bytes sent at accept time (a banner) are kept.
    const link = new TcpLink(socket, shown, settings.value, options);
    let done = false;
    const fail = (e: LinkOpenError): void => {
      if (done) return;
      done = true;
      cancel();
      link.close();
      reject(e);
    };
    const cancel = schedule(timeoutMs, () => fail(new LinkOpenError('timeout', `tcp ${shown}: no answer within ${timeoutMs} ms`)));
    socket.once('error', (e: NodeJS.ErrnoException) => fail(classifySocketError(shown, e)));
    socket.once('connect', () => {
      if (done) return;
      done = true;
      cancel();
      socket.setNoDelay(true);
      resolve(link);
    });
    try {
      socket.connect(options.port, options.host);
    } catch (e) {
      fail(new LinkOpenError('invalid-config', `tcp ${shown}: ${(e as Error).message}`));
    }
  });
}

class TcpLink implements SerialLink {
  readonly description: string;
  readonly line: LineControl;
  readonly modem: ModemLines;
  private readonly transport: TcpTransport;
  private readonly fanout: DataFanout;
  private readonly closing = new CloseNotifier();

  constructor(
    private readonly socket: net.Socket,
    shown: string,
    settings: LineSettings,
    options: TcpLinkOptions,
  ) {
    this.description = `tcp ${shown}`;
    this.transport = new TcpTransport(socket, options.maxEarlyBytes);
    this.fanout = new DataFanout(options.maxEarlyBytes);
    this.transport.onData((bytes) => this.fanout.deliver(bytes));
    this.modem = options.modemLines ?? noModemLines(`${this.description} is a TCP link (modem lines stay on the ser2net side)`);
    this.line = fixedLineControl(this.description, settings);
    let lastError: string | null = null;
    socket.on('error', (e) => {
      lastError = e.message;
    });
    socket.on('close', () => this.lost(lastError ? `connection lost: ${lastError}` : 'connection closed by the far end'));
  }

  get isOpen(): boolean {
    return this.closing.reason === null && !this.socket.destroyed;
  }

  get stats(): { droppedBytes: number } {
    return { droppedBytes: this.fanout.droppedBytes + this.transport.droppedBytes };
  }

  write(bytes: Uint8Array): Promise<void> {
    if (!this.isOpen) return Promise.reject(new Error(`${this.description} is closed${this.closing.reason ? ` (${this.closing.reason})` : ''}`));
    return this.transport.write(bytes).catch((e: Error) => {
      throw new Error(`write to ${this.description} failed: ${e.message}`);
    });
  }

  onData(listener: DataListener): Unsubscribe {
    return this.fanout.subscribe(listener);
  }

  onClose(listener: (reason: string) => void): Unsubscribe {
    return this.closing.subscribe(listener);
  }

  close(): void {
    if (this.closing.reason !== null) return;
    this.closing.fire('closed by us');
    this.fanout.stop();
    this.transport.close();
  }

  private lost(why: string): void {
    if (this.closing.reason !== null) return;
    this.fanout.stop();
    this.closing.fire(`${this.description} ${why}`);
    this.transport.close();
  }
}

function classifySocketError(shown: string, e: NodeJS.ErrnoException): LinkOpenError {
  if (e.code === 'ECONNREFUSED') return new LinkOpenError('refused', `tcp ${shown}: connection refused (is ser2net or the terminal server listening?)`);
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') return new LinkOpenError('not-found', `tcp ${shown}: host name not found`);
  if (e.code === 'EHOSTUNREACH' || e.code === 'ENETUNREACH') return new LinkOpenError('not-found', `tcp ${shown}: host unreachable`);
  return new LinkOpenError('other', `tcp ${shown}: ${e.message}`);
}
