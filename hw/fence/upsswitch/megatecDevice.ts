// FenceDevice for the peer's Megatec/Q1 UPS. Off sends `S.2R<m>` and waits a
// moment for an echo (the Megatec way of saying "not supported"; silence means
// accepted), then polls Q1 until the output voltage reads off. Silence to Q1
// is a failure like any other: an off is never taken on trust.

import type { FenceDevice, FenceOpResult, PowerStatusResult } from '../../../src/shell/fence/device';
import type { EncodedMegatecCommand } from '../../ups/megatec/commands';
import type { Result } from '../../ups/result';
import type { FenceClock, TransportFactory } from '../deps';
import { opResult, statusResult } from '../results';
import { fromExpect, pollState, withTextSession, type Step } from '../step';
import type { TextSession } from '../textSession';
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

export class MegatecUpsFenceDevice implements FenceDevice {
  readonly name: string;
  private readonly o: MegatecUpsFenceOptions & typeof DEFAULTS;

  constructor(options: MegatecUpsFenceOptions) {
    this.name = options.name;
    this.o = { ...DEFAULTS, ...options };
  }

  off(target: string): Promise<FenceOpResult> {
    return this.switchTo(target, 'off', megatecOffCommand(this.o.restoreMinutes));
  }

  on(target: string): Promise<FenceOpResult> {
    return this.switchTo(target, 'on', megatecOnCommand());
  }

  async status(target: string): Promise<PowerStatusResult> {
    const start = this.now();
    if (!this.o.targets.includes(target)) return statusResult(this.name, 'unknown', `this UPS does not feed target "${target}"`, start, this.now());
    const r = await this.session((s) => this.readState(s));
    return statusResult(this.name, r.ok ? r.value : 'unknown', r.ok ? `UPS output reads ${r.value}` : r.reason, start, this.now());
  }

  async monitor(): Promise<FenceOpResult> {
    const start = this.now();
    const r = await this.session((s) => this.readState(s));
    return opResult(this.name, r.ok, r.ok ? `UPS answers Q1, output ${r.value}` : r.reason, start, this.now());
  }

  private async switchTo(target: string, want: 'on' | 'off', command: Result<EncodedMegatecCommand, string>): Promise<FenceOpResult> {
    const start = this.now();
    if (!this.o.targets.includes(target)) return opResult(this.name, false, `this UPS does not feed target "${target}"`, start, this.now());
    if (!command.ok) return opResult(this.name, false, command.error, start, this.now());
    const cmd = command.value;
    const r = await this.session(async (s) => {
      const taken = await this.act(s, cmd);
      if (!taken.ok) return taken;
      const state = await pollState(() => this.readState(s), want, this.o.confirmWindowMs, this.o.pollMs, this.o.clock);
      return state.ok ? state : { ok: false, reason: `UPS took ${cmd.text} but ${state.reason}` };
    });
    return opResult(this.name, r.ok, r.ok ? `UPS output ${want} after ${cmd.text}; Q1 confirms ${want}` : r.reason, start, this.now());
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

  private async readState(s: TextSession): Promise<Step<'on' | 'off'>> {
    const q1 = megatecStatusCommand();
    if (!q1.ok) return { ok: false, reason: q1.error };
    s.discard();
    const sent = await s.send(q1.value.bytes);
    if (!sent.ok) return fromExpect(sent);
    return fromExpect(await s.expect(matchQ1Output(this.o.offBelowVolts), this.o.replyTimeoutMs, 'the Q1 status line'));
  }

  private session<T>(body: (s: TextSession) => Promise<Step<T>>): Promise<Step<T>> {
    return withTextSession(this.o.openTransport, this.o.clock, this.o.openTimeoutMs, 'UPS', body);
  }

  private now(): number {
    return this.o.clock.nowMs();
  }
}
