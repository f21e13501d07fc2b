// FenceDevice for an LCUS relay board. The board never answers, so "the frame
// was written" proves nothing: an off (or on) is a success only when the
// injected `senseOff` source (a power-sense GPIO, a PDU meter, the peer's BMC)
// reads the expected state afterwards. Each operation opens the link, writes
// one frame and closes it, as the ClusterLabs agents do with their ports.

import type { FenceOpResult, PowerStatusResult } from '../../../src/shell/fence/device';
import type { ByteTransport } from '../../ups/transport';
import type { FenceClock, TransportFactory } from '../deps';
import { SwitchedFenceDevice, type OnOff } from '../outletDevice';
import { opResult, statusResult } from '../results';
import { sleep, timed } from '../timed';
import { encodeLcusFrame } from './protocol';

/** true: the target reads off; false: it reads on; null: the source cannot tell. */
export type SenseOff = (target: string) => Promise<boolean | null>;

export interface LcusFenceOptions {
  name: string;
  /** Relay channel (1..8) wired to each target's power. */
  channels: Readonly<Record<string, number>>;
  openTransport: TransportFactory;
  senseOff: SenseOff;
  clock: FenceClock;
  /** Wiring: true when energising the relay cuts the target (normally-closed contact in the power line). */
  relayOnCutsPower?: boolean;
  openTimeoutMs?: number;
  writeTimeoutMs?: number;
  /** Wait after the frame before the first sense (relay and power supply settle). */
  settleMs?: number;
  /** Keep sensing until this long after the frame before giving up. */
  confirmTimeoutMs?: number;
  sensePollMs?: number;
  /** Deadline for one call of senseOff. */
  senseTimeoutMs?: number;
}

const DEFAULTS = { openTimeoutMs: 5000, writeTimeoutMs: 2000, settleMs: 500, confirmTimeoutMs: 10_000, sensePollMs: 500, senseTimeoutMs: 3000 };

type Sensed = { state: 'off' | 'on' | 'unknown'; detail: string };

export class LcusFenceDevice extends SwitchedFenceDevice<LcusFenceOptions & typeof DEFAULTS> {
  constructor(options: LcusFenceOptions) {
    super({ ...DEFAULTS, ...options });
  }

  async status(target: string): Promise<PowerStatusResult> {
    const start = this.now();
    const sensed = await this.sense(target);
    return statusResult(this.name, sensed.state, sensed.detail, start, this.now());
  }

  /** The board cannot be asked anything: the best check is that its link opens. */
  async monitor(): Promise<FenceOpResult> {
    const start = this.now();
    const link = await this.open();
    if (typeof link === 'string') return this.fail(link, start);
    safeClose(link);
    return opResult(this.name, true, 'relay board link opens (the board sends no acknowledgement)', start, this.now());
  }

  protected async switchTo(target: string, want: OnOff): Promise<FenceOpResult> {
    const start = this.now();
    // Own keys only, so a target named like an Object.prototype member finds nothing.
    const channel = Object.hasOwn(this.o.channels, target) ? this.o.channels[target] : undefined;
    if (channel === undefined) return this.fail(`no relay channel configured for target "${target}"`, start);
    const relayOn = want === 'off' ? this.o.relayOnCutsPower === true : this.o.relayOnCutsPower !== true;
    const frame = encodeLcusFrame({ channel, on: relayOn });
    if (!frame.ok) return this.fail(frame.error, start);
    const link = await this.open();
    if (typeof link === 'string') return this.fail(link, start);
    const written = await timed(() => Promise.resolve(link.write(frame.value)), this.o.writeTimeoutMs, this.o.clock.schedule);
    safeClose(link);
    if (written.kind === 'timeout') return this.fail(`writing the relay frame did not finish within ${this.o.writeTimeoutMs} ms`, start);
    if (written.kind === 'error') return this.fail(`writing the relay frame failed: ${written.message}`, start);
    return this.confirm(target, want, channel, start);
  }

  /** Sense until the target reads `want` or the confirmation window closes. */
  private async confirm(target: string, want: OnOff, channel: number, start: number): Promise<FenceOpResult> {
    await sleep(this.o.settleMs, this.o.clock.schedule);
    const deadline = start + this.o.settleMs + this.o.confirmTimeoutMs;
    for (;;) {
      const sensed = await this.sense(target);
      if (sensed.state === want) {
        return opResult(this.name, true, `relay ${channel} switched; target "${target}" reads ${want} (${sensed.detail})`, start, this.now());
      }
      if (this.now() + this.o.sensePollMs > deadline) {
        const why = sensed.state === 'unknown' ? `cannot confirm: ${sensed.detail}` : `target "${target}" still reads ${sensed.state}`;
        return this.fail(`relay ${channel} frame sent but ${why} after ${this.now() - start} ms`, start);
      }
      await sleep(this.o.sensePollMs, this.o.clock.schedule);
    }
  }

  private async sense(target: string): Promise<Sensed> {
    const r = await timed(() => this.o.senseOff(target), this.o.senseTimeoutMs, this.o.clock.schedule);
    if (r.kind === 'timeout') return { state: 'unknown', detail: `power sense gave no reading within ${this.o.senseTimeoutMs} ms` };
    if (r.kind === 'error') return { state: 'unknown', detail: `power sense failed: ${r.message}` };
    if (r.value === true) return { state: 'off', detail: 'power sense reads off' };
    if (r.value === false) return { state: 'on', detail: 'power sense reads on' };
    return { state: 'unknown', detail: 'power sense cannot tell' };
  }

  private async open(): Promise<ByteTransport | string> {
    const r = await timed(() => this.o.openTransport(), this.o.openTimeoutMs, this.o.clock.schedule);
    if (r.kind === 'timeout') return `relay board link did not open within ${this.o.openTimeoutMs} ms`;
    if (r.kind === 'error') return `relay board link failed to open: ${r.message}`;
    return r.value;
  }
}

function safeClose(link: ByteTransport): void {
  try {
    link.close();
  } catch {
    // Closing a link that already died is not a fencing failure.
  }
}
