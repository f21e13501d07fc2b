// LC Technology LCUS-1/2/4/8 USB/serial relay boards (reference §9.6): 9600 8N1,
// a 4-byte frame `A0 <channel 01..08> <00 off | 01 on> <checksum>`, where the
// checksum is the low byte of the sum of the first three bytes. The board
// sends no acknowledgement, so this module only encodes frames and, for the
// simulator, decodes them from a byte stream.

import { err, ok, type Result } from '../../ups/result';

export const LCUS_START = 0xa0;
export const LCUS_FRAME_BYTES = 4;
export const LCUS_MAX_CHANNEL = 8;

export interface LcusCommand {
  channel: number;
  on: boolean;
}

export function lcusChecksum(b0: number, b1: number, b2: number): number {
  return (b0 + b1 + b2) & 0xff;
}

export function encodeLcusFrame(cmd: LcusCommand): Result<Uint8Array, string> {
  if (!Number.isInteger(cmd.channel) || cmd.channel < 1 || cmd.channel > LCUS_MAX_CHANNEL) {
    return err(`LCUS relay channel must be a whole number 1..${LCUS_MAX_CHANNEL}, got ${cmd.channel}`);
  }
  const state = cmd.on ? 0x01 : 0x00;
  return ok(Uint8Array.from([LCUS_START, cmd.channel, state, lcusChecksum(LCUS_START, cmd.channel, state)]));
}

export type LcusFrameError =
  | { kind: 'bad-checksum'; frame: number[]; expected: number }
  | { kind: 'bad-channel'; channel: number }
  | { kind: 'bad-state'; state: number }
  | { kind: 'stray-byte'; byte: number };

export function describeLcusFrameError(e: LcusFrameError): string {
  const hex = (n: number): string => n.toString(16).padStart(2, '0').toUpperCase();
  switch (e.kind) {
    case 'bad-checksum':
      return `LCUS frame ${e.frame.map(hex).join(' ')} has checksum ${hex(e.frame[3]!)}, expected ${hex(e.expected)}`;
    case 'bad-channel':
      return `LCUS frame names channel ${e.channel}, outside 1..${LCUS_MAX_CHANNEL}`;
    case 'bad-state':
      return `LCUS frame state byte ${hex(e.state)} is neither 00 (off) nor 01 (on)`;
    case 'stray-byte':
      return `byte ${hex(e.byte)} outside any LCUS frame (frames start with A0)`;
  }
}

/** Check one complete 4-byte frame. */
export function decodeLcusFrame(frame: Uint8Array): Result<LcusCommand, LcusFrameError> {
  const [b0, b1, b2, b3] = [frame[0] ?? -1, frame[1] ?? -1, frame[2] ?? -1, frame[3] ?? -1];
  if (frame.length !== LCUS_FRAME_BYTES || b0 !== LCUS_START) return err({ kind: 'stray-byte', byte: Math.max(0, b0) });
  const expected = lcusChecksum(b0, b1, b2);
  if (b3 !== expected) return err({ kind: 'bad-checksum', frame: [b0, b1, b2, b3], expected });
  if (b1 < 1 || b1 > LCUS_MAX_CHANNEL) return err({ kind: 'bad-channel', channel: b1 });
  if (b2 > 1) return err({ kind: 'bad-state', state: b2 });
  return ok({ channel: b1, on: b2 === 1 });
}

export type LcusStreamItem = { ok: true; value: LcusCommand } | { ok: false; error: LcusFrameError };

/**
 * Cuts a byte stream into frames as a board would: hunt for A0, take four
 * bytes, check them. Holds at most 3 bytes between pushes.
 */
export class LcusFrameReader {
  private held: number[] = [];

  get pendingBytes(): number {
    return this.held.length;
  }

  push(bytes: Uint8Array): LcusStreamItem[] {
    const out: LcusStreamItem[] = [];
    for (const byte of bytes) {
      if (this.held.length === 0 && byte !== LCUS_START) {
        out.push(err({ kind: 'stray-byte', byte }));
        continue;
      }
      this.held.push(byte);
      if (this.held.length === LCUS_FRAME_BYTES) {
        out.push(decodeLcusFrame(Uint8Array.from(this.held)));
        this.held = [];
      }
    }
    return out;
  }
}
