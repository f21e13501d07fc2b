// FenceDevice for the classic APC MasterSwitch menu console. Off walks
// `1` Device Manager → outlet → Control Outlet → Immediate Off → `YES` →
// ENTER (items after the first are picked by their label, so the rack PDU's
// `2` and the MasterSwitch plus's `3` for off both work), then ESC twice back to the Device Manager list, whose line for the
// outlet must read OFF: the menu accepting the command is not enough. Logs out
// with ESC and `4`. Login and password go through `redact` like the AOS agent.

import { asciiBytes } from '../../ups/transport';
import type { FenceClock, TransportFactory } from '../deps';
import { outletFor, OutletFenceDevice, type OnOff } from '../outletDevice';
import { fromExpect, withTextSession, type Step } from '../step';
import type { Matcher, TextSession } from '../textSession';
import { findMenuChoice, matchConfirmPrompt, matchMenu, matchMenuLogin, matchPressEnter, parseMenuOutlets, switchLabel } from './menuProtocol';
import { matchPasswordPrompt, matchUserPrompt, redact } from './protocol';

export interface ApcMenuFenceOptions {
  name: string;
  /** PDU outlet (1-based) feeding each target. */
  outlets: Readonly<Record<string, number>>;
  login: string;
  password: string;
  openTransport: TransportFactory;
  clock: FenceClock;
  lineEnd?: string;
  openTimeoutMs?: number;
  /** For each prompt or menu. */
  promptTimeoutMs?: number;
}

const DEFAULTS = { lineEnd: '\r\n', openTimeoutMs: 5000, promptTimeoutMs: 10_000 };
const ESC = '\x1b';

export class ApcMenuFenceDevice extends OutletFenceDevice<ApcMenuFenceOptions & typeof DEFAULTS, number> {
  constructor(options: ApcMenuFenceOptions) {
    super({ ...DEFAULTS, ...options });
  }

  protected locate(target: string): Step<number> {
    return outletFor(this.o.outlets, target);
  }

  protected async readState(s: TextSession, outlet: number): Promise<Step<OnOff>> {
    const list = await this.step(s, '1', matchMenu, 'the Device Manager menu');
    return list.ok ? stateIn(list.value, outlet) : list;
  }

  protected stateText(outlet: number, state: OnOff): string {
    return `outlet ${outlet} reads ${state}`;
  }

  protected async check(s: TextSession): Promise<Step<string>> {
    const list = await this.step(s, '1', matchMenu, 'the Device Manager menu');
    if (!list.ok) return list;
    const n = parseMenuOutlets(list.value).length;
    return n > 0 ? { ok: true, value: `logged in; ${n} outlets listed` } : { ok: false, reason: 'the Device Manager menu lists no outlets' };
  }

  protected async switchOutlet(s: TextSession, outlet: number, want: OnOff): Promise<Step<string>> {
    const reached = await this.reachControlMenu(s, outlet);
    if (!reached.ok) return reached;
    const choice = findMenuChoice(reached.value, switchLabel(want));
    if (!choice) return { ok: false, reason: `the Control Outlet menu has no "Immediate ${cap(want)}" item` };
    const steps: [string, Matcher<unknown>, string][] = [
      [choice, matchConfirmPrompt, "the \"Enter 'YES'\" confirmation"],
      ['YES', matchPressEnter, '"Press <ENTER> to continue..."'],
      ['', matchMenu, 'the Control Outlet menu after the switch'],
      [ESC, matchMenu, `the menu of outlet ${outlet}`],
    ];
    for (const [line, m, what] of steps) {
      const r = await this.step(s, line, m, what);
      if (!r.ok) return r;
    }
    const list = await this.step(s, ESC, matchMenu, 'the Device Manager menu');
    if (!list.ok) return { ok: false, reason: `PDU confirmed the switch but the status check failed: ${list.reason}` };
    const state = stateIn(list.value, outlet);
    if (!state.ok) return { ok: false, reason: `PDU confirmed the switch but ${state.reason}` };
    if (state.value !== want) return { ok: false, reason: `PDU confirmed the ${want} but outlet ${outlet} still reads ${state.value}` };
    return { ok: true, value: `outlet ${outlet} switched ${want}; Device Manager shows ${want}` };
  }

  /** Device Manager (must list the outlet) → the outlet → its Control Outlet menu, each chosen by what the menu shows. */
  private async reachControlMenu(s: TextSession, outlet: number): Promise<Step<string>> {
    const list = await this.step(s, '1', matchMenu, 'the Device Manager menu');
    if (!list.ok) return list;
    const listed = stateIn(list.value, outlet);
    if (!listed.ok) return listed;
    const outletMenu = await this.step(s, String(outlet), matchMenu, `the menu of outlet ${outlet}`);
    if (!outletMenu.ok) return outletMenu;
    const control = findMenuChoice(outletMenu.value, /^Control Outlet$/);
    if (!control) return { ok: false, reason: `the menu of outlet ${outlet} has no "Control Outlet" item` };
    return this.step(s, control, matchMenu, 'the Control Outlet menu');
  }

  /** Send a menu key (ESC alone, anything else followed by the line end) and wait for what comes next. */
  private async step<T>(s: TextSession, key: string, m: Matcher<T>, what: string): Promise<Step<T>> {
    s.discard();
    const sent = await s.send(asciiBytes(key === ESC ? ESC : key + this.o.lineEnd));
    if (!sent.ok) return fromExpect(sent);
    return fromExpect(await s.expect(m, this.o.promptTimeoutMs, what));
  }

  protected session<T>(body: (s: TextSession) => Promise<Step<T>>): Promise<Step<T>> {
    return withTextSession(this.o.openTransport, this.o.clock, this.o.openTimeoutMs, 'PDU', async (s) => {
      const t = this.o.promptTimeoutMs;
      const user = fromExpect(await s.expect(matchUserPrompt, t, 'the "User Name :" prompt'));
      if (!user.ok) return user;
      const pass = await this.step(s, this.o.login, matchPasswordPrompt, 'the "Password :" prompt');
      if (!pass.ok) return pass;
      const top = await this.step(s, this.o.password, matchMenuLogin, 'the main menu after login');
      if (!top.ok) return top;
      const result = await body(s);
      // Back to the top (ESC is harmless there) and `4` Logout; best effort, the link closes anyway.
      for (const key of [ESC, ESC, ESC]) await s.send(asciiBytes(key));
      await s.send(asciiBytes('4' + this.o.lineEnd));
      return result;
    });
  }

  protected override clean(reason: string): string {
    return redact(reason, [this.o.password, this.o.login]);
  }
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function stateIn(menu: string, outlet: number): Step<OnOff> {
  const line = parseMenuOutlets(menu).find((o) => o.outlet === outlet);
  return line ? { ok: true, value: line.state } : { ok: false, reason: `the Device Manager menu has no line for outlet ${outlet}` };
}
