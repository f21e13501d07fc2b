// Completion codes a BMC answers with (IPMI v2.0 §5.2, Table 5-2), and the
// command-specific ones of the session commands, as readable text for reasons.

import { hex8 } from './decoded';
import { CMD_ACTIVATE_SESSION, CMD_GET_SESSION_CHALLENGE, CMD_SET_SESSION_PRIVILEGE } from './appCommands';

const GENERIC: Readonly<Record<number, string>> = {
  0xc0: 'node busy',
  0xc1: 'invalid command',
  0xc2: 'command invalid for this LUN',
  0xc3: 'timeout while processing the command',
  0xc4: 'out of space',
  0xc5: 'reservation cancelled or invalid',
  0xc6: 'request data truncated',
  0xc7: 'request data length invalid',
  0xc8: 'request data field length limit exceeded',
  0xc9: 'parameter out of range',
  0xca: 'cannot return the number of requested data bytes',
  0xcb: 'requested sensor, data or record not present',
  0xcc: 'invalid data field in request',
  0xcd: 'command illegal for this sensor or record type',
  0xce: 'command response could not be provided',
  0xcf: 'cannot execute a duplicated request',
  0xd0: 'SDR repository in update mode',
  0xd1: 'device in firmware update mode',
  0xd2: 'BMC initialization in progress',
  0xd3: 'destination unavailable',
  0xd4: 'insufficient privilege level',
  0xd5: 'command not supported in present state',
  0xd6: 'sub-function disabled or unavailable',
  0xff: 'unspecified error',
};

const SPECIFIC: Readonly<Record<number, Readonly<Record<number, string>>>> = {
  [CMD_GET_SESSION_CHALLENGE]: { 0x81: 'invalid user name', 0x82: 'null user name not enabled' },
  [CMD_ACTIVATE_SESSION]: {
    0x81: 'no session slot available',
    0x82: 'no slot available for this user',
    0x83: 'no slot available at this privilege',
    0x84: 'session sequence number out of range',
    0x85: 'invalid session id in request',
    0x86: 'requested privilege exceeds the user or channel limit',
  },
  [CMD_SET_SESSION_PRIVILEGE]: {
    0x80: 'privilege level not available for this user',
    0x81: 'privilege level exceeds the user or channel limit',
    0x82: 'cannot disable user-level authentication',
  },
};

/** "completion code 0xcc (invalid data field in request)". App-netFn commands get their specific codes. */
export function describeCompletionCode(code: number, appCmd?: number): string {
  const specific = appCmd === undefined ? undefined : SPECIFIC[appCmd]?.[code];
  const text = specific ?? GENERIC[code] ?? (code >= 0x80 && code <= 0xbe ? 'command-specific error' : 'unknown error');
  return `completion code ${hex8(code)} (${text})`;
}
