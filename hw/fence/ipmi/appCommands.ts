// Request data and reply decoders of the IPMI App commands that set up and end
// a v1.5 LAN session (IPMI v2.0 §22.13-22.19). Data here excludes the
// completion code; the session layer checks that first.

import { AUTH_TYPE_CODE, type AuthTypeName } from './authCode';
import { fail, hex8, ok, readU32LE, shortOf, u32LE, type Decoded } from './decoded';

export const NETFN_APP = 0x06;
export const CMD_GET_CHANNEL_AUTH_CAPABILITIES = 0x38;
export const CMD_GET_SESSION_CHALLENGE = 0x39;
export const CMD_ACTIVATE_SESSION = 0x3a;
export const CMD_SET_SESSION_PRIVILEGE = 0x3b;
export const CMD_CLOSE_SESSION = 0x3c;

/** "The channel this request arrives on". */
export const CURRENT_CHANNEL = 0x0e;

export type PrivilegeName = 'CALLBACK' | 'USER' | 'OPERATOR' | 'ADMINISTRATOR';
export const PRIVILEGE_CODE: Readonly<Record<PrivilegeName, number>> = { CALLBACK: 1, USER: 2, OPERATOR: 3, ADMINISTRATOR: 4 };

export const USERNAME_BYTES = 16;
export const CHALLENGE_BYTES = 16;

export interface ChannelAuthCapabilities {
  channel: number;
  /** Auth types the BMC offers at the requested privilege. */
  authTypes: ReadonlySet<number>;
  /** The BMC also speaks IPMI v2.0 (RMCP+). */
  ipmiV20: boolean;
  /** Packets after activation may go unauthenticated (auth type none). */
  perMessageAuthDisabled: boolean;
  nonNullUsernames: boolean;
  nullUsernames: boolean;
  anonymousLogin: boolean;
}

export interface SessionChallenge {
  tempSessionId: number;
  challenge: Uint8Array;
}

export interface ActivatedSession {
  authType: number;
  sessionId: number;
  /** The session sequence number the console starts counting from. */
  initialInboundSeq: number;
  maxPrivilege: number;
}

export function channelAuthCapabilitiesRequest(privilege: PrivilegeName, askV20: boolean): Uint8Array {
  // Bit 7 asks a v2.0 BMC for its extended capabilities too.
  return Uint8Array.from([CURRENT_CHANNEL | (askV20 ? 0x80 : 0), PRIVILEGE_CODE[privilege]]);
}

export function decodeChannelAuthCapabilities(data: Uint8Array): Decoded<ChannelAuthCapabilities> {
  const short = shortOf(data, 8, 'Get Channel Authentication Capabilities reply');
  if (short) return short;
  const authTypes = new Set<number>();
  for (const bit of [0, 1, 2, 4, 5]) if (data[1] & (1 << bit)) authTypes.add(bit);
  return ok({
    channel: data[0],
    authTypes,
    ipmiV20: (data[1] & 0x80) !== 0,
    perMessageAuthDisabled: (data[2] & 0x10) !== 0,
    nonNullUsernames: (data[2] & 0x04) !== 0,
    nullUsernames: (data[2] & 0x02) !== 0,
    anonymousLogin: (data[2] & 0x01) !== 0,
  });
}

/** A user name as the 16 zero-padded bytes IPMI v1.5 carries. */
export function padUsername(user: string): Decoded<Uint8Array> {
  const bytes = Buffer.from(user, 'utf8');
  if (bytes.length > USERNAME_BYTES) return fail('bad-field', `user name is ${bytes.length} bytes; IPMI allows at most ${USERNAME_BYTES}`);
  const out = new Uint8Array(USERNAME_BYTES);
  out.set(bytes);
  return ok(out);
}

export function sessionChallengeRequest(authType: AuthTypeName, user16: Uint8Array): Uint8Array {
  return Uint8Array.from([AUTH_TYPE_CODE[authType], ...user16]);
}

export function decodeSessionChallenge(data: Uint8Array): Decoded<SessionChallenge> {
  const short = shortOf(data, 4 + CHALLENGE_BYTES, 'Get Session Challenge reply');
  if (short) return short;
  const tempSessionId = readU32LE(data, 0);
  if (tempSessionId === 0) return fail('bad-field', 'Get Session Challenge gave temporary session id 0, which means "no session"');
  return ok({ tempSessionId, challenge: data.slice(4, 4 + CHALLENGE_BYTES) });
}

export function activateSessionRequest(authType: AuthTypeName, privilege: PrivilegeName, challenge: Uint8Array, initialOutboundSeq: number): Uint8Array {
  return Uint8Array.from([AUTH_TYPE_CODE[authType], PRIVILEGE_CODE[privilege], ...challenge, ...u32LE(initialOutboundSeq)]);
}

export function decodeActivateSession(data: Uint8Array): Decoded<ActivatedSession> {
  const short = shortOf(data, 10, 'Activate Session reply');
  if (short) return short;
  const sessionId = readU32LE(data, 1);
  if (sessionId === 0) return fail('bad-field', 'Activate Session gave session id 0, which means "no session"');
  return ok({ authType: data[0] & 0x0f, sessionId, initialInboundSeq: readU32LE(data, 5), maxPrivilege: data[9] & 0x0f });
}

export function setSessionPrivilegeRequest(privilege: PrivilegeName): Uint8Array {
  return Uint8Array.from([PRIVILEGE_CODE[privilege]]);
}

export function decodeSetSessionPrivilege(data: Uint8Array, wanted: PrivilegeName): Decoded<number> {
  const short = shortOf(data, 1, 'Set Session Privilege Level reply');
  if (short) return short;
  const got = data[0] & 0x0f;
  if (got !== PRIVILEGE_CODE[wanted]) return fail('bad-field', `Set Session Privilege Level granted ${privilegeLabel(got)}, not ${wanted}`);
  return ok(got);
}

export function closeSessionRequest(sessionId: number): Uint8Array {
  return Uint8Array.from(u32LE(sessionId));
}

export function privilegeLabel(code: number): string {
  const name = (Object.keys(PRIVILEGE_CODE) as PrivilegeName[]).find((k) => PRIVILEGE_CODE[k] === code);
  return name ?? `privilege ${hex8(code)}`;
}
