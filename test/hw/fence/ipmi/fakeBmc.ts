// A scripted IPMI v1.5 BMC for unit tests, written apart from the client's
// codecs (its own parsing, checksums and MD5 via node:crypto) so a shared
// mistake cannot pass unnoticed. It sits behind a fake node:dgram socket and
// answers asynchronously; faults are knobs on the instance.

import { createHash } from 'node:crypto';
import type { UdpSocketFactory, UdpSocketLike } from '../../../../hw/fence/ipmi/udpTransport';

export interface SeenRequest {
  authType: number;
  seq: number;
  sessionId: number;
  authCode: Buffer | null;
  netFn: number;
  cmd: number;
  rqSeq: number;
  data: Buffer;
  /** The whole IPMI message, as the auth code covers it. */
  message: Buffer;
}

export function pad16(text: string): Buffer {
  const b = Buffer.alloc(16);
  Buffer.from(text, 'utf8').copy(b);
  return b;
}

function le32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}

export function md5Code(password: string, sessionId: number, message: Buffer, seq: number): Buffer {
  return createHash('md5').update(Buffer.concat([pad16(password), le32(sessionId), message, le32(seq), pad16(password)])).digest();
}

function csum(bytes: Buffer): number {
  let s = 0;
  for (const b of bytes) s += b;
  return (0x100 - (s & 0xff)) & 0xff;
}

export class FakeBmc {
  user = 'admin';
  password = 'p4ss-Word';
  /** Bit mask of offered auth types (bit n = type n). */
  offeredAuths = (1 << 0) | (1 << 2) | (1 << 4);
  powerOn = true;
  /** Power down/up is accepted but the power does not change (a lying BMC). */
  ignoreControl = false;
  /** Power changes only after this many further status reads. */
  controlDelayReads = 0;
  controlCompletionCode = 0;
  /** Requests to drop without an answer (UDP loss). */
  dropRequests = 0;
  /** Commands (by number) whose next request is dropped once. */
  dropOnce = new Set<number>();
  /** Called with each reply; may return replacement datagrams (tampering, extra garbage). */
  tamper: (reply: Buffer, req: SeenRequest) => Buffer[] = (r) => [r];
  readonly seen: SeenRequest[] = [];
  readonly tempSessionId = 0x0abc_0001;
  readonly sessionId = 0x0200_0010;
  readonly initialInbound = 0x0000_1000;
  private outSeq = 0;
  private sessionAuth = -1;
  private pendingPower: boolean | null = null;
  private readsLeft = 0;

  socketFactory(): UdpSocketFactory {
    return () => this.socket();
  }

  socket(): UdpSocketLike & { emitError(e: Error): void } {
    const listeners: { message: ((m: Buffer) => void)[]; error: ((e: Error) => void)[] } = { message: [], error: [] };
    return {
      connect: (_port, _host, cb) => setImmediate(() => cb(null)),
      send: (msg, cb) => {
        cb(null);
        const replies = this.handle(Buffer.from(msg));
        for (const r of replies) setImmediate(() => listeners.message.forEach((l) => l(r)));
      },
      on: (event: 'message' | 'error', listener: never) => {
        (listeners[event] as unknown[]).push(listener);
      },
      close: () => undefined,
      emitError: (e) => listeners.error.forEach((l) => l(e)),
    };
  }

  private handle(d: Buffer): Buffer[] {
    const authType = d[4];
    const withCode = authType !== 0;
    const at = withCode ? 29 : 13;
    const msg = d.subarray(at + 1, at + 1 + d[at]);
    const req: SeenRequest = {
      authType,
      seq: d.readUInt32LE(5),
      sessionId: d.readUInt32LE(9),
      authCode: withCode ? d.subarray(13, 29) : null,
      netFn: msg[1] >> 2,
      cmd: msg[5],
      rqSeq: msg[4] >> 2,
      data: Buffer.from(msg.subarray(6, msg.length - 1)),
      message: Buffer.from(msg),
    };
    this.seen.push(req);
    if (this.dropRequests > 0) {
      this.dropRequests--;
      return [];
    }
    if (this.dropOnce.delete(req.cmd)) return [];
    if (withCode && !this.codeOk(req, msg)) return []; // a BMC drops what it cannot authenticate
    const answer = this.answer(req);
    if (answer === null) return [];
    const reply = this.frame(req, answer);
    return this.tamper(reply, req);
  }

  private codeOk(req: SeenRequest, msg: Buffer): boolean {
    const expected = req.authType === 2 ? md5Code(this.password, req.sessionId, msg, req.seq) : pad16(this.password);
    return req.authCode !== null && expected.equals(req.authCode);
  }

  /** Completion code and data, or null for silence. */
  private answer(req: SeenRequest): number[] | null {
    if (req.netFn === 0x06 && req.cmd === 0x38) return [0, 1, this.offeredAuths, 0x04, 0, 0, 0, 0, 0];
    if (req.netFn === 0x06 && req.cmd === 0x39) {
      if (!req.data.subarray(1, 17).equals(pad16(this.user))) return [0x81];
      return [0, ...le32(this.tempSessionId), ...Buffer.alloc(16, 0x5a)];
    }
    if (req.netFn === 0x06 && req.cmd === 0x3a) {
      this.sessionAuth = req.data[0];
      this.outSeq = req.data.readUInt32LE(18);
      return [0, req.data[0], ...le32(this.sessionId), ...le32(this.initialInbound), req.data[1]];
    }
    if (req.netFn === 0x06 && req.cmd === 0x3b) return [0, req.data[0]];
    if (req.netFn === 0x06 && req.cmd === 0x3c) return [0];
    if (req.netFn === 0x00 && req.cmd === 0x01) {
      if (this.pendingPower !== null && this.readsLeft-- <= 0) {
        this.powerOn = this.pendingPower;
        this.pendingPower = null;
      }
      return [0, this.powerOn ? 0x01 : 0x00, 0, 0];
    }
    if (req.netFn === 0x00 && req.cmd === 0x02) {
      if (this.controlCompletionCode !== 0) return [this.controlCompletionCode];
      if (!this.ignoreControl) {
        this.pendingPower = req.data[0] === 0x01;
        this.readsLeft = this.controlDelayReads;
      }
      return [0];
    }
    return [0xc1];
  }

  /** The reply datagram in the session the request arrived in. */
  frame(req: SeenRequest, answer: number[]): Buffer {
    const head = Buffer.from([0x81, (req.netFn + 1) << 2, 0]);
    head[2] = csum(head.subarray(0, 2));
    const body = Buffer.from([0x20, req.rqSeq << 2, req.cmd, ...answer]);
    const msg = Buffer.concat([head, body, Buffer.from([csum(body)])]);
    let seq = 0;
    let authType = 0;
    const sid = req.sessionId;
    if (sid !== 0) {
      authType = this.sessionAuth;
      seq = this.outSeq;
      this.outSeq = (this.outSeq + 1) >>> 0;
    }
    return this.datagram(authType, seq, sid, msg);
  }

  datagram(authType: number, seq: number, sid: number, msg: Buffer, password = this.password): Buffer {
    const code = authType === 0 ? Buffer.alloc(0) : authType === 2 ? md5Code(password, sid, msg, seq) : pad16(password);
    return Buffer.concat([Buffer.from([0x06, 0x00, 0xff, 0x07, authType]), le32(seq), le32(sid), code, Buffer.from([msg.length]), msg]);
  }

  /** The commands seen, as "netFn/cmd" hex pairs, e.g. "06/38". */
  commands(): string[] {
    return this.seen.map((r) => `${r.netFn.toString(16).padStart(2, '0')}/${r.cmd.toString(16).padStart(2, '0')}`);
  }
}
