// The simulated switch's behaviour, without sockets: executes one parsed
// command against the backend, honouring the per-plug faults. Operations on
// one plug are serialized, like a real relay board that does one thing at a time.

import type { SimPowerCommand } from './protocol';
import type { PlugFault, PowerBackend } from './types';

export type SwitchReply = { kind: 'reply'; line: string } | { kind: 'hang' };

const MAX_ERROR_DETAIL_CHARS = 80;

function errorDetail(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  // The reply must stay one short ASCII line.
  const ascii = text.replace(/[^\x20-\x7e]/g, ' ').trim();
  return ascii.length > MAX_ERROR_DETAIL_CHARS ? `${ascii.slice(0, MAX_ERROR_DETAIL_CHARS - 3)}...` : ascii;
}

const reply = (line: string): SwitchReply => ({ kind: 'reply', line });

export class SwitchState {
  private readonly faults = new Map<string, PlugFault>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly rebootTimers = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly backend: PowerBackend,
    private readonly rebootDelayMs: number,
  ) {}

  /** false when the backend has no such plug (the fault is not recorded). */
  setFault(plug: string, fault: PlugFault): boolean {
    if (!this.backend.plugs().includes(plug)) return false;
    if (fault === 'none') this.faults.delete(plug);
    else this.faults.set(plug, fault);
    return true;
  }

  /** Stops pending reboot power-ons; later commands still work but schedule nothing. */
  close(): void {
    this.closed = true;
    for (const timer of this.rebootTimers.values()) clearTimeout(timer);
    this.rebootTimers.clear();
  }

  async execute(command: SimPowerCommand): Promise<SwitchReply> {
    try {
      if (command.verb === 'LIST') return reply(this.list());
      const { verb, plug } = command;
      if (!this.backend.plugs().includes(plug)) return reply(`ERR unknown plug ${JSON.stringify(plug)}`);
      const fault = this.faults.get(plug) ?? 'none';
      if (fault === 'fail') return reply('ERR relay fault');
      if (fault === 'hang') return { kind: 'hang' };
      if (verb === 'STATUS') return reply(this.backend.isOn(plug) ? 'OK ON' : 'OK OFF');
      // Any explicit command overrides a reboot still waiting to power on.
      this.cancelReboot(plug);
      if (verb === 'ON') return reply(await this.powerOn(plug));
      if (fault === 'lie') return reply('OK OFF');
      const off = await this.powerOff(plug);
      if (verb === 'REBOOT' && off === 'OK OFF') this.scheduleRebootOn(plug);
      return reply(off);
    } catch (e) {
      // Only a backend bug (plugs()/isOn() throwing) gets here.
      return reply(`ERR internal error: ${errorDetail(e)}`);
    }
  }

  private list(): string {
    const entries = this.backend.plugs().map((p) => `${p}=${this.backend.isOn(p) ? 'ON' : 'OFF'}`);
    return entries.length === 0 ? 'OK' : `OK ${entries.join(' ')}`;
  }

  private powerOff(plug: string): Promise<string> {
    return this.withLock(plug, async () => {
      try {
        if (this.backend.isOn(plug)) await this.backend.powerOff(plug);
        return 'OK OFF';
      } catch (e) {
        return `ERR power off failed: ${errorDetail(e)}`;
      }
    });
  }

  private powerOn(plug: string): Promise<string> {
    return this.withLock(plug, async () => {
      try {
        if (!this.backend.isOn(plug)) await this.backend.powerOn(plug);
        return 'OK ON';
      } catch (e) {
        return `ERR power on failed: ${errorDetail(e)}`;
      }
    });
  }

  private scheduleRebootOn(plug: string): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.rebootTimers.delete(plug);
      // Nobody waits for this answer; a failed power-on shows in STATUS.
      void this.powerOn(plug);
    }, this.rebootDelayMs);
    this.rebootTimers.set(plug, timer);
  }

  private cancelReboot(plug: string): void {
    const timer = this.rebootTimers.get(plug);
    if (timer !== undefined) clearTimeout(timer);
    this.rebootTimers.delete(plug);
  }

  private withLock<T>(plug: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(plug) ?? Promise.resolve();
    const next = previous.then(fn, fn);
    this.locks.set(
      plug,
      next.catch(() => undefined),
    );
    return next;
  }
}
