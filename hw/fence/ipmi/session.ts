// What the fence device needs from an IPMI LAN session, whichever protocol
// version opened it, and the knobs every session shares.

import type { Schedule } from '../../ups/schedule';
import type { Step } from '../step';
import type { PrivilegeName } from './appCommands';
import type { AuthTypeName } from './authCode';

export interface IpmiSession {
  /** One command in the session; the value is the reply data after a zero completion code. */
  command(netFn: number, cmd: number, data: Uint8Array, what: string): Promise<Step<Uint8Array>>;
  /** Best effort: one try, a lost reply is not an error worth retrying for. */
  close(): Promise<Step<void>>;
}

export interface SessionPolicy {
  /** Per request; a retry waits this long again. */
  timeoutMs: number;
  retries: number;
  schedule: Schedule;
  /** Challenge-independent randomness: the initial outbound sequence number, the first rqSeq. */
  randomBytes: (n: number) => Uint8Array;
}

export interface IpmiCredentials {
  /** Empty for the null user. */
  user: string;
  password: string;
  privilege: PrivilegeName;
  /** v1.5 only; RMCP+ negotiates its own algorithms. */
  authType: AuthTypeName;
}
