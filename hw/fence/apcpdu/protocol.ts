// APC Switched Rack PDU / MasterSwitch, newer AOS command line (reference §9.4;
// Debian fence_apc get/set_power_status5): log in at `User Name :` and
// `Password  :`, then at the `apc>` prompt `olOff <n>`, `olOn <n>` and
// `olStatus <n>|all`, which prints `<n>: <name>: On|Off`. AOS ends a command
// with a result code line such as `E000: Success` or `E102: Parameter Error`.
// Everything here is pure: text in, typed answers out, nothing thrown.

import { err, ok, type Result } from '../../ups/result';
import { describeBytes } from '../../ups/transport';
import type { Match } from '../textSession';

export const APC_PROMPT = 'apc>';
const USER_PROMPT = /User Name\s*:\s*$/;
const PASSWORD_PROMPT = /Password\s*:\s*$/;

export type ApcPduCommand = { kind: 'off' | 'on'; outlet: number } | { kind: 'status'; outlet: number | 'all' } | { kind: 'exit' };

export function encodeApcPduCommand(cmd: ApcPduCommand): Result<string, string> {
  if (cmd.kind === 'exit') return ok('exit');
  const o = cmd.outlet;
  if (!(o === 'all' && cmd.kind === 'status') && !(typeof o === 'number' && Number.isInteger(o) && o >= 1 && o <= 48)) {
    return err(`APC outlet must be a whole number 1..48${cmd.kind === 'status' ? ' or "all"' : ''}, got ${String(o)}`);
  }
  const verb = cmd.kind === 'off' ? 'olOff' : cmd.kind === 'on' ? 'olOn' : 'olStatus';
  return ok(`${verb} ${o}`);
}

export type ApcResultCode = { code: string; message: string };

export interface ApcOutletState {
  outlet: number;
  name: string;
  state: 'on' | 'off';
}

/** `E000: Success` → code E000; any other line → undefined. */
export function parseResultCode(line: string): ApcResultCode | undefined {
  const m = /^\s*(E[0-9]{3}):\s*(.*?)\s*$/.exec(line);
  return m ? { code: m[1]!, message: m[2]! } : undefined;
}

/** `  3: Outlet 3: Off` → outlet 3 off; names may contain colons, the state is the last field. */
export function parseOutletStatusLine(line: string): ApcOutletState | undefined {
  const m = /^\s*([0-9]{1,2}):\s*(.*):\s*(On|Off)\s*$/.exec(line);
  return m ? { outlet: Number(m[1]), name: m[2]!.trim(), state: m[3] === 'On' ? 'on' : 'off' } : undefined;
}

export interface ApcCommandReply {
  /** The AOS result code, when the firmware prints one. */
  result: ApcResultCode | undefined;
  outlets: ApcOutletState[];
}

/** Console text has printable ASCII, tabs and line ends; anything else is line noise or the wrong device. */
function hasGarbage(text: string): boolean {
  return /[^\x20-\x7e\t\r\n]/.test(text);
}

/** The login prompt (the PDU may print a banner first). */
export function matchUserPrompt(buffer: string): Match<true> {
  if (hasGarbage(buffer)) return { kind: 'fail', reason: `not an APC console: "${describeBytes(buffer, 40)}"` };
  return USER_PROMPT.test(buffer) ? { kind: 'match', value: true, consumed: buffer.length } : { kind: 'more' };
}

export function matchPasswordPrompt(buffer: string): Match<true> {
  if (hasGarbage(buffer)) return { kind: 'fail', reason: `not an APC console: "${describeBytes(buffer, 40)}"` };
  return PASSWORD_PROMPT.test(buffer) ? { kind: 'match', value: true, consumed: buffer.length } : { kind: 'more' };
}

/** After the password: the `apc>` prompt, or `User Name :` again when the login was refused. */
export function matchLoggedIn(buffer: string): Match<true> {
  if (hasGarbage(buffer)) return { kind: 'fail', reason: `not an APC console: "${describeBytes(buffer, 40)}"` };
  if (buffer.includes(APC_PROMPT)) return { kind: 'match', value: true, consumed: buffer.indexOf(APC_PROMPT) + APC_PROMPT.length };
  if (USER_PROMPT.test(buffer)) return { kind: 'fail', reason: 'login refused (the PDU asked for the user name again)' };
  return { kind: 'more' };
}

/**
 * Output of one command, up to the next `apc>` prompt. The echo of the command
 * and unknown text lines are skipped; result codes and outlet lines are kept.
 */
export function matchCommandReply(buffer: string): Match<ApcCommandReply> {
  const at = buffer.indexOf(APC_PROMPT);
  const body = at < 0 ? buffer : buffer.slice(0, at);
  if (hasGarbage(body)) return { kind: 'fail', reason: `garbled console output "${describeBytes(body, 40)}"` };
  if (at < 0) return { kind: 'more' };
  const reply: ApcCommandReply = { result: undefined, outlets: [] };
  for (const line of body.split(/[\r\n]+/)) {
    const code = parseResultCode(line);
    if (code) reply.result = code;
    const outlet = parseOutletStatusLine(line);
    if (outlet) reply.outlets.push(outlet);
  }
  return { kind: 'match', value: reply, consumed: at + APC_PROMPT.length };
}

/** A result code other than E000 is the PDU refusing the command. */
export function commandError(reply: ApcCommandReply): string | undefined {
  if (!reply.result || reply.result.code === 'E000') return undefined;
  return `PDU answered ${reply.result.code}: ${reply.result.message}`;
}

/** Replace every occurrence of each secret by `***`, so no reason ever carries a login or password. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length > 0) out = out.split(s).join('***');
  return out;
}
