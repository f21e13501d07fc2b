// An IPMI v1.5 LAN session (IPMI v2.0 §22.12, §6.12): Get Channel
// Authentication Capabilities, Get Session Challenge, Activate Session with
// the challenge, Set Session Privilege Level; then commands; Close Session.
// Every reply is checked before it counts: RMCP and checksums, our session
// id, the auth code (MD5 or password) and a session sequence number newer than
// the last one accepted, so a replayed or forged reply is ignored.

import type { Step } from '../step';
import {
  activateSessionRequest,
  channelAuthCapabilitiesRequest,
  closeSessionRequest,
  CMD_ACTIVATE_SESSION,
  CMD_CLOSE_SESSION,
  CMD_GET_CHANNEL_AUTH_CAPABILITIES,
  CMD_GET_SESSION_CHALLENGE,
  CMD_SET_SESSION_PRIVILEGE,
  decodeActivateSession,
  decodeChannelAuthCapabilities,
  decodeSessionChallenge,
  decodeSetSessionPrivilege,
  NETFN_APP,
  padUsername,
  sessionChallengeRequest,
  setSessionPrivilegeRequest,
} from './appCommands';
import { AUTH_TYPE_CODE, authCode, authCodeMatches, authTypeLabel, authTypeName, padPassword, type AuthTypeName } from './authCode';
import { ipmiCommand, type Unwrapped } from './command';
import { hex32, readU32LE, type Decoded } from './decoded';
import type { IpmiRequest } from './message';
import { decodeV15, encodeV15, type V15Packet } from './session15';
import type { IpmiCredentials, IpmiSession, SessionPolicy } from './session';
import type { DatagramLink } from './udpTransport';

/** Where the conversation is: headers and reply checks differ in each phase. */
type Phase = { kind: 'pre' } | { kind: 'activating'; tempSessionId: number } | { kind: 'active'; sessionId: number };

const HALF_RANGE = 0x8000_0000;

export class V15Conversation implements IpmiSession {
  private phase: Phase = { kind: 'pre' };
  private authType: AuthTypeName = 'none';
  private perMessageAuthDisabled = false;
  private rqSeq: number;
  /** Our next session sequence number (console to BMC). */
  private outSeq = 0;
  /** The BMC's last accepted sequence number; a reply must be newer. */
  private lastReplySeq = 0;

  constructor(
    private readonly link: DatagramLink,
    private readonly password16: Uint8Array,
    private readonly policy: SessionPolicy,
  ) {
    this.rqSeq = policy.randomBytes(1)[0] & 0x3f;
  }

  /** Open the session; the reason never contains the password. */
  static async open(link: DatagramLink, creds: IpmiCredentials, policy: SessionPolicy): Promise<Step<V15Conversation>> {
    const pw = padPassword(creds.password);
    if (!pw.ok) return { ok: false, reason: pw.error.message };
    const user16 = padUsername(creds.user);
    if (!user16.ok) return { ok: false, reason: user16.error.message };
    const c = new V15Conversation(link, pw.value, policy);
    const caps = await c.command(NETFN_APP, CMD_GET_CHANNEL_AUTH_CAPABILITIES, channelAuthCapabilitiesRequest(creds.privilege, false), 'Get Channel Authentication Capabilities');
    const capsValue = decodeStep(caps, decodeChannelAuthCapabilities);
    if (!capsValue.ok) return capsValue;
    const wanted = AUTH_TYPE_CODE[creds.authType];
    if (!capsValue.value.authTypes.has(wanted)) {
      const offered = [...capsValue.value.authTypes].map(authTypeLabel).join(', ') || 'nothing';
      return { ok: false, reason: `the BMC does not offer ${authTypeLabel(wanted)} authentication at ${creds.privilege} privilege (it offers: ${offered})` };
    }
    c.perMessageAuthDisabled = capsValue.value.perMessageAuthDisabled;
    const challenge = decodeStep(
      await c.command(NETFN_APP, CMD_GET_SESSION_CHALLENGE, sessionChallengeRequest(creds.authType, user16.value), 'Get Session Challenge'),
      decodeSessionChallenge,
    );
    if (!challenge.ok) return challenge;
    const activated = await c.activate(creds, challenge.value.tempSessionId, challenge.value.challenge);
    if (!activated.ok) return activated;
    const priv = await c.command(NETFN_APP, CMD_SET_SESSION_PRIVILEGE, setSessionPrivilegeRequest(creds.privilege), 'Set Session Privilege Level');
    const granted = decodeStep(priv, (d) => decodeSetSessionPrivilege(d, creds.privilege));
    if (!granted.ok) {
      await c.close();
      return granted;
    }
    return { ok: true, value: c };
  }

  private async activate(creds: IpmiCredentials, tempSessionId: number, challenge: Uint8Array): Promise<Step<void>> {
    this.authType = creds.authType;
    this.phase = { kind: 'activating', tempSessionId };
    // Below 2^31 so "newer than initial - 1" needs no wrap-around care.
    const initialOutbound = (readU32LE(this.policy.randomBytes(4), 0) % (HALF_RANGE - 1)) + 1;
    const data = activateSessionRequest(creds.authType, creds.privilege, challenge, initialOutbound);
    const reply = await this.command(NETFN_APP, CMD_ACTIVATE_SESSION, data, 'Activate Session');
    if (!reply.ok) {
      this.phase = { kind: 'pre' };
      // A BMC drops an Activate Session whose auth code is wrong without a word (OpenIPMI does).
      const hint = /^no valid reply/.test(reply.reason) ? ' (a BMC ignores an Activate Session with a wrong password or user)' : '';
      return { ok: false, reason: `${reply.reason}${hint}` };
    }
    const a = decodeActivateSession(reply.value);
    if (!a.ok) return { ok: false, reason: a.error.message };
    if (a.value.authType !== AUTH_TYPE_CODE[creds.authType]) {
      return { ok: false, reason: `the BMC activated the session with ${authTypeLabel(a.value.authType)} authentication, not ${authTypeLabel(AUTH_TYPE_CODE[creds.authType])}` };
    }
    this.phase = { kind: 'active', sessionId: a.value.sessionId };
    // 0 means a single-session BMC that does not check the number (§22.17).
    this.outSeq = a.value.initialInboundSeq === 0 ? 1 : a.value.initialInboundSeq;
    // The BMC numbers its replies from our initial outbound number (§22.17).
    this.lastReplySeq = (initialOutbound - 1) >>> 0;
    return { ok: true, value: undefined };
  }

  async command(netFn: number, cmd: number, data: Uint8Array, what: string): Promise<Step<Uint8Array>> {
    const request: IpmiRequest = { netFn, cmd, rqSeq: this.rqSeq, data };
    this.rqSeq = (this.rqSeq + 1) & 0x3f;
    const retries = cmd === CMD_CLOSE_SESSION && netFn === NETFN_APP ? 0 : this.policy.retries;
    return ipmiCommand(this.link, this.policy, { wrap: (m) => this.wrap(m), unwrap: (d) => this.unwrap(d) }, request, what, retries);
  }

  async close(): Promise<Step<void>> {
    if (this.phase.kind !== 'active') return { ok: true, value: undefined };
    const r = await this.command(NETFN_APP, CMD_CLOSE_SESSION, closeSessionRequest(this.phase.sessionId), 'Close Session');
    this.phase = { kind: 'pre' };
    return r.ok ? { ok: true, value: undefined } : r;
  }

  /** The datagram for one send; each send in a session takes the next sequence number. */
  private wrap(message: Uint8Array): Decoded<Uint8Array> {
    const p = this.phase;
    if (p.kind === 'pre') return encodeV15({ authType: 0, seq: 0, sessionId: 0, authCode: null, message });
    const sessionId = p.kind === 'active' ? p.sessionId : p.tempSessionId;
    let seq = 0;
    if (p.kind === 'active') {
      seq = this.outSeq;
      this.outSeq = (this.outSeq + 1) >>> 0 || 1;
    }
    const code = authCode(this.authType, this.password16, sessionId, message, seq);
    return encodeV15({ authType: AUTH_TYPE_CODE[this.authType], seq, sessionId, authCode: code, message });
  }

  /** The message of a datagram that belongs to this session; accepting it advances the reply sequence. */
  private unwrap(datagram: Uint8Array): Unwrapped {
    const packet = decodeV15(datagram);
    if (!packet.ok) return { ok: false, reason: packet.error.message };
    const p = packet.value;
    const header = this.headerProblem(p);
    if (header !== null) return { ok: false, reason: header };
    const active = this.phase.kind === 'active';
    return {
      ok: true,
      message: p.message,
      accept: () => {
        if (active) this.lastReplySeq = p.seq;
      },
    };
  }

  /** Why the session header is not one this phase accepts, or null. */
  private headerProblem(p: V15Packet): string | null {
    const phase = this.phase;
    if (phase.kind === 'pre') {
      if (p.authType !== 0 || p.sessionId !== 0) return `a reply outside a session must have auth type none and session id 0 (got ${authTypeLabel(p.authType)}, ${hex32(p.sessionId)})`;
      return null;
    }
    const expectedId = phase.kind === 'active' ? phase.sessionId : phase.tempSessionId;
    if (p.sessionId !== expectedId) return `session id ${hex32(p.sessionId)} is not this session's ${hex32(expectedId)}`;
    const type = authTypeName(p.authType);
    const unauthenticatedOk = phase.kind === 'active' && this.perMessageAuthDisabled && type === 'none';
    if (type !== this.authType && !unauthenticatedOk) return `reply auth type ${authTypeLabel(p.authType)} is not the session's ${authTypeLabel(AUTH_TYPE_CODE[this.authType])}`;
    if (type !== null && type !== 'none') {
      const expected = authCode(type, this.password16, p.sessionId, p.message, p.seq);
      if (!authCodeMatches(expected, p.authCode)) return 'reply auth code is wrong (forged, corrupted, or another password)';
    }
    if (phase.kind === 'active') {
      const ahead = (p.seq - this.lastReplySeq) >>> 0;
      if (ahead === 0 || ahead >= HALF_RANGE) return `reply session sequence ${hex32(p.seq)} is not newer than ${hex32(this.lastReplySeq)} (replayed or reordered)`;
    }
    return null;
  }
}

/** A command's reply data run through `decode`, as a Step. */
function decodeStep<T>(reply: Step<Uint8Array>, decode: (d: Uint8Array) => Decoded<T>): Step<T> {
  if (!reply.ok) return reply;
  const d = decode(reply.value);
  return d.ok ? d : { ok: false, reason: d.error.message };
}
