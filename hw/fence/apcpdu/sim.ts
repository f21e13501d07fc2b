// An APC Switched Rack PDU's AOS command line in software: login prompts,
// `apc>`, olOn/olOff/olStatus with E000-style result codes, command echo as a
// telnet console does (never the password). Host input is cut into lines at CR
// or LF with a bounded buffer. Power goes through the injected backend; `lie`
// answers E000 to olOff/olOn without switching.

import { BoundedLine } from '../../ups/boundedLine';
import type { Schedule } from '../../ups/schedule';
import { asciiBytes, type DataListener, type Unsubscribe } from '../../ups/transport';
import type { PowerBackend } from '../deps';
import { fenceSimFaults, FenceSimOutput, type FenceSimFaults } from '../sim/faults';

export interface ApcPduSimOptions {
  power: PowerBackend;
  schedule: Schedule;
  login: string;
  password: string;
  /** Outlets 1..outletCount exist. */
  outletCount?: number;
  faults?: Partial<FenceSimFaults>;
}

type Phase = 'user' | 'password' | 'shell' | 'closed';

const MAX_INPUT_LINE = 256;

export class ApcPduSim {
  readonly faults: FenceSimFaults;
  /** Command lines typed at the prompt (never the credentials). */
  readonly commands: string[] = [];
  loginFailures = 0;
  private phase: Phase = 'closed';
  private typedUser = '';
  private lastWasCr = false;
  private readonly line = new BoundedLine(MAX_INPUT_LINE);
  private readonly output: FenceSimOutput;

  constructor(private readonly options: ApcPduSimOptions) {
    this.faults = fenceSimFaults(options.faults);
    this.output = new FenceSimOutput(options.schedule, () => this.faults);
  }

  onOutput(listener: DataListener): Unsubscribe {
    return this.output.onOutput(listener);
  }

  /** A new telnet connection: the PDU asks for the user name. */
  connect(): void {
    this.phase = 'user';
    this.line.reset();
    this.say('\r\n\r\nUser Name : ');
  }

  receive(bytes: Uint8Array): void {
    for (const byte of bytes) {
      const afterCr = this.lastWasCr;
      this.lastWasCr = byte === 0x0d;
      if (byte !== 0x0d && byte !== 0x0a) {
        this.line.append(byte);
        continue;
      }
      // CR LF (telnet's line end) is one end of line, not an empty second line.
      if (byte === 0x0a && afterCr) continue;
      const ended = this.line.end();
      if (ended.kind === 'overflow') this.say('\r\nE101: Command Not Found\r\n\r\napc>');
      else if (ended.text !== '' || this.phase === 'shell') this.onLine(ended.text);
    }
  }

  private onLine(text: string): void {
    switch (this.phase) {
      case 'user':
        this.typedUser = text;
        this.phase = 'password';
        this.say(`${text}\r\nPassword  : `);
        return;
      case 'password':
        if (this.typedUser === this.options.login && text === this.options.password) {
          this.phase = 'shell';
          this.say('\r\n\r\nAmerican Power Conversion               Network Management Card AOS\r\n\r\napc>');
        } else {
          this.loginFailures++;
          this.phase = 'user';
          this.say('\r\n\r\nUser Name : ');
        }
        return;
      case 'shell':
        this.shell(text.trim());
        return;
      case 'closed':
        return;
    }
  }

  private shell(text: string): void {
    if (text === '') return this.say('\r\napc>');
    this.commands.push(text);
    if (text === 'exit' || text === 'quit') {
      this.phase = 'closed';
      return this.say(`${text}\r\nBye.\r\n`);
    }
    const m = /^(olOn|olOff|olStatus)\s+(\S+)$/.exec(text);
    if (!m) return this.answer(text, ['E101: Command Not Found']);
    const outlets = this.outletsFor(m[2]!, m[1] === 'olStatus');
    if (!outlets) return this.answer(text, ['E102: Parameter Error']);
    if (m[1] === 'olStatus') {
      const lines = outlets.map((n) => ` ${n}: Outlet ${n}: ${this.options.power.isOn(n) ? 'On' : 'Off'}`);
      return this.answer(text, ['E000: Success', ...lines]);
    }
    if (!this.faults.lie) for (const n of outlets) m[1] === 'olOn' ? this.options.power.powerOn(n) : this.options.power.powerOff(n);
    this.answer(text, ['E000: Success']);
  }

  private outletsFor(arg: string, allowAll: boolean): number[] | undefined {
    const count = this.options.outletCount ?? 8;
    if (arg === 'all' && allowAll) return Array.from({ length: count }, (_, i) => i + 1);
    const n = Number(arg);
    return Number.isInteger(n) && n >= 1 && n <= count ? [n] : undefined;
  }

  /** Echo, output lines, blank line, prompt: the shape of an AOS answer. */
  private answer(echo: string, lines: string[]): void {
    this.say(`${echo}\r\n${lines.map((l) => `${l}\r\n`).join('')}\r\napc>`);
  }

  private say(text: string): void {
    this.output.reply(asciiBytes(text));
  }
}
