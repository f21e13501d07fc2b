// FenceDevice for an APC Switched Rack PDU over its AOS command line (telnet
// via a TCP link, or the serial console). Each operation logs in, runs its
// command, reads the outlet state back with `olStatus`, and logs out. An off
// is a success only when olStatus reads Off afterwards. The login and password
// are values handed in; every reason is passed through `redact` so neither can
// leak into logs or fence history, whatever the PDU echoes.

import type { FenceDevice, FenceOpResult, PowerStatusResult } from '../../../src/shell/fence/device';
import { asciiBytes } from '../../ups/transport';
import type { FenceClock, TransportFactory } from '../deps';
import { opResult, statusResult } from '../results';
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

export class ApcPduFenceDevice implements FenceDevice {
  readonly name: string;
  private readonly o: ApcPduFenceOptions & typeof DEFAULTS;

  constructor(options: ApcPduFenceOptions) {
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
    const start = this.now();
    const outlet = this.o.outlets[target];
    if (outlet === undefined) return statusResult(this.name, 'unknown', `no outlet configured for target "${target}"`, start, this.now());
    const r = await this.withLogin((s) => this.readState(s, outlet));
    if (!r.ok) return statusResult(this.name, 'unknown', this.clean(r.reason), start, this.now());
    return statusResult(this.name, r.value, `outlet ${outlet} reads ${r.value}`, start, this.now());
  }

  /** Reachable and working: log in and list every outlet. */
  async monitor(): Promise<FenceOpResult> {
    const start = this.now();
    const r = await this.withLogin(async (s) => {
      const reply = await this.run(s, { kind: 'status', outlet: 'all' });
      if (!reply.ok) return reply;
      if (reply.value.outlets.length === 0) return { ok: false, reason: 'olStatus all listed no outlets' };
      return { ok: true, value: reply.value.outlets.length };
    });
    return opResult(this.name, r.ok, r.ok ? `logged in; ${r.value} outlets listed` : this.clean(r.reason), start, this.now());
  }

  private async switchTo(target: string, want: 'off' | 'on'): Promise<FenceOpResult> {
    const start = this.now();
    const outlet = this.o.outlets[target];
    if (outlet === undefined) return opResult(this.name, false, `no outlet configured for target "${target}"`, start, this.now());
    const r = await this.withLogin(async (s): Promise<Step<'on' | 'off'>> => {
      const done = await this.run(s, { kind: want, outlet });
      if (!done.ok) return done;
      const state = await this.readState(s, outlet);
      if (!state.ok) return { ok: false, reason: `PDU took ${verb(want)} ${outlet} but the status check failed: ${state.reason}` };
      if (state.value !== want) return { ok: false, reason: `PDU took ${verb(want)} ${outlet} but outlet ${outlet} still reads ${state.value}` };
      return state;
    });
    return opResult(this.name, r.ok, r.ok ? `outlet ${outlet} switched ${want}; olStatus confirms ${want}` : this.clean(r.reason), start, this.now());
  }

  private async readState(s: TextSession, outlet: number): Promise<Step<'on' | 'off'>> {
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
  private withLogin<T>(body: (s: TextSession) => Promise<Step<T>>): Promise<Step<T>> {
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

  private clean(reason: string): string {
    return redact(reason, [this.o.password, this.o.login]);
  }

  private now(): number {
    return this.o.clock.nowMs();
  }
}

function verb(want: 'off' | 'on'): string {
  return want === 'off' ? 'olOff' : 'olOn';
}
