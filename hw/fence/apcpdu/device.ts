// FenceDevice for an APC Switched Rack PDU over its AOS command line (telnet
// via a TCP link, or the serial console). Each operation logs in, runs its
// command, reads the outlet state back with `olStatus`, and logs out. An off
// is a success only when olStatus reads Off afterwards. The login and password
// are values handed in; every reason is passed through `redact` so neither can
// leak into logs or fence history, whatever the PDU echoes.

import { asciiBytes } from '../../ups/transport';
import type { FenceClock, TransportFactory } from '../deps';
import { confirmReadBack, outletFor, OutletFenceDevice, type OnOff } from '../outletDevice';
import { fromExpect, withTextSession, type Step } from '../step';
import type { Matcher, TextSession } from '../textSession';
import {
  commandError,
  encodeApcPduCommand,
  matchCommandReply,
  matchLoggedIn,
  matchPasswordPrompt,
  matchUserPrompt,
  redact,
  type ApcCommandReply,
  type ApcPduCommand,
} from './protocol';

export interface ApcPduFenceOptions {
  name: string;
  /** PDU outlet (1-based) feeding each target. */
  outlets: Readonly<Record<string, number>>;
  login: string;
  password: string;
  openTransport: TransportFactory;
  clock: FenceClock;
  /** Sent after each line; telnet consoles take CR LF, serial ones CR. */
  lineEnd?: string;
  openTimeoutMs?: number;
  /** For each login prompt. */
  promptTimeoutMs?: number;
  /** For each command's output up to the next prompt. */
  commandTimeoutMs?: number;
}

const DEFAULTS = { lineEnd: '\r\n', openTimeoutMs: 5000, promptTimeoutMs: 10_000, commandTimeoutMs: 10_000 };

export class ApcPduFenceDevice extends OutletFenceDevice<ApcPduFenceOptions & typeof DEFAULTS, number> {
  constructor(options: ApcPduFenceOptions) {
    super({ ...DEFAULTS, ...options });
  }

  protected locate(target: string): Step<number> {
    return outletFor(this.o.outlets, target);
  }

  protected stateText(outlet: number, state: OnOff): string {
    return `outlet ${outlet} reads ${state}`;
  }

  /** Reachable and working: log in and list every outlet. */
  protected async check(s: TextSession): Promise<Step<string>> {
    const reply = await this.run(s, { kind: 'status', outlet: 'all' });
    if (!reply.ok) return reply;
    if (reply.value.outlets.length === 0) return { ok: false, reason: 'olStatus all listed no outlets' };
    return { ok: true, value: `logged in; ${reply.value.outlets.length} outlets listed` };
  }

  protected async switchOutlet(s: TextSession, outlet: number, want: OnOff): Promise<Step<string>> {
    const done = await this.run(s, { kind: want, outlet });
    if (!done.ok) return done;
    const state = confirmReadBack(await this.readState(s, outlet), want, `PDU took ${verb(want)} ${outlet}`, `outlet ${outlet} still reads`);
    return state.ok ? { ok: true, value: `outlet ${outlet} switched ${want}; olStatus confirms ${want}` } : state;
  }

  protected async readState(s: TextSession, outlet: number): Promise<Step<OnOff>> {
    const reply = await this.run(s, { kind: 'status', outlet });
    if (!reply.ok) return reply;
    const line = reply.value.outlets.find((o) => o.outlet === outlet);
    if (!line) return { ok: false, reason: `olStatus ${outlet} printed no line for outlet ${outlet}` };
    return { ok: true, value: line.state };
  }

  /** Send one command and read its output; a result code other than E000 is a failure. */
  private async run(s: TextSession, cmd: ApcPduCommand): Promise<Step<ApcCommandReply>> {
    const text = encodeApcPduCommand(cmd);
    if (!text.ok) return { ok: false, reason: text.error };
    const reply = await this.exchange(s, text.value, matchCommandReply, this.o.commandTimeoutMs, `the reply to "${text.value}"`);
    if (!reply.ok) return reply;
    const refused = commandError(reply.value);
    return refused ? { ok: false, reason: `"${text.value}": ${refused}` } : reply;
  }

  private async exchange<T>(s: TextSession, line: string | undefined, m: Matcher<T>, timeoutMs: number, what: string): Promise<Step<T>> {
    if (line !== undefined) {
      s.discard();
      const sent = await s.send(asciiBytes(line + this.o.lineEnd));
      if (!sent.ok) return fromExpect(sent);
    }
    return fromExpect(await s.expect(m, timeoutMs, what));
  }

  /** Open, log in, run `body`, log out (best effort), always close. */
  protected session<T>(body: (s: TextSession) => Promise<Step<T>>): Promise<Step<T>> {
    return withTextSession(this.o.openTransport, this.o.clock, this.o.openTimeoutMs, 'PDU', async (s) => {
      const t = this.o.promptTimeoutMs;
      const user = await this.exchange(s, undefined, matchUserPrompt, t, 'the "User Name :" prompt');
      if (!user.ok) return user;
      const pass = await this.exchange(s, this.o.login, matchPasswordPrompt, t, 'the "Password :" prompt');
      if (!pass.ok) return pass;
      const shell = await this.exchange(s, this.o.password, matchLoggedIn, t, 'the "apc>" prompt after login');
      if (!shell.ok) return shell;
      const result = await body(s);
      await s.send(asciiBytes('exit' + this.o.lineEnd));
      return result;
    });
  }

  protected override clean(reason: string): string {
    return redact(reason, [this.o.password, this.o.login]);
  }
}

function verb(want: OnOff): string {
  return want === 'off' ? 'olOff' : 'olOn';
}
