// Requests of the Areca serial API that the reference documents (§8.1), as a
// typed union; encodeRequest frames one, decodeRequest reads a received body
// back (the simulator's side). Other command codes travel as `raw`.

import type { Decoded } from './bytes';
import { ARECA_COMMAND, ARECA_MAX_LENGTH, ARECA_PASSWORD_MAX_CHARS } from './constants';
import { encodeFrame, hex } from './frame';

export type ArecaRequest =
  | { kind: 'identify' }
  | { kind: 'checkPassword'; password: string }
  | { kind: 'logout' }
  | { kind: 'getRaidSetInfo'; raidSet: number }
  | { kind: 'getVolumeInfo'; volume: number }
  /** disk is 0-based; enclosure (0-based) selects smartmontools' 2-byte variant for enclosure firmware. */
  | { kind: 'getDiskInfo'; disk: number; enclosure?: number }
  | { kind: 'getSystemInfo' }
  | { kind: 'muteBeeper' }
  | { kind: 'raw'; command: number; data: Uint8Array };

function isByte(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 0xff;
}

function byteParam(name: string, value: number, body: (v: number) => number[]): Decoded<Buffer> {
  if (!isByte(value)) return { ok: false, error: `${name} must be an integer 0..255, got ${value}` };
  return { ok: true, value: Buffer.from(body(value)) };
}

/** CMD + DATA of a request, or an error naming the bad field. */
export function requestBody(req: ArecaRequest): Decoded<Buffer> {
  switch (req.kind) {
    case 'identify':
      return { ok: true, value: Buffer.of(ARECA_COMMAND.IDENTIFY) };
    case 'logout':
      return { ok: true, value: Buffer.of(ARECA_COMMAND.LOGOUT) };
    case 'getSystemInfo':
      return { ok: true, value: Buffer.of(ARECA_COMMAND.GET_INFO_S) };
    case 'muteBeeper':
      return { ok: true, value: Buffer.of(ARECA_COMMAND.MUTE_BEEPER) };
    case 'checkPassword':
      return passwordBody(req.password);
    case 'getRaidSetInfo':
      return byteParam('raidSet', req.raidSet, (v) => [ARECA_COMMAND.GET_INFO_R, v]);
    case 'getVolumeInfo':
      return byteParam('volume', req.volume, (v) => [ARECA_COMMAND.GET_INFO_V, v]);
    case 'getDiskInfo':
      if (req.enclosure !== undefined && !isByte(req.enclosure)) {
        return { ok: false, error: `enclosure must be an integer 0..255, got ${req.enclosure}` };
      }
      return byteParam('disk', req.disk, (v) =>
        req.enclosure === undefined ? [ARECA_COMMAND.GET_INFO_P, v] : [ARECA_COMMAND.GET_INFO_P, v, req.enclosure],
      );
    case 'raw':
      return rawBody(req.command, req.data);
  }
}

function passwordBody(password: string): Decoded<Buffer> {
  const bytes = Buffer.from(password, 'latin1');
  if (bytes.length > ARECA_PASSWORD_MAX_CHARS || !/^[\x20-\x7e]*$/.test(password)) {
    return { ok: false, error: `password must be at most ${ARECA_PASSWORD_MAX_CHARS} printable ASCII characters` };
  }
  return { ok: true, value: Buffer.concat([Buffer.of(ARECA_COMMAND.CHECK_PASSWORD, bytes.length), bytes]) };
}

function rawBody(command: number, data: Uint8Array): Decoded<Buffer> {
  if (!isByte(command)) return { ok: false, error: `command must be an integer 0..255, got ${command}` };
  if (data.length + 1 > ARECA_MAX_LENGTH) {
    return { ok: false, error: `command 0x${hex(Uint8Array.of(command))} with ${data.length} data bytes exceeds LEN ${ARECA_MAX_LENGTH}` };
  }
  return { ok: true, value: Buffer.concat([Buffer.of(command), data]) };
}

/** The whole frame of a request, ready to write to the port. */
export function encodeRequest(req: ArecaRequest): Decoded<Buffer> {
  const body = requestBody(req);
  return body.ok ? { ok: true, value: encodeFrame(body.value) } : body;
}

/**
 * Read a received request body (CMD + DATA). Commands the reference does
 * not describe decode as `raw`; a documented command with the wrong data
 * length is an error (the controller would answer PARAMETER_ERROR).
 */
export function decodeRequest(body: Uint8Array): Decoded<ArecaRequest> {
  if (body.length === 0) return { ok: false, error: 'empty request body (no command byte)' };
  const command = body[0];
  const data = body.subarray(1);
  const want = (n: number | readonly number[], name: string): string | null =>
    (typeof n === 'number' ? [n] : n).includes(data.length)
      ? null
      : `${name} (0x${hex(Uint8Array.of(command))}) takes ${typeof n === 'number' ? n : n.join(' or ')} data byte(s), got ${data.length}`;
  const fail = (error: string | null): Decoded<ArecaRequest> | null => (error === null ? null : { ok: false, error });
  switch (command) {
    case ARECA_COMMAND.IDENTIFY:
      return fail(want(0, 'GUI_IDENTIFY')) ?? { ok: true, value: { kind: 'identify' } };
    case ARECA_COMMAND.LOGOUT:
      return fail(want(0, 'GUI_LOGOUT')) ?? { ok: true, value: { kind: 'logout' } };
    case ARECA_COMMAND.GET_INFO_S:
      return fail(want(0, 'GUI_GET_INFO_S')) ?? { ok: true, value: { kind: 'getSystemInfo' } };
    case ARECA_COMMAND.MUTE_BEEPER:
      return fail(want(0, 'GUI_MUTE_BEEPER')) ?? { ok: true, value: { kind: 'muteBeeper' } };
    case ARECA_COMMAND.GET_INFO_R:
      return fail(want(1, 'GUI_GET_INFO_R')) ?? { ok: true, value: { kind: 'getRaidSetInfo', raidSet: data[0] } };
    case ARECA_COMMAND.GET_INFO_V:
      return fail(want(1, 'GUI_GET_INFO_V')) ?? { ok: true, value: { kind: 'getVolumeInfo', volume: data[0] } };
    case ARECA_COMMAND.GET_INFO_P:
      return (
        fail(want([1, 2], 'GUI_GET_INFO_P')) ?? {
          ok: true,
          value: data.length === 2 ? { kind: 'getDiskInfo', disk: data[0], enclosure: data[1] } : { kind: 'getDiskInfo', disk: data[0] },
        }
      );
    case ARECA_COMMAND.CHECK_PASSWORD: {
      if (data.length < 1 || data[0] !== data.length - 1) {
        return { ok: false, error: `GUI_CHECK_PASSWORD length byte ${data[0] ?? 'missing'} does not match ${Math.max(0, data.length - 1)} password bytes` };
      }
      return { ok: true, value: { kind: 'checkPassword', password: Buffer.from(data.subarray(1)).toString('latin1') } };
    }
    default:
      return { ok: true, value: { kind: 'raw', command, data: Buffer.from(data) } };
  }
}
