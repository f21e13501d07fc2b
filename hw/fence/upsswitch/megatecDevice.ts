// FenceDevice for the peer's Megatec/Q1 UPS. Off sends `S.2R<m>` and waits a
// moment for an echo (the Megatec way of saying "not supported"; silence means
// accepted), then polls Q1 until the output voltage reads off. Silence to Q1
// is a failure like any other: an off is never taken on trust.

import type { EncodedMegatecCommand } from '../../ups/megatec/commands';
import type { Result } from '../../ups/result';
import type { FenceClock, TransportFactory } from '../deps';
import type { OnOff } from '../outletDevice';
import { fromExpect, pollState, withTextSession, type Step } from '../step';
import type { TextSession } from '../textSession';
import { UpsOutputFenceDevice } from './upsDevice';
import { DEFAULT_OFF_BELOW_VOLTS, matchActionEcho, matchQ1Output, megatecOffCommand, megatecOnCommand, megatecStatusCommand } from './megatecProtocol';

export interface MegatecUpsFenceOptions {
  name: string;
  /** The targets this UPS feeds (usually one: the peer). */
  targets: readonly string[];
  openTransport: TransportFactory;
  clock: FenceClock;
  /** Minutes after the off before the UPS turns the output back on; 0 keeps it off until `on`. */
  restoreMinutes?: number;
  offBelowVolts?: number;
  openTimeoutMs?: number;
  /** For the Q1 answer (NUT waits 1 s). */
  replyTimeoutMs?: number;
  /** How long to listen for an echo after an action. */
  echoWaitMs?: number;
  /** Time allowed for the output to change (the off comes 12 s after S.2). */
  confirmWindowMs?: number;
  pollMs?: number;
}

const DEFAULTS = { restoreMinutes: 0, offBelowVolts: DEFAULT_OFF_BELOW_VOLTS, openTimeoutMs: 5000, replyTimeoutMs: 1000, echoWaitMs: 1000, confirmWindowMs: 30_000, pollMs: 2000 };

export class MegatecUpsFenceDevice extends UpsOutputFenceDevice<MegatecUpsFenceOptions & typeof DEFAULTS> {
  constructor(options: MegatecUpsFenceOptions) {
    super({ ...DEFAULTS, ...options });
  }

  protected async check(s: TextSession): Promise<Step<string>> {
    const r = await this.readState(s);
    return r.ok ? { ok: true, value: `UPS answers Q1, output ${r.value}` } : r;
  }

  protected override prepare(want: OnOff): Step<void> {
    const command = this.command(want);
    return command.ok ? { ok: true, value: undefined } : { ok: false, reason: command.error };
  }

  protected async switchOutlet(s: TextSession, _target: string, want: OnOff): Promise<Step<string>> {
    const command = this.command(want);
    if (!command.ok) return { ok: false, reason: command.error };
    const cmd = command.value;
    const taken = await this.act(s, cmd);
    if (!taken.ok) return taken;
    const state = await pollState(() => this.readState(s), want, this.o.confirmWindowMs, this.o.pollMs, this.o.clock);
    return state.ok ? { ok: true, value: `UPS output ${want} after ${cmd.text}; Q1 confirms ${want}` } : { ok: false, reason: `UPS took ${cmd.text} but ${state.reason}` };
  }

  private command(want: OnOff): Result<EncodedMegatecCommand, string> {
    return want === 'off' ? megatecOffCommand(this.o.restoreMinutes) : megatecOnCommand();
  }

  /** Send an action; silence for echoWaitMs is acceptance, an echo is refusal, anything else is garbage. */
  private async act(s: TextSession, cmd: EncodedMegatecCommand): Promise<Step<void>> {
    s.discard();
    const sent = await s.send(cmd.bytes);
    if (!sent.ok) return fromExpect(sent);
    const heard = await s.expect(matchActionEcho(cmd.text), this.o.echoWaitMs, `silence after ${cmd.text}`);
    if (!heard.ok && heard.error.kind === 'silent') return { ok: true, value: undefined };
    if (heard.ok) return { ok: false, reason: `UPS echoed ${cmd.text}: it does not support this command` };
    return fromExpect(heard);
  }

  protected async readState(s: TextSession): Promise<Step<OnOff>> {
    const q1 = megatecStatusCommand();
    if (!q1.ok) return { ok: false, reason: q1.error };
    s.discard();
    const sent = await s.send(q1.value.bytes);
    if (!sent.ok) return fromExpect(sent);
    return fromExpect(await s.expect(matchQ1Output(this.o.offBelowVolts), this.o.replyTimeoutMs, 'the Q1 status line'));
  }

  protected session<T>(body: (s: TextSession) => Promise<Step<T>>): Promise<Step<T>> {
    return withTextSession(this.o.openTransport, this.o.clock, this.o.openTimeoutMs, 'UPS', body);
  }
}
