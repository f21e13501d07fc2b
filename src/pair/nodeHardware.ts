// The simulated hardware of one node of the pair, owned by the supervisor so it
// outlives the node's daemon: a Megatec UPS on TCP (upsSim.ts), a RAID1 in an
// mdstat file (mdstatSim.ts), and a /dev/watchdog FIFO simulator
// (hw/watchdog/sim/fifoSim.ts). When the watchdog is not petted in time the
// supervisor is told (onWatchdogReset) and power-cycles the node; when the
// node loses power the watchdog loses it too (powerLost), as a board's would.

import { FifoWatchdogSim } from '../../hw/watchdog/sim/fifoSim';
import type { SimUpsState } from '../../hw/simdevice/simUps';
import type { HostPort } from '../config/types';
import { MdstatSim, type DiskAction, type MdSimState } from './mdstatSim';
import { startUpsSimServer, type UpsAction, type UpsSimServer } from './upsSim';

/** What to simulate for one node; each part is null when the node's config has none. */
export interface NodeHardwarePlan {
  /** Where the UPS simulator listens (the config's `hardware.ups.link: tcp://...`). */
  ups: HostPort | null;
  /** The file the config's `hardware.raid` md entry reads. */
  mdstat: string | null;
  /** The FIFO at the config's `hardware.watchdog.device`, and its timeout. */
  watchdog: { device: string; timeoutMs: number } | null;
}

export type HardwareDevice = 'ups' | 'raid' | 'watchdog';

export interface NodeHardwareHooks {
  /** The watchdog fired: the node must be reset. */
  onWatchdogReset(reason: string): void;
  /** Something changed by itself (a rebuild finished). */
  onChange(device: HardwareDevice, detail: string): void;
}

export interface NodeHardwareSnapshot {
  ups: SimUpsState | null;
  raid: MdSimState | null;
  watchdog: { state: 'idle' | 'armed'; timeLeftMs: number | null; resets: number } | null;
}

export class NodeHardware {
  private constructor(
    readonly id: string,
    private readonly upsServer: UpsSimServer | null,
    private readonly raid: MdstatSim | null,
    private readonly watchdog: FifoWatchdogSim | null,
  ) {}

  /** Starts every part of the plan; on a failure stops what started and throws with the reason. */
  static async start(id: string, plan: NodeHardwarePlan, hooks: NodeHardwareHooks): Promise<NodeHardware> {
    let ups: UpsSimServer | null = null;
    let raid: MdstatSim | null = null;
    let watchdog: FifoWatchdogSim | null = null;
    try {
      if (plan.ups !== null) {
        const started = await startUpsSimServer(plan.ups.host, plan.ups.port);
        if (!started.ok) throw new Error(started.reason);
        ups = started.server;
      }
      if (plan.mdstat !== null) {
        raid = new MdstatSim({ path: plan.mdstat, onChange: (d) => hooks.onChange('raid', d) });
        await raid.start();
      }
      if (plan.watchdog !== null) {
        watchdog = new FifoWatchdogSim({ path: plan.watchdog.device, timeoutMs: plan.watchdog.timeoutMs, onReset: (r) => hooks.onWatchdogReset(r) });
        await watchdog.start();
      }
    } catch (e) {
      await Promise.all([ups?.close(), raid?.stop(), watchdog?.stop()]);
      throw new Error(`${id}: simulated hardware: ${(e as Error).message}`);
    }
    return new NodeHardware(id, ups, raid, watchdog);
  }

  get hasUps(): boolean {
    return this.upsServer !== null;
  }

  get hasRaid(): boolean {
    return this.raid !== null;
  }

  get hasWatchdog(): boolean {
    return this.watchdog !== null;
  }

  /** Throws when the node has no simulated UPS. */
  ups(action: UpsAction): string {
    if (this.upsServer === null) throw new Error('no simulated UPS (the config has no hardware.ups)');
    return this.upsServer.apply(action);
  }

  /** Rejects when the node has no simulated array or the action does not apply now. */
  disk(action: DiskAction): Promise<string> {
    if (this.raid === null) return Promise.reject(new Error('no simulated RAID (the config has no hardware.raid md entry)'));
    return this.raid.apply(action);
  }

  /** The node lost power: its watchdog stops counting until the next daemon opens it. */
  powerLost(): void {
    this.watchdog?.core.dispose();
  }

  snapshot(): NodeHardwareSnapshot {
    const wd = this.watchdog?.core;
    return {
      ups: this.upsServer?.ups.state() ?? null,
      raid: this.raid?.state ?? null,
      watchdog: wd === undefined ? null : { state: wd.state, timeLeftMs: wd.timeLeftMs(), resets: wd.resets },
    };
  }

  /** The watchdog first: a daemon stopped on purpose must not get its node reset on the way out. */
  async stopWatchdog(): Promise<void> {
    await this.watchdog?.stop();
  }

  async stop(): Promise<void> {
    await Promise.all([this.watchdog?.stop(), this.upsServer?.close(), this.raid?.stop()]);
  }
}
