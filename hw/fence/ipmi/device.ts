// FenceDevice for a server's BMC over IPMI LAN (v1.5, or v2.0 RMCP+ with
// `lanplus`), spoken natively (no ipmitool). Each operation opens a UDP link and a session, does its work and
// closes both. An off is a success only when Get Chassis Status reads off
// afterwards (Red Hat KB 1990513: an accepted command is not a dead node);
// "accepted but still on" within `offConfirmTimeoutMs` is a failure. A BMC
// powers one machine, so the target only appears in reasons.

import type { FenceDevice, FenceOpResult, PowerStatusResult } from '../../../src/shell/fence/device';
import { redact } from '../../../src/shell/fence/secretFile';
import { randomBytes } from 'node:crypto';
import type { FenceClock } from '../deps';
import { opResult, statusResult } from '../results';
import { pollState, type Step } from '../step';
import { errorMessage, timed } from '../timed';
import type { PrivilegeName } from './appCommands';
import type { AuthTypeName } from './authCode';
import type { ChassisAction } from './chassis';
import { CHASSIS_ACTION_LABEL, controlChassis, readPower, type PowerReading } from './chassisClient';
import { V15Conversation } from './lanSession15';
import { V20Conversation } from './lanSession20';
import type { IpmiSession, SessionPolicy } from './session';
import { udpLinkFactory, type DatagramLinkFactory } from './udpTransport';

export interface IpmiFenceOptions {
  name: string;
  host: string;
  /** Default 623. */
  port?: number;
  /** Empty for the null user. */
  user: string;
  /** Read by the caller from a 0600 file; never logged, never in a reason. */
  password: string;
  /** Default ADMINISTRATOR; chassis control needs at least OPERATOR. */
  privilege?: PrivilegeName;
  /** v1.5 session authentication. Default md5. Ignored with `lanplus`. */
  authType?: AuthTypeName;
  /** IPMI v2.0 RMCP+ with cipher suite 3 (HMAC-SHA1, HMAC-SHA1-96, AES-CBC-128) instead of v1.5. Default false. */
  lanplus?: boolean;
  /** Per request; a lost datagram is retried after this. Default 1000. */
  timeoutMs?: number;
  /** Retries per request after the first send. Default 3. */
  retries?: number;
  /** How long the chassis may take to read off (or on) after the command. Default 20000 (fence_ipmilan's power_timeout). */
  offConfirmTimeoutMs?: number;
  /** Between status reads while confirming. Default 500. */
  pollIntervalMs?: number;
  clock: FenceClock;
  /** Default: node:dgram. */
  openLink?: DatagramLinkFactory;
  /** Default: node:crypto. */
  randomBytes?: (n: number) => Uint8Array;
}

const DEFAULTS = {
  port: 623,
  privilege: 'ADMINISTRATOR' as PrivilegeName,
  authType: 'md5' as AuthTypeName,
  lanplus: false,
  timeoutMs: 1000,
  retries: 3,
  offConfirmTimeoutMs: 20_000,
  pollIntervalMs: 500,
};

type Resolved = IpmiFenceOptions & typeof DEFAULTS & { openLink: DatagramLinkFactory; randomBytes: (n: number) => Uint8Array };

export class IpmiFenceDevice implements FenceDevice {
  readonly name: string;
  private readonly o: Resolved;

  constructor(options: IpmiFenceOptions) {
    const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
    this.o = { openLink: udpLinkFactory(), randomBytes: (n: number) => new Uint8Array(randomBytes(n)), ...DEFAULTS, ...defined } as Resolved;
    this.name = options.name;
  }

  off(target: string): Promise<FenceOpResult> {
    return this.switchTo(target, 'off');
  }

  on(target: string): Promise<FenceOpResult> {
    return this.switchTo(target, 'on');
  }

  async status(target: string): Promise<PowerStatusResult> {
    const start = this.now();
    const r = await this.withSession(readPower);
    const text = r.ok ? `chassis power of "${target}" reads ${r.value}` : `status of "${target}" unknown: ${r.reason}`;
    return statusResult(this.name, r.ok ? r.value : 'unknown', this.clean(text), start, this.now());
  }

  async monitor(): Promise<FenceOpResult> {
    const start = this.now();
    const r = await this.withSession(readPower);
    const text = r.ok ? `BMC ${this.where()} answers; chassis power reads ${r.value}` : r.reason;
    return opResult(this.name, r.ok, this.clean(text), start, this.now());
  }

  private async switchTo(target: string, want: PowerReading): Promise<FenceOpResult> {
    const start = this.now();
    const action: ChassisAction = want === 'off' ? 'powerDown' : 'powerUp';
    const r = await this.withSession((s) => this.switchInSession(s, action, want));
    const text = r.ok ? `"${target}": ${r.value}` : `${want} of "${target}" failed: ${r.reason}`;
    return opResult(this.name, r.ok, this.clean(text), start, this.now());
  }

  /** Already in the wanted state: done. Otherwise command, then read back until it holds. */
  private async switchInSession(s: IpmiSession, action: ChassisAction, want: PowerReading): Promise<Step<string>> {
    const before = await readPower(s);
    if (!before.ok) return before;
    if (before.value === want) return { ok: true, value: `chassis power already reads ${want}` };
    const sent = await controlChassis(s, action);
    if (!sent.ok) return sent;
    const sentAtMs = this.now();
    const confirmed = await pollState(() => readPower(s), want, this.o.offConfirmTimeoutMs, this.o.pollIntervalMs, this.o.clock);
    const label = CHASSIS_ACTION_LABEL[action];
    if (!confirmed.ok) return { ok: false, reason: `BMC accepted ${label} but ${confirmed.reason}` };
    return { ok: true, value: `${label} accepted; chassis status reads ${want} after ${Math.round(this.now() - sentAtMs)} ms` };
  }

  /** Open link and session, run `body`, always close both. Never rejects. */
  private async withSession<T>(body: (s: IpmiSession) => Promise<Step<T>>): Promise<Step<T>> {
    const opened = await timed(() => this.o.openLink(this.o.host, this.o.port), this.o.timeoutMs, this.o.clock.schedule);
    if (opened.kind === 'timeout') return { ok: false, reason: `UDP link to ${this.where()} did not open within ${this.o.timeoutMs} ms` };
    if (opened.kind === 'error') return { ok: false, reason: `UDP link to ${this.where()} failed to open: ${opened.message}` };
    const link = opened.value;
    try {
      const session = this.o.lanplus ? await V20Conversation.open(link, this.o, this.policy()) : await V15Conversation.open(link, this.o, this.policy());
      if (!session.ok) return { ok: false, reason: `no IPMI session with ${this.where()} as ${this.who()}: ${session.reason}` };
      try {
        return await body(session.value);
      } finally {
        await session.value.close();
      }
    } catch (e) {
      return { ok: false, reason: `IPMI exchange with ${this.where()} failed: ${errorMessage(e)}` };
    } finally {
      link.close();
    }
  }

  private policy(): SessionPolicy {
    return { timeoutMs: this.o.timeoutMs, retries: this.o.retries, schedule: this.o.clock.schedule, randomBytes: this.o.randomBytes };
  }

  private where(): string {
    return this.o.host.includes(':') ? `[${this.o.host}]:${this.o.port}` : `${this.o.host}:${this.o.port}`;
  }

  private who(): string {
    const how = this.o.lanplus ? 'lanplus, cipher suite 3' : this.o.authType;
    return `${this.o.user === '' ? 'the null user' : `user "${this.o.user}"`} (${how}, ${this.o.privilege})`;
  }

  /** Belt and braces: the password is never put in a reason, and if it were, it is masked. */
  private clean(text: string): string {
    return redact(text, this.o.password);
  }

  private now(): number {
    return this.o.clock.nowMs();
  }
}
