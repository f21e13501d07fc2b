// WTI RPS-10 serial power switch (reference §9.1, cluster-glue rps10.c).
// Host → switch: the fixed "password" ^B ^X ^X ^B ^X ^X, an address (`0`..`9`
// or `*`), a command (`0` off, `1` on, `T` toggle, `?` status) and CR: 9 bytes.
// Switch → host: text lines ended by CR LF or LF CR: `RPS-10 Ready` after a
// reset, `Plug <n> Off|On`, and `Complete` when a command is finished.

import { err, ok, type Result } from '../../ups/result';
import { describeBytes } from '../../ups/transport';

export const RPS10_PREFIX = [0x02, 0x18, 0x18, 0x02, 0x18, 0x18] as const;
export const RPS10_COMMAND_BYTES = 9;
/** No reply line is longer than `RPS-10 Ready`; anything past this is not the RPS-10 talking. */
export const RPS10_MAX_LINE_CHARS = 64;

export type Rps10Address = number | '*';
export type Rps10Action = 'off' | 'on' | 'toggle' | 'status';
export interface Rps10Command {
  address: Rps10Address;
  action: Rps10Action;
}

const ACTION_CHAR: Record<Rps10Action, string> = { off: '0', on: '1', toggle: 'T', status: '?' };

export function encodeRps10Command(cmd: Rps10Command): Result<Uint8Array, string> {
  const a = cmd.address;
  if (a !== '*' && !(Number.isInteger(a) && a >= 0 && a <= 9)) return err(`RPS-10 address must be 0..9 or "*", got ${String(a)}`);
  const action = ACTION_CHAR[cmd.action];
  if (action === undefined) return err(`unknown RPS-10 action ${JSON.stringify(cmd.action)}`);
  return ok(Uint8Array.from([...RPS10_PREFIX, String(a).charCodeAt(0), action.charCodeAt(0), 0x0d]));
}

/** Decode one 9-byte command (the simulator's side). */
export function decodeRps10Command(frame: Uint8Array): Result<Rps10Command, string> {
  if (frame.length !== RPS10_COMMAND_BYTES) return err(`RPS-10 command must be ${RPS10_COMMAND_BYTES} bytes, got ${frame.length}`);
  for (let i = 0; i < RPS10_PREFIX.length; i++) {
    if (frame[i] !== RPS10_PREFIX[i]) return err('RPS-10 command does not start with ^B^X^X^B^X^X');
  }
  const addr = String.fromCharCode(frame[6]!);
  const actionChar = String.fromCharCode(frame[7]!);
  if (frame[8] !== 0x0d) return err('RPS-10 command does not end with CR');
  const address: Rps10Address | undefined = addr === '*' ? '*' : /^[0-9]$/.test(addr) ? Number(addr) : undefined;
  if (address === undefined) return err(`RPS-10 address byte "${describeBytes(addr)}" is not 0..9 or *`);
  const action = (Object.keys(ACTION_CHAR) as Rps10Action[]).find((k) => ACTION_CHAR[k] === actionChar);
  if (!action) return err(`RPS-10 command byte "${describeBytes(actionChar)}" is not 0, 1, T or ?`);
  return ok({ address, action });
}

export type Rps10Line = { kind: 'ready' } | { kind: 'complete' } | { kind: 'plug'; outlet: number; state: 'on' | 'off' };

export function parseRps10Line(line: string): Result<Rps10Line, string> {
  if (line.length > RPS10_MAX_LINE_CHARS) return err(`line of ${line.length} chars is too long for an RPS-10 reply`);
  const text = line.trim();
  if (text === 'RPS-10 Ready') return ok({ kind: 'ready' });
  if (text === 'Complete') return ok({ kind: 'complete' });
  const m = /^Plug ([0-9]) (On|Off)$/.exec(text);
  if (m) return ok({ kind: 'plug', outlet: Number(m[1]), state: m[2] === 'On' ? 'on' : 'off' });
  return err(`"${describeBytes(line, 40)}" is not an RPS-10 reply (Plug <n> On|Off, Complete, RPS-10 Ready)`);
}

/**
 * Complete lines at the front of `buffer` (CR or LF ends a line, so CR LF and
 * LF CR both work; empty lines are skipped) and how many chars they used.
 */
export function splitLines(buffer: string): { lines: string[]; consumed: number } {
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i < buffer.length; i++) {
    const c = buffer.charCodeAt(i);
    if (c !== 0x0d && c !== 0x0a) continue;
    if (i > start) lines.push(buffer.slice(start, i));
    start = i + 1;
  }
  return { lines, consumed: start };
}

/** Reads host commands from a byte stream for the simulator; holds at most 8 bytes. */
export class Rps10CommandReader {
  private held: number[] = [];

  get pendingBytes(): number {
    return this.held.length;
  }

  push(bytes: Uint8Array): Result<Rps10Command, string>[] {
    const out: Result<Rps10Command, string>[] = [];
    for (const byte of bytes) {
      if (this.held.length === 0 && byte !== RPS10_PREFIX[0]) continue;
      this.held.push(byte);
      const i = this.held.length - 1;
      if (i < RPS10_PREFIX.length && byte !== RPS10_PREFIX[i]) {
        out.push(err(`RPS-10 command prefix broken at byte ${i + 1}`));
        this.held = byte === RPS10_PREFIX[0] ? [byte] : [];
      } else if (this.held.length === RPS10_COMMAND_BYTES) {
        out.push(decodeRps10Command(Uint8Array.from(this.held)));
        this.held = [];
      }
    }
    return out;
  }
}
