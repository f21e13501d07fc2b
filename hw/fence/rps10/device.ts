// FenceDevice for a WTI RPS-10. Each operation opens the link (whose factory
// drops DTR for 2 s to reset the switch, §9.1: modem lines are the link's
// business), waits for `RPS-10 Ready`, sends one command and reads the answer.
// An off/on counts only when a status query afterwards reads the new state:
// the switch saying "Plug 0 Off / Complete" is not enough on its own.

import type { FenceDevice, FenceOpResult, PowerStatusResult } from '../../../src/shell/fence/device';
import type { FenceClock, TransportFactory } from '../deps';
import { opResult, statusResult } from '../results';
import { fromExpect, withTextSession, type Step } from '../step';
import type { Matcher, TextSession } from '../textSession';
import { matchReady, matchStatus, matchSwitched } from './answers';
import { encodeRps10Command, type Rps10Action } from './protocol';

export interface Rps10FenceOptions {
  name: string;
  /** Outlet (0..9: the master and its slaves) feeding each target. */
  outlets: Readonly<Record<string, number>>;
  openTransport: TransportFactory;
  clock: FenceClock;
  /** Wait for the `RPS-10 Ready` banner after opening (the link reset the switch). Default true. */
  waitForReady?: boolean;
  openTimeoutMs?: number;
  /** cluster-glue waits up to 12 s; 5-10 s is usual. */
  readyTimeoutMs?: number;
  /** For `Plug <n> ...` (cluster-glue: 5 s) and the status answer. */
  plugTimeoutMs?: number;
  /** For the whole switch answer including `Complete` (cluster-glue: 14 s on a reset). */
  completeTimeoutMs?: number;
}

const DEFAULTS = { waitForReady: true, openTimeoutMs: 5000, readyTimeoutMs: 12_000, plugTimeoutMs: 5000, completeTimeoutMs: 14_000 };

export class Rps10FenceDevice implements FenceDevice {
  readonly name: string;
  private readonly o: Rps10FenceOptions & typeof DEFAULTS;

  constructor(options: Rps10FenceOptions) {
    this.name = options.name;
    this.o = { ...DEFAULTS, ...options };
  }

  off(target: string): Promise<FenceOpResult> {
    return this.switchTo(target, 'off');
  }

  on(target: string): Promise<FenceOpResult> {
    return this.switchTo(target, 'on');
  }

  async status(target: string): Promise<PowerStatusResult> {
    const start = this.o.clock.nowMs();
    const outlet = this.o.outlets[target];
    if (outlet === undefined) return statusResult(this.name, 'unknown', `no outlet configured for target "${target}"`, start, this.now());
    const r = await this.withSession((s) => this.query(s, outlet));
    if (!r.ok) return statusResult(this.name, 'unknown', r.reason, start, this.now());
    return statusResult(this.name, r.value, `plug ${outlet} reads ${r.value}`, start, this.now());
  }

  /** The switch is alive when it resets, says Ready and answers a status query for plug 0. */
  async monitor(): Promise<FenceOpResult> {
    const start = this.o.clock.nowMs();
    const r = await this.withSession((s) => this.query(s, 0));
    return opResult(this.name, r.ok, r.ok ? 'switch answers status queries' : r.reason, start, this.now());
  }

  private async switchTo(target: string, want: 'off' | 'on'): Promise<FenceOpResult> {
    const start = this.o.clock.nowMs();
    const outlet = this.o.outlets[target];
    if (outlet === undefined) return opResult(this.name, false, `no outlet configured for target "${target}"`, start, this.now());
    const r = await this.withSession(async (s) => {
      const done = await this.command(s, outlet, want, matchSwitched(outlet, want), this.o.completeTimeoutMs, `"Plug ${outlet} ${cap(want)}" and "Complete"`);
      if (!done.ok) return done;
      const state = await this.query(s, outlet);
      if (!state.ok) return { ok: false, reason: `switch said plug ${outlet} ${want} but the status check failed: ${state.reason}` };
      if (state.value !== want) return { ok: false, reason: `switch said plug ${outlet} ${want} but status still reads ${state.value}` };
      return { ok: true, value: state.value };
    });
    return opResult(this.name, r.ok, r.ok ? `plug ${outlet} switched ${want}; status confirms ${want}` : r.reason, start, this.now());
  }

  private query(s: TextSession, outlet: number): Promise<Step<'on' | 'off'>> {
    return this.command(s, outlet, 'status', matchStatus(outlet), this.o.plugTimeoutMs, `"Plug ${outlet} On|Off"`);
  }

  private async command<T>(s: TextSession, outlet: number, action: Rps10Action, matcher: Matcher<T>, timeoutMs: number, what: string): Promise<Step<T>> {
    const bytes = encodeRps10Command({ address: outlet, action });
    if (!bytes.ok) return { ok: false, reason: bytes.error };
    s.discard();
    const sent = await s.send(bytes.value);
    if (!sent.ok) return fromExpect(sent);
    return fromExpect(await s.expect(matcher, timeoutMs, what));
  }

  /** Open, wait for Ready, run `body`, always close. */
  private withSession<T>(body: (s: TextSession) => Promise<Step<T>>): Promise<Step<T>> {
    return withTextSession(this.o.openTransport, this.o.clock, this.o.openTimeoutMs, 'switch', async (session) => {
      if (this.o.waitForReady) {
        const ready = fromExpect(await session.expect(matchReady, this.o.readyTimeoutMs, '"RPS-10 Ready"'));
        if (!ready.ok) return ready;
      }
      return body(session);
    });
  }

  private now(): number {
    return this.o.clock.nowMs();
  }
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
