// The output side shared by the simulators: fault knobs that act on what the
// device sends (silence, garbage, delay, chunking) and the listener set.

import type { Schedule } from '../schedule';
import type { DataListener, Unsubscribe } from '../transport';

export type SimReplyMode = 'normal' | 'silent' | 'garbage' | 'unsupported';

export interface SimOutputFaults {
  /** normal; silent (the UPS says nothing at all); garbage (garbageBytes instead of each reply); unsupported (Megatec echoes, APC answers NA). */
  reply: SimReplyMode;
  /** Delay before each reply is sent (a slow UPS); unsolicited alerts are not delayed. */
  replyDelayMs: number;
  /** Deliver output in pieces of this many bytes (0: whole), to exercise reassembly. */
  chunkBytes: number;
  garbageBytes: Uint8Array;
}

export const DEFAULT_GARBAGE = Uint8Array.from([0xff, 0x00, 0x7e, 0x51, 0xa5, 0x0d, 0x0a]);

export function defaultFaults(overrides: Partial<SimOutputFaults> = {}): SimOutputFaults {
  return { reply: 'normal', replyDelayMs: 0, chunkBytes: 0, garbageBytes: DEFAULT_GARBAGE, ...overrides };
}

export class SimOutput {
  private readonly listeners = new Set<DataListener>();

  constructor(
    private readonly schedule: Schedule,
    private readonly faults: () => SimOutputFaults,
  ) {}

  onOutput(listener: DataListener): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A reply: subject to every fault knob. Always asynchronous (never inside the host's write call). */
  reply(bytes: Uint8Array): void {
    const f = this.faults();
    if (f.reply === 'silent') return;
    const out = f.reply === 'garbage' ? f.garbageBytes : bytes;
    this.schedule(f.replyDelayMs, () => this.deliver(out));
  }

  /** Unsolicited bytes (alerts): only silence suppresses them. */
  unsolicited(bytes: Uint8Array): void {
    if (this.faults().reply === 'silent') return;
    this.schedule(0, () => this.deliver(bytes));
  }

  private deliver(bytes: Uint8Array): void {
    const size = this.faults().chunkBytes > 0 ? this.faults().chunkBytes : bytes.length;
    for (let i = 0; i < bytes.length; i += Math.max(1, size)) {
      const chunk = bytes.slice(i, i + Math.max(1, size));
      for (const l of [...this.listeners]) l(chunk);
    }
  }
}
