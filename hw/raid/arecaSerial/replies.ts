// Replies of the Areca serial API: a body of one byte is a status (§8.1
// "LEN == 1"), a longer one is the data the command asked for. The decoder
// needs the command it answers, because replies do not repeat it.

import type { Decoded } from './bytes';
import { ARECA_COMMAND, ARECA_STATUS, ARECA_STATUS_TEXT } from './constants';
import { decodeDiskInfo, type ArecaDiskInfo } from './diskInfo';
import { hex } from './frame';
import { decodeRaidSetInfo, type ArecaRaidSetInfo } from './raidSetInfo';
import { decodeSystemInfo, type ArecaSystemInfo } from './systemInfo';
import { decodeVolumeInfo, type ArecaVolumeInfo } from './volumeInfo';

export type ArecaReply =
  | { kind: 'status'; code: number; ok: boolean; text: string }
  | { kind: 'identify'; text: string }
  | { kind: 'systemInfo'; info: ArecaSystemInfo }
  | { kind: 'raidSetInfo'; info: ArecaRaidSetInfo }
  | { kind: 'volumeInfo'; info: ArecaVolumeInfo }
  | { kind: 'diskInfo'; info: ArecaDiskInfo }
  /** Data for a command without a typed decoder. */
  | { kind: 'data'; command: number; data: Buffer };

/** `password required`, or `unknown status 0x99`. */
export function statusText(code: number): string {
  return ARECA_STATUS_TEXT[code] ?? `unknown status 0x${hex(Uint8Array.of(code & 0xff))}`;
}

/** Body of a one-byte status reply. */
export function statusBody(code: number): Buffer {
  return Buffer.of(code & 0xff);
}

function wrap<T, R>(decoded: Decoded<T>, make: (value: T) => R, command: number): Decoded<R> {
  if (decoded.ok) return { ok: true, value: make(decoded.value) };
  return { ok: false, error: `reply to command 0x${hex(Uint8Array.of(command))}: ${decoded.error}` };
}

/** Decode the body of the reply to `command`. */
export function decodeReply(command: number, body: Uint8Array): Decoded<ArecaReply> {
  if (body.length === 0) return { ok: false, error: 'empty reply body' };
  if (body.length === 1) {
    const code = body[0];
    return { ok: true, value: { kind: 'status', code, ok: code === ARECA_STATUS.OK, text: statusText(code) } };
  }
  switch (command) {
    case ARECA_COMMAND.IDENTIFY:
      return { ok: true, value: { kind: 'identify', text: Buffer.from(body).toString('latin1') } };
    case ARECA_COMMAND.GET_INFO_S:
      return wrap(decodeSystemInfo(body), (info) => ({ kind: 'systemInfo' as const, info }), command);
    case ARECA_COMMAND.GET_INFO_R:
      return wrap(decodeRaidSetInfo(body), (info) => ({ kind: 'raidSetInfo' as const, info }), command);
    case ARECA_COMMAND.GET_INFO_V:
      return wrap(decodeVolumeInfo(body), (info) => ({ kind: 'volumeInfo' as const, info }), command);
    case ARECA_COMMAND.GET_INFO_P:
      return wrap(decodeDiskInfo(body), (info) => ({ kind: 'diskInfo' as const, info }), command);
    default:
      return { ok: true, value: { kind: 'data', command, data: Buffer.from(body) } };
  }
}
