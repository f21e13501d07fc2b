// The classic APC MasterSwitch menu console in software: login, a main menu,
// `1` Device Manager listing outlets as `<n>- <name>   ON|OFF`, an outlet
// menu, the Control Outlet menu, the `YES` confirmation and `Press <ENTER> to
// continue...`. ESC goes up one level; ENTER redraws. `lie` confirms switches
// without switching. Host lines are bounded like the AOS simulator's.

import { BoundedLine } from '../../ups/boundedLine';
import type { Schedule } from '../../ups/schedule';
import { asciiBytes, type DataListener, type Unsubscribe } from '../../ups/transport';
import type { PowerBackend } from '../deps';
import { fenceSimFaults, FenceSimOutput, type FenceSimFaults } from '../sim/faults';
import { controlChoice, type ApcMenuVariant } from './menuProtocol';

export interface ApcMenuSimOptions {
  power: PowerBackend;
  schedule: Schedule;
  login: string;
  password: string;
  outletCount?: number;
  variant?: ApcMenuVariant;
  faults?: Partial<FenceSimFaults>;
}

type Screen = 'user' | 'password' | 'top' | 'list' | 'outlet' | 'control' | 'confirm' | 'enter' | 'closed';

export class ApcMenuSim {
  readonly faults: FenceSimFaults;
  /** Every (outlet, action) the console confirmed. */
  readonly switched: { outlet: number; want: 'on' | 'off' }[] = [];
  private screen: Screen = 'closed';
  private typedUser = '';
  private outlet = 0;
  private want: 'on' | 'off' = 'off';
  private lastWasCr = false;
  private readonly line = new BoundedLine(64);
  private readonly output: FenceSimOutput;

  constructor(private readonly options: ApcMenuSimOptions) {
    this.faults = fenceSimFaults(options.faults);
    this.output = new FenceSimOutput(options.schedule, () => this.faults);
  }

  onOutput(listener: DataListener): Unsubscribe {
    return this.output.onOutput(listener);
  }

  connect(): void {
    this.screen = 'user';
    this.say('\r\nUser Name : ');
  }

  receive(bytes: Uint8Array): void {
    for (const byte of bytes) {
      const afterCr = this.lastWasCr;
      this.lastWasCr = byte === 0x0d;
      if (byte === 0x1b) this.escape();
      else if (byte === 0x0a && afterCr) continue;
      else if (byte === 0x0d || byte === 0x0a) {
        const ended = this.line.end();
        this.enter(ended.kind === 'line' ? ended.text.trim() : '');
      } else this.line.append(byte);
    }
  }

  private escape(): void {
    const up: Partial<Record<Screen, Screen>> = { list: 'top', outlet: 'list', control: 'outlet', confirm: 'control', enter: 'control', top: 'top' };
    const next = up[this.screen];
    if (next) this.show(next);
  }

  private enter(text: string): void {
    switch (this.screen) {
      case 'user':
        this.typedUser = text;
        this.screen = 'password';
        return this.say(`${text}\r\nPassword  : `);
      case 'password':
        if (this.typedUser === this.options.login && text === this.options.password) return this.show('top');
        this.screen = 'user';
        return this.say('\r\n\r\nUser Name : ');
      case 'top':
        if (text === '4') return void (this.screen = 'closed');
        return this.show(text === '1' ? 'list' : 'top');
      case 'list': {
        const n = Number(text);
        if (Number.isInteger(n) && n >= 1 && n <= this.count()) this.outlet = n;
        return this.show(this.outlet === n ? 'outlet' : 'list');
      }
      case 'outlet':
        return this.show(text === '1' ? 'control' : 'outlet');
      case 'control':
        return this.control(text);
      case 'confirm':
        if (text !== 'YES') return this.show('control');
        this.switchNow();
        return this.show('enter');
      case 'enter':
        return this.show('control');
      case 'closed':
        return;
    }
  }

  private control(text: string): void {
    const variant = this.options.variant ?? 'rack-pdu';
    const want = text === controlChoice(variant, 'on') ? 'on' : text === controlChoice(variant, 'off') ? 'off' : undefined;
    if (!want) return this.show('control');
    this.want = want;
    this.show('confirm');
  }

  private switchNow(): void {
    this.switched.push({ outlet: this.outlet, want: this.want });
    if (this.faults.lie) return;
    if (this.want === 'off') this.options.power.powerOff(this.outlet);
    else this.options.power.powerOn(this.outlet);
  }

  private count(): number {
    return this.options.outletCount ?? 8;
  }

  private show(screen: Screen): void {
    this.screen = screen;
    const menu = (title: string, items: string[]): string =>
      `\r\n------- ${title} ---------------------------------------\r\n\r\n${items.map((i) => `     ${i}\r\n`).join('')}\r\n     <ESC>- Back, <ENTER>- Refresh\r\n> `;
    const state = (n: number): string => (this.options.power.isOn(n) ? 'ON' : 'OFF');
    switch (screen) {
      case 'top':
        return this.say(`\r\nAmerican Power Conversion               MasterSwitch\r\n${menu('Control Console', ['1- Device Manager', '2- Network', '3- System', '4- Logout'])}`);
      case 'list':
        return this.say(menu('Device Manager', Array.from({ length: this.count() }, (_, i) => `${i + 1}- Outlet ${i + 1}`.padEnd(28) + state(i + 1))));
      case 'outlet':
        return this.say(menu(`Outlet ${this.outlet}`, [`State: ${state(this.outlet)}`, '1- Control Outlet', '2- Configure Outlet']));
      case 'control': {
        const plus = (this.options.variant ?? 'rack-pdu') === 'masterswitch-plus';
        return this.say(menu('Control Outlet', plus ? ['1- Immediate On', '2- Delayed On', '3- Immediate Off'] : ['1- Immediate On', '2- Immediate Off', '3- Immediate Reboot']));
      }
      case 'confirm':
        return this.say(`\r\n\r\n  Immediate ${this.want === 'on' ? 'On' : 'Off'} Outlet ${this.outlet}\r\n\r\nEnter 'YES' to continue or <ENTER> to cancel : `);
      case 'enter':
        return this.say('YES\r\n\r\n  Command successfully issued.\r\n\r\nPress <ENTER> to continue...');
      default:
        return;
    }
  }

  private say(text: string): void {
    this.output.reply(asciiBytes(text));
  }
}
