// A protocol-level stand-in for an Areca controller's RS-232 API port:
// bytes from the host go in, reply bytes come out, answers are built from a
// mutable model. Pure and synchronous, so a later PTY or SerialLink adapter
// only has to pipe data both ways. Behaviour follows reference §8.1:
// - a request with a bad checksum is answered CHECKSUM_ERROR (0x4C);
// - codes 0x20 and up answer PASSWORD_REQUIRED (0x4D) until
//   GUI_CHECK_PASSWORD succeeded; GUI_LOGOUT locks again;
// - a missing raid set / volume / drive answers 0x44 / 0x45 / 0x46;
// - a documented command with a wrong data length answers PARAMETER_ERROR;
// - anything the model does not cover answers UNSUPPORTED_COMMAND (0x48).
// Garbage, a bad LEN or a frame cut short get no answer (what the firmware
// does there is not documented).
// Fault knobs (queueFault) let driver tests see lost, corrupted or noisy replies.

import { ARECA_COMMAND, ARECA_FIRST_PASSWORD_COMMAND, ARECA_STATUS } from './constants';
import { encodeDiskInfo } from './diskInfo';
import { encodeFrame } from './frame';
import { ArecaFramer, type ArecaFramerEvent } from './framer';
import { encodeRaidSetInfo } from './raidSetInfo';
import { statusBody } from './replies';
import { decodeRequest, type ArecaRequest } from './requests';
import type { ArecaSimulatorModel } from './simulatorModel';
import { encodeSystemInfo } from './systemInfo';
import { encodeVolumeInfo } from './volumeInfo';

export type ArecaSimulatorFault =
  /** Say nothing to the next request. */
  | { kind: 'drop' }
  /** Send the next reply with its checksum byte flipped. */
  | { kind: 'corrupt-checksum' }
  /** Send these bytes before the next reply. */
  | { kind: 'garbage'; bytes: Uint8Array }
  /** Answer the next request with this status, whatever it asked. */
  | { kind: 'status'; code: number };

export interface ArecaSimulatorExchange {
  /** Null when the request frame could not be decoded (or had a bad checksum). */
  request: ArecaRequest | null;
  /** Reply body sent (a forced status replaces it; checksum and garbage faults are not shown), or null if dropped. */
  replyBody: Buffer | null;
}

/** Exchanges kept for test assertions; older ones are dropped. */
export const SIMULATOR_HISTORY_MAX = 256;
/** Faults that may wait in the queue. */
export const SIMULATOR_FAULTS_MAX = 64;

export class ArecaSimulator {
  readonly model: ArecaSimulatorModel;
  loggedIn: boolean;
  beeperMuted = false;
  readonly history: ArecaSimulatorExchange[] = [];
  private readonly framer = new ArecaFramer();
  private readonly faults: ArecaSimulatorFault[] = [];

  constructor(model: ArecaSimulatorModel, options: { loggedIn?: boolean } = {}) {
    this.model = model;
    this.loggedIn = options.loggedIn ?? false;
  }

  /** Bytes from the host; returns the bytes to send back (possibly empty). */
  receive(bytes: Uint8Array): Buffer {
    return this.handle(this.framer.push(bytes));
  }

  /** The host went quiet: give up a partial request (it gets no answer). */
  lineIdle(): Buffer {
    return this.handle(this.framer.lineIdle());
  }

  /** Apply `fault` to the next reply; faults apply in the order queued. Returns false if the queue is full. */
  queueFault(fault: ArecaSimulatorFault): boolean {
    if (this.faults.length >= SIMULATOR_FAULTS_MAX) return false;
    this.faults.push(fault);
    return true;
  }

  private handle(events: ArecaFramerEvent[]): Buffer {
    const out: Buffer[] = [];
    for (const event of events) {
      if (event.kind === 'frame') {
        const decoded = decodeRequest(event.body);
        const body = decoded.ok ? this.answer(decoded.value) : statusBody(ARECA_STATUS.PARAMETER_ERROR);
        out.push(this.send(decoded.ok ? decoded.value : null, body));
      } else if (event.reason === 'bad-checksum') {
        out.push(this.send(null, statusBody(ARECA_STATUS.CHECKSUM_ERROR)));
      }
    }
    return Buffer.concat(out);
  }

  private send(request: ArecaRequest | null, body: Buffer): Buffer {
    const fault = this.faults.shift();
    const replyBody = fault?.kind === 'status' ? statusBody(fault.code) : body;
    this.record({ request, replyBody: fault?.kind === 'drop' ? null : replyBody });
    if (fault?.kind === 'drop') return Buffer.alloc(0);
    const frame = encodeFrame(replyBody);
    if (fault?.kind === 'corrupt-checksum') frame[frame.length - 1] ^= 0xff;
    return fault?.kind === 'garbage' ? Buffer.concat([fault.bytes, frame]) : frame;
  }

  private record(exchange: ArecaSimulatorExchange): void {
    this.history.push(exchange);
    if (this.history.length > SIMULATOR_HISTORY_MAX) this.history.shift();
  }

  /** Reply body for one decoded request, from the model. */
  answer(req: ArecaRequest): Buffer {
    const command = req.kind === 'raw' ? req.command : COMMAND_OF[req.kind];
    // Identify, check-password and logout are below 0x20, so they always pass this gate.
    if (command >= ARECA_FIRST_PASSWORD_COMMAND && !this.loggedIn) {
      return statusBody(ARECA_STATUS.PASSWORD_REQUIRED);
    }
    const m = this.model;
    switch (req.kind) {
      case 'identify':
        return Buffer.from(m.identifyText, 'latin1');
      case 'checkPassword':
        this.loggedIn = req.password === m.password;
        return statusBody(this.loggedIn ? ARECA_STATUS.OK : ARECA_STATUS.INVALID_PASSWORD);
      case 'logout':
        this.loggedIn = false;
        return statusBody(ARECA_STATUS.OK);
      case 'getSystemInfo':
        return encodeSystemInfo(m.system);
      case 'getRaidSetInfo': {
        const set = m.raidSets[req.raidSet];
        return set ? encodeRaidSetInfo(set) : statusBody(ARECA_STATUS.NO_RAIDSET);
      }
      case 'getVolumeInfo': {
        const vol = m.volumes[req.volume];
        return vol ? encodeVolumeInfo(vol) : statusBody(ARECA_STATUS.NO_VOLUMESET);
      }
      case 'getDiskInfo': {
        // The enclosure byte is accepted but the model has one flat drive list.
        const d = m.disks[req.disk];
        return d ? encodeDiskInfo(d) : statusBody(ARECA_STATUS.NO_PHYSICAL_DRIVE);
      }
      case 'muteBeeper':
        this.beeperMuted = true;
        return statusBody(ARECA_STATUS.OK);
      case 'raw':
        return statusBody(ARECA_STATUS.UNSUPPORTED_COMMAND);
    }
  }
}

const COMMAND_OF: Record<Exclude<ArecaRequest['kind'], 'raw'>, number> = {
  identify: ARECA_COMMAND.IDENTIFY,
  checkPassword: ARECA_COMMAND.CHECK_PASSWORD,
  logout: ARECA_COMMAND.LOGOUT,
  getRaidSetInfo: ARECA_COMMAND.GET_INFO_R,
  getVolumeInfo: ARECA_COMMAND.GET_INFO_V,
  getDiskInfo: ARECA_COMMAND.GET_INFO_P,
  getSystemInfo: ARECA_COMMAND.GET_INFO_S,
  muteBeeper: ARECA_COMMAND.MUTE_BEEPER,
};
