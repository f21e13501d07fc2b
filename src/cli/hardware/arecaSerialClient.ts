// A minimal host side of Areca's binary RS-232 API (reference §8.1): one
// request at a time over any ByteTransport, the reply found by ArecaFramer
// and decoded for the command it answers (replies do not repeat it). Every
// outcome is a value; nothing here throws after construction.

import {
  ArecaFramer,
  decodeReply,
  encodeRequest,
  type ArecaReply,
  type ArecaRequest,
} from '../../../hw/raid/arecaSerial';
import { err, ok, type Result } from '../../../hw/ups/result';
import type { ByteTransport, Unsubscribe } from '../../../hw/ups/transport';

/** The controller answers within milliseconds; a second covers a slow firmware at 9600 baud. */
export const ARECA_REPLY_TIMEOUT_MS = 1000;

export type ArecaClientErrorKind = 'timeout' | 'garbage' | 'write-failed' | 'closed' | 'invalid-request';

export interface ArecaClientError {
  kind: ArecaClientErrorKind;
  message: string;
}

export interface ArecaSerialClientOptions {
  replyTimeoutMs?: number;
}

const COMMAND_NAMES: Readonly<Record<ArecaRequest['kind'], string>> = {
  identify: 'GUI_IDENTIFY',
  checkPassword: 'GUI_CHECK_PASSWORD',
  logout: 'GUI_LOGOUT',
  getRaidSetInfo: 'GUI_GET_INFO_R',
  getVolumeInfo: 'GUI_GET_INFO_V',
  getDiskInfo: 'GUI_GET_INFO_P',
  getSystemInfo: 'GUI_GET_INFO_S',
  muteBeeper: 'GUI_MUTE_BEEPER',
  raw: 'raw command',
};

interface Pending {
  command: number;
  resolve(body: Buffer): void;
}

export class ArecaSerialClient {
  private readonly framer = new ArecaFramer();
  private readonly timeoutMs: number;
  private readonly stop: Unsubscribe;
  private pending: Pending | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  /** The first thing the framer threw away during this request (a bad checksum says more than the bytes skipped after it). */
  private firstDiscard: string | null = null;
  private discards = 0;
  private closed = false;

  constructor(
    private readonly link: ByteTransport,
    options: ArecaSerialClientOptions = {},
  ) {
    this.timeoutMs = options.replyTimeoutMs ?? ARECA_REPLY_TIMEOUT_MS;
    this.stop = link.onData((bytes) => this.onData(bytes));
  }

  /** Send one request and wait for its reply; requests queue behind each other. */
  request(req: ArecaRequest): Promise<Result<ArecaReply, ArecaClientError>> {
    const run = this.chain.then(() => this.requestNow(req));
    this.chain = run.catch(() => undefined);
    return run;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stop();
    this.link.close();
  }

  private async requestNow(req: ArecaRequest): Promise<Result<ArecaReply, ArecaClientError>> {
    const name = COMMAND_NAMES[req.kind];
    if (this.closed) return err({ kind: 'closed', message: `${name}: the link is closed` });
    const frame = encodeRequest(req);
    if (!frame.ok) return err({ kind: 'invalid-request', message: `${name}: ${frame.error}` });
    const command = frame.value[5]!; // header (3) + LEN (2), then CMD
    this.framer.reset();
    this.firstDiscard = null;
    this.discards = 0;
    let timer: NodeJS.Timeout | undefined;
    const reply = new Promise<Buffer | null>((resolve) => {
      this.pending = { command, resolve };
      timer = setTimeout(() => {
        // A frame may be complete but hidden behind a bogus LEN: let the framer resynchronise once.
        this.feed(this.framer.lineIdle());
        resolve(null);
      }, this.timeoutMs);
    });
    try {
      await this.link.write(frame.value);
    } catch (e) {
      clearTimeout(timer);
      this.pending = null;
      return err({ kind: 'write-failed', message: `${name}: cannot write to the port: ${e instanceof Error ? e.message : String(e)}` });
    }
    const body = await reply;
    clearTimeout(timer);
    this.pending = null;
    if (body === null) {
      const more = this.discards > 1 ? ` (+${this.discards - 1} more discards)` : '';
      const seen = this.firstDiscard === null ? 'nothing came back' : `bytes discarded: ${this.firstDiscard}${more}`;
      return err({ kind: 'timeout', message: `no answer to ${name} within ${this.timeoutMs} ms (${seen})` });
    }
    const decoded = decodeReply(command, body);
    return decoded.ok ? ok(decoded.value) : err({ kind: 'garbage', message: `${name}: ${decoded.error}` });
  }

  private onData(bytes: Uint8Array): void {
    this.feed(this.framer.push(bytes));
  }

  private feed(events: ReturnType<ArecaFramer['push']>): void {
    for (const e of events) {
      if (e.kind === 'discard') {
        this.firstDiscard ??= e.message;
        this.discards++;
      }
      else if (this.pending !== null) {
        // Only the first frame answers the request; a second one is stray.
        const p = this.pending;
        this.pending = null;
        p.resolve(e.body);
      }
    }
  }
}
