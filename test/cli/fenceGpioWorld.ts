// The peer's side of `fence-device gpio-relay|rcd-serial --gpio-backend sim`:
// reads the relay's level from the outputs file the command publishes, and
// writes the power-good input back through the inputs file, the way a real
// supply would (or would not, for a relay that lies).

import path from 'node:path';
import { readGpioOutputsFile, writeGpioInputsFile } from '../../hw/gpio';

/**
 * follow: power-good is on exactly while the relay is released (a relay in the supply).
 * latch:  the first energising switches the peer off for good (a long power-button press).
 * lie:    power-good never changes (a welded contact, a relay wired to nothing).
 */
export type Wiring = 'follow' | 'latch' | 'lie';

export class RelayWorld {
  readonly inputs: string;
  readonly outputs: string;
  powered = true;
  /** The relay's level as last published; null when released (absent from the file). */
  relayLevel: 0 | 1 | null = null;
  /** Every distinct relay level seen, in order. */
  readonly seen: Array<0 | 1 | null> = [];
  private timer: NodeJS.Timeout | null = null;
  /** One write at a time: both writes would use the same temp file. */
  private writing: Promise<void> = Promise.resolve();
  private stepping: Promise<void> = Promise.resolve();

  constructor(
    dir: string,
    private readonly wiring: Wiring,
    private readonly o: { relayActiveLow?: boolean; senseActiveLow?: boolean } = {},
  ) {
    this.inputs = path.join(dir, 'inputs.json');
    this.outputs = path.join(dir, 'outputs.json');
  }

  get energised(): boolean {
    return this.relayLevel !== null && this.relayLevel === (this.o.relayActiveLow ? 0 : 1);
  }

  async start(powered = true): Promise<void> {
    this.powered = powered;
    await this.publish();
    const tick = () => {
      this.stepping = this.step().then(() => {
        if (this.timer !== null) this.timer = setTimeout(tick, 20);
      });
    };
    this.timer = setTimeout(tick, 20);
  }

  /** Stops polling and waits for the last step and write (before the test removes the directory). */
  async stop(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.stepping;
    await this.writing;
  }

  async setPowered(on: boolean): Promise<void> {
    this.powered = on;
    await this.publish();
  }

  private async step(): Promise<void> {
    const out = await readGpioOutputsFile(this.outputs);
    const level = out?.relay ?? null;
    if (level !== this.relayLevel) {
      this.relayLevel = level;
      this.seen.push(level);
    }
    const before = this.powered;
    if (this.wiring === 'follow') this.powered = !this.energised;
    else if (this.wiring === 'latch' && this.energised) this.powered = false;
    if (this.powered !== before) await this.publish();
  }

  private publish(): Promise<void> {
    const level = this.powered !== (this.o.senseActiveLow === true) ? 1 : 0;
    this.writing = this.writing.then(() => writeGpioInputsFile(this.inputs, { 'power-good': level }));
    return this.writing;
  }
}

export async function waitUntil(cond: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
