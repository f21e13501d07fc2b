// FenceDevice for a WTI RPS-10. Each operation opens the link (whose factory
// drops DTR for 2 s to reset the switch, §9.1: modem lines are the link's
// business), waits for `RPS-10 Ready`, sends one command and reads the answer.
// An off/on counts only when a status query afterwards reads the new state:
// the switch saying "Plug 0 Off / Complete" is not enough on its own.

import type { FenceClock, TransportFactory } from '../deps';
import { confirmReadBack, outletFor, OutletFenceDevice, type OnOff } from '../outletDevice';
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

export class Rps10FenceDevice extends OutletFenceDevice<Rps10FenceOptions & typeof DEFAULTS, number> {
  constructor(options: Rps10FenceOptions) {
    super({ ...DEFAULTS, ...options });
  }

  protected locate(target: string): Step<number> {
    return outletFor(this.o.outlets, target);
  }

  protected stateText(outlet: number, state: OnOff): string {
    return `plug ${outlet} reads ${state}`;
  }

  /** The switch is alive when it resets, says Ready and answers a status query for plug 0. */
  protected async check(s: TextSession): Promise<Step<string>> {
    const r = await this.readState(s, 0);
    return r.ok ? { ok: true, value: 'switch answers status queries' } : r;
  }

  protected async switchOutlet(s: TextSession, outlet: number, want: OnOff): Promise<Step<string>> {
    const done = await this.command(s, outlet, want, matchSwitched(outlet, want), this.o.completeTimeoutMs, `"Plug ${outlet} ${cap(want)}" and "Complete"`);
    if (!done.ok) return done;
    const state = confirmReadBack(await this.readState(s, outlet), want, `switch said plug ${outlet} ${want}`, 'status still reads');
    return state.ok ? { ok: true, value: `plug ${outlet} switched ${want}; status confirms ${want}` } : state;
  }

  protected readState(s: TextSession, outlet: number): Promise<Step<OnOff>> {
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
  protected session<T>(body: (s: TextSession) => Promise<Step<T>>): Promise<Step<T>> {
    return withTextSession(this.o.openTransport, this.o.clock, this.o.openTimeoutMs, 'switch', async (session) => {
      if (this.o.waitForReady) {
        const ready = fromExpect(await session.expect(matchReady, this.o.readyTimeoutMs, '"RPS-10 Ready"'));
        if (!ready.ok) return ready;
      }
      return body(session);
    });
  }
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
