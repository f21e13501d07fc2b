// An IPMI v2.0 RMCP+ ("lanplus") session with cipher suite 3: Open Session,
// RAKP 1-4 (each side proves the password; we check the BMC's proof before
// sending ours), then every packet signed with HMAC-SHA1-96 and encrypted with
// AES-CBC-128. Replies must carry our session id, a valid integrity code and
// a sequence number newer than the last accepted one.

import type { Step } from '../step';
import { CMD_CLOSE_SESSION, CMD_SET_SESSION_PRIVILEGE, closeSessionRequest, decodeSetSessionPrivilege, NETFN_APP, PRIVILEGE_CODE, setSessionPrivilegeRequest, USERNAME_BYTES } from './appCommands';
import { ipmiCommand, type Unwrapped } from './command';
import { hex32, readU32LE, type Decoded } from './decoded';
import { exchange } from './exchange';
import type { IpmiRequest } from './message';
import {
  decodeOpenSessionResponse,
  decodeRakp2,
  decodeRakp4,
  describeRmcpPlusStatus,
  kuidOf,
  NAME_ONLY_LOOKUP,
  openSessionRequest,
  rakp1,
  rakp3,
  RakpSecrets,
} from './rakp';
import { decodeV20, encodeV20, PAYLOAD_IPMI, PAYLOAD_OPEN_SESSION_REQUEST, PAYLOAD_OPEN_SESSION_RESPONSE, PAYLOAD_RAKP1, PAYLOAD_RAKP2, PAYLOAD_RAKP3, PAYLOAD_RAKP4, type SessionKeys } from './rmcpPlusPacket';
import type { IpmiCredentials, IpmiSession, SessionPolicy } from './session';
import type { DatagramLink } from './udpTransport';

const HALF_RANGE = 0x8000_0000;

interface Tagged {
  tag: number;
  status: number;
  consoleSessionId: number;
}

export class V20Conversation implements IpmiSession {
  private keys: SessionKeys | null = null;
  private bmcSessionId = 0;
  private outSeq = 1;
  private lastReplySeq = 0;
  private rqSeq: number;
  private readonly consoleSessionId: number;

  private constructor(
    private readonly link: DatagramLink,
    private readonly policy: SessionPolicy,
  ) {
    this.rqSeq = policy.randomBytes(1)[0] & 0x3f;
    this.consoleSessionId = (readU32LE(policy.randomBytes(4), 0) % 0xffff_fffe) + 1;
  }

  /** Open the session; the reason never contains the password. */
  static async open(link: DatagramLink, creds: IpmiCredentials, policy: SessionPolicy): Promise<Step<V20Conversation>> {
    const kuid = kuidOf(creds.password);
    if (!kuid.ok) return { ok: false, reason: kuid.error.message };
    const user = Buffer.from(creds.user, 'utf8');
    if (user.length > USERNAME_BYTES) return { ok: false, reason: `user name is ${user.length} bytes; IPMI allows at most ${USERNAME_BYTES}` };
    const c = new V20Conversation(link, policy);
    const tag = policy.randomBytes(1)[0];
    const opened = await c.handshake(PAYLOAD_OPEN_SESSION_REQUEST, openSessionRequest(tag, c.consoleSessionId), PAYLOAD_OPEN_SESSION_RESPONSE, decodeOpenSessionResponse, 'RMCP+ Open Session', tag);
    if (!opened.ok) return opened;
    c.bmcSessionId = opened.value.bmcSessionId;
    const rm = policy.randomBytes(16);
    const role = PRIVILEGE_CODE[creds.privilege] | NAME_ONLY_LOOKUP;
    const secrets = new RakpSecrets(kuid.value, c.consoleSessionId, c.bmcSessionId, rm, role, user);
    const r2 = await c.handshake(PAYLOAD_RAKP1, rakp1(tag, c.bmcSessionId, rm, role, user), PAYLOAD_RAKP2, decodeRakp2, 'RAKP message 1', tag);
    if (!r2.ok) return r2;
    if (!secrets.rakp2Code(r2.value.rc, r2.value.guid).equals(r2.value.keyExchangeCode)) {
      return { ok: false, reason: 'RAKP message 2 key exchange code does not match this password: wrong password (or the BMC is not who it claims)' };
    }
    const sik = secrets.sik(r2.value.rc);
    const r4 = await c.handshake(PAYLOAD_RAKP3, rakp3(tag, c.bmcSessionId, secrets.rakp3Code(r2.value.rc)), PAYLOAD_RAKP4, decodeRakp4, 'RAKP message 3', tag);
    if (!r4.ok) return r4;
    if (!secrets.rakp4Code(sik, r2.value.guid).equals(r4.value.integrityCheck)) return { ok: false, reason: 'RAKP message 4 integrity check value is wrong' };
    c.keys = RakpSecrets.keys(sik);
    const priv = await c.command(NETFN_APP, CMD_SET_SESSION_PRIVILEGE, setSessionPrivilegeRequest(creds.privilege), 'Set Session Privilege Level');
    const granted = priv.ok ? decodeSetSessionPrivilege(priv.value, creds.privilege) : null;
    const refused = !priv.ok ? priv.reason : granted && !granted.ok ? granted.error.message : null;
    if (refused !== null) {
      await c.close();
      return { ok: false, reason: refused };
    }
    return { ok: true, value: c };
  }

  /** One unsecured setup message and its reply, matched by tag and our session id; a non-zero status is a failure. */
  private async handshake<T extends Tagged>(
    type: number,
    payload: Uint8Array,
    replyType: number,
    decode: (p: Uint8Array) => Decoded<T>,
    what: string,
    tag: number,
  ): Promise<Step<T>> {
    const r = await exchange<T>(
      this.link,
      {
        what,
        build: () => encodeV20({ payloadType: type, secured: false, sessionId: 0, seq: 0, payload }, null, new Uint8Array(16)),
        judge: (d) => {
          const p = decodeV20(d, null);
          if (!p.ok) return { kind: 'reject', reason: p.error.message };
          if (p.value.payloadType !== replyType) return { kind: 'reject', reason: `payload type 0x${p.value.payloadType.toString(16)} does not answer ${what}` };
          const m = decode(p.value.payload);
          if (!m.ok) return { kind: 'reject', reason: m.error.message };
          if (m.value.tag !== tag) return { kind: 'reject', reason: `message tag ${m.value.tag} is not ours (${tag})` };
          if (m.value.consoleSessionId !== this.consoleSessionId) return { kind: 'reject', reason: `console session id ${hex32(m.value.consoleSessionId)} is not ours` };
          return { kind: 'match', value: m.value };
        },
      },
      { timeoutMs: this.policy.timeoutMs, retries: this.policy.retries, schedule: this.policy.schedule },
    );
    if (!r.ok) return r;
    if (r.value.status !== 0) return { ok: false, reason: `${what} refused: ${describeRmcpPlusStatus(r.value.status)}` };
    return { ok: true, value: r.value };
  }

  async command(netFn: number, cmd: number, data: Uint8Array, what: string): Promise<Step<Uint8Array>> {
    if (this.keys === null) return { ok: false, reason: `${what}: the RMCP+ session is not open` };
    const request: IpmiRequest = { netFn, cmd, rqSeq: this.rqSeq, data };
    this.rqSeq = (this.rqSeq + 1) & 0x3f;
    const retries = cmd === CMD_CLOSE_SESSION && netFn === NETFN_APP ? 0 : this.policy.retries;
    return ipmiCommand(this.link, this.policy, { wrap: (m) => this.wrap(m), unwrap: (d) => this.unwrap(d) }, request, what, retries);
  }

  async close(): Promise<Step<void>> {
    if (this.keys === null) return { ok: true, value: undefined };
    const r = await this.command(NETFN_APP, CMD_CLOSE_SESSION, closeSessionRequest(this.bmcSessionId), 'Close Session');
    this.keys = null;
    return r.ok ? { ok: true, value: undefined } : r;
  }

  private wrap(message: Uint8Array): Decoded<Uint8Array> {
    const seq = this.outSeq;
    this.outSeq = (this.outSeq + 1) >>> 0 || 1;
    return encodeV20({ payloadType: PAYLOAD_IPMI, secured: true, sessionId: this.bmcSessionId, seq, payload: message }, this.keys, this.policy.randomBytes(16));
  }

  private unwrap(datagram: Uint8Array): Unwrapped {
    const packet = decodeV20(datagram, this.keys);
    if (!packet.ok) return { ok: false, reason: packet.error.message };
    const p = packet.value;
    if (!p.secured) return { ok: false, reason: 'an unsigned, unencrypted packet inside an RMCP+ session' };
    if (p.payloadType !== PAYLOAD_IPMI) return { ok: false, reason: `payload type 0x${p.payloadType.toString(16)} is not an IPMI message` };
    if (p.sessionId !== this.consoleSessionId) return { ok: false, reason: `session id ${hex32(p.sessionId)} is not this session's ${hex32(this.consoleSessionId)}` };
    const ahead = (p.seq - this.lastReplySeq) >>> 0;
    if (ahead === 0 || ahead >= HALF_RANGE) return { ok: false, reason: `reply session sequence ${hex32(p.seq)} is not newer than ${hex32(this.lastReplySeq)} (replayed or reordered)` };
    return { ok: true, message: p.payload, accept: () => (this.lastReplySeq = p.seq) };
  }
}
