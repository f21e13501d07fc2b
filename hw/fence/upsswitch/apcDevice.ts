// FenceDevice for the peer's APC Smart UPS: cutting the UPS output is cutting
// the peer. Off follows cluster-glue: smart mode, `S`, and `@000` when the UPS
// answers NA (S only works on battery). The UPS turns the output off only
// after its grace delay (20 s by default), so the off is confirmed by polling
// `Q` until the output reads off, within `confirmWindowMs`. Note that `@000`
// brings the output back after the UPS's wake-up delay: the peer reboots.

import { APC_ESCAPE } from '../../ups/apcsmart/commands';
import { asciiBytes } from '../../ups/transport';
import type { FenceClock, TransportFactory } from '../deps';
import type { OnOff } from '../outletDevice';
import { fromExpect, pollState, withTextSession, type Step } from '../step';
import type { Matcher, TextSession } from '../textSession';
import { sleep } from '../timed';
import {
  APC_CMD_SHUTDOWN_RETURN,
  APC_CMD_SMART_MODE,
  APC_CMD_SOFT_SHUTDOWN,
  APC_CMD_STATUS,
  APC_CMD_TURN_ON,
  matchAck,
  matchOutputState,
  matchSmartMode,
  type ApcAckResult,
} from './apcProtocol';
import { UpsOutputFenceDevice } from './upsDevice';

export interface ApcUpsFenceOptions {
  name: string;
  /** The targets this UPS feeds (usually one: the peer). */
  targets: readonly string[];
  openTransport: TransportFactory;
  clock: FenceClock;
  openTimeoutMs?: number;
  /** Per answer; cluster-glue uses 3 s. */
  replyTimeoutMs?: number;
  /** Time allowed for the output to go off (grace delay) or on; 0..600 s grace on real units. */
  confirmWindowMs?: number;
  pollMs?: number;
  /** Gap between the bytes of `@000` (the UPS drops fast multi-byte commands). */
  pacingMs?: number;
  /** Gap between the two ^N of a turn-on (must exceed 1.5 s). */
  repeatGapMs?: number;
}

const DEFAULTS = { openTimeoutMs: 5000, replyTimeoutMs: 3000, confirmWindowMs: 60_000, pollMs: 2000, pacingMs: 50, repeatGapMs: 1600 };

export class ApcUpsFenceDevice extends UpsOutputFenceDevice<ApcUpsFenceOptions & typeof DEFAULTS> {
  constructor(options: ApcUpsFenceOptions) {
    super({ ...DEFAULTS, ...options });
  }

  protected async check(s: TextSession): Promise<Step<string>> {
    const r = await this.readState(s);
    return r.ok ? { ok: true, value: `UPS in smart mode, output ${r.value}` } : r;
  }

  protected switchOutlet(s: TextSession, _target: string, want: OnOff): Promise<Step<string>> {
    return want === 'off' ? this.cutOutput(s) : this.restoreOutput(s);
  }

  private async cutOutput(s: TextSession): Promise<Step<string>> {
    const sent = await this.shutdown(s);
    if (!sent.ok) return sent;
    const state = await pollState(() => this.readState(s), 'off', this.o.confirmWindowMs, this.o.pollMs, this.o.clock);
    return state.ok ? { ok: true, value: `UPS output off after ${sent.value}; Q confirms off` } : { ok: false, reason: `UPS acknowledged ${sent.value} but ${state.reason}` };
  }

  private async restoreOutput(s: TextSession): Promise<Step<string>> {
    // ^N is a "dangerous" command: it only acts when sent twice, more than 1.5 s apart.
    for (const gapMs of [0, this.o.repeatGapMs]) {
      await sleep(gapMs, this.o.clock.schedule);
      const sent = await s.send(asciiBytes(APC_CMD_TURN_ON));
      if (!sent.ok) return fromExpect(sent);
    }
    const state = await pollState(() => this.readState(s), 'on', this.o.confirmWindowMs, this.o.pollMs, this.o.clock);
    return state.ok ? { ok: true, value: 'UPS output on; Q confirms on' } : { ok: false, reason: `UPS was sent ^N twice but ${state.reason}` };
  }

  /** `S`, or `@000` when S is not supported now; returns the command that was taken. */
  private async shutdown(s: TextSession): Promise<Step<string>> {
    const soft = await this.ask(s, APC_CMD_SOFT_SHUTDOWN, matchAck, 'OK, * or NA after S');
    if (!soft.ok) return soft;
    if (soft.value === 'ok') return { ok: true, value: 'S' };
    const hard: Step<ApcAckResult> = await this.ask(s, APC_CMD_SHUTDOWN_RETURN, matchAck, `OK or * after ${APC_CMD_SHUTDOWN_RETURN}`);
    if (!hard.ok) return hard;
    if (hard.value !== 'ok') return { ok: false, reason: `UPS answered NA to both S and ${APC_CMD_SHUTDOWN_RETURN}` };
    return { ok: true, value: APC_CMD_SHUTDOWN_RETURN };
  }

  protected readState(s: TextSession): Promise<Step<OnOff>> {
    return this.ask(s, APC_CMD_STATUS, matchOutputState, 'the Q status bitmap');
  }

  /** Send a command (multi-byte ones paced) and read its answer. */
  private async ask<T>(s: TextSession, command: string, m: Matcher<T>, what: string): Promise<Step<T>> {
    s.discard();
    for (let i = 0; i < command.length; i++) {
      if (i > 0) await sleep(this.o.pacingMs, this.o.clock.schedule);
      const sent = await s.send(asciiBytes(command[i]!));
      if (!sent.ok) return fromExpect(sent);
    }
    return fromExpect(await s.expect(m, this.o.replyTimeoutMs, what));
  }

  /** Open the link and enter smart mode (one retry after ESC, as NUT does) before `body`. */
  protected session<T>(body: (s: TextSession) => Promise<Step<T>>): Promise<Step<T>> {
    return withTextSession(this.o.openTransport, this.o.clock, this.o.openTimeoutMs, 'UPS', async (s) => {
      let smart = await this.ask(s, APC_CMD_SMART_MODE, matchSmartMode, 'SM after Y');
      if (!smart.ok) {
        await s.send(asciiBytes(APC_ESCAPE));
        smart = await this.ask(s, APC_CMD_SMART_MODE, matchSmartMode, 'SM after Y');
      }
      if (!smart.ok) return { ok: false, reason: `UPS did not enter smart mode: ${smart.reason}` };
      return body(s);
    });
  }
}
