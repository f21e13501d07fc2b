// Everything of the pair that is hardware rather than daemon: each node's
// simulated UPS, RAID and watchdog (nodeHardware.ts) and the fence device
// simulators of `--fence` (fenceSims.ts). Started before the daemons and
// stopped after them, so a daemon that is killed finds the same devices when
// it comes back. A watchdog that fires power-cycles its node through the same
// power path as the switch (the node "resets").

import type { PowerBackend as NodePower } from '../simpower';
import type { CommandOutcome, PairEvent } from './events';
import { startFenceSims, type FenceSims } from './fenceSims';
import type { DiskAction } from './mdstatSim';
import { NodeHardware, type NodeHardwareSnapshot } from './nodeHardware';
import type { RunDirLayout } from './runDir';
import type { UpsAction } from './upsSim';

export interface PairHardwareOptions {
  layout: RunDirLayout;
  /** The nodes' power, as the simulated switch switches it. */
  power: NodePower;
  emit(event: PairEvent): void;
  now(): number;
  /** How long a node reset by its watchdog stays off. */
  resetOffMs: number;
  isStopping(): boolean;
  /** PAIR_MARK_ENV of processes that belong to no node (the BMCs). */
  mark: string;
}

export class PairHardware {
  private readonly nodes = new Map<string, NodeHardware>();
  private fenceSims: FenceSims | null = null;

  constructor(private readonly o: PairHardwareOptions) {}

  /** Starts every node's devices, then the fence simulators; on failure stops them all and throws. */
  async start(): Promise<void> {
    try {
      for (const files of this.o.layout.nodes) {
        const id = files.id;
        const hw = await NodeHardware.start(id, files.hardware, {
          onWatchdogReset: (reason) => void this.watchdogReset(id, reason),
          onChange: (device, detail) => this.o.emit({ type: 'hardware', tMs: this.o.now(), node: id, device, detail }),
        });
        this.nodes.set(id, hw);
      }
      const f = this.o.layout.fence;
      const ids: [string, string] = [this.o.layout.nodes[0].id, this.o.layout.nodes[1].id];
      this.fenceSims = await startFenceSims({
        kind: f.kind,
        nodeIds: ids,
        power: this.o.power,
        fenceSim: f.sim,
        bmcs: f.bmcs,
        powerSwitch: this.o.layout.power,
        secret: f.secret ?? '',
        runDir: this.o.layout.runDir,
        mark: this.o.mark,
        onError: (message) => this.o.emit({ type: 'hardware', tMs: this.o.now(), node: 'fence', device: 'fence', detail: message }),
      });
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  /** What serves the fencing, for the operator. */
  get fenceDescription(): string {
    return this.fenceSims?.description ?? 'fencing simulators not started';
  }

  private async watchdogReset(id: string, reason: string): Promise<void> {
    if (this.o.isStopping()) return;
    this.o.emit({ type: 'hardware', tMs: this.o.now(), node: id, device: 'watchdog', detail: `watchdog fired (${reason}): the node resets` });
    try {
      await this.o.power.powerOff(id);
      await new Promise((resolve) => setTimeout(resolve, this.o.resetOffMs));
      if (!this.o.isStopping()) await this.o.power.powerOn(id);
    } catch (e) {
      if (!this.o.isStopping()) this.o.emit({ type: 'hardware', tMs: this.o.now(), node: id, device: 'watchdog', detail: `reset failed: ${(e as Error).message}` });
    }
  }

  /** The node lost power: its watchdog stops counting. */
  powerLost(id: string): void {
    this.nodes.get(id)?.powerLost();
  }

  ups(id: string, action: UpsAction): CommandOutcome {
    const hw = this.nodes.get(id);
    if (hw === undefined || !hw.hasUps) return { ok: false, message: `${id}: no simulated UPS (the config has no hardware.ups)` };
    return this.done(id, 'ups', hw.ups(action));
  }

  async disk(id: string, action: DiskAction): Promise<CommandOutcome> {
    const hw = this.nodes.get(id);
    if (hw === undefined || !hw.hasRaid) return { ok: false, message: `${id}: no simulated RAID (the config has no hardware.raid)` };
    try {
      return this.done(id, 'raid', await hw.disk(action));
    } catch (e) {
      return { ok: false, message: `${id}: disk ${action}: ${(e as Error).message}` };
    }
  }

  hasWatchdog(id: string): boolean {
    return this.nodes.get(id)?.hasWatchdog === true;
  }

  /** Watchdog timeout of a node in seconds, or null when it has none. */
  watchdogTimeoutSec(id: string): number | null {
    const plan = this.o.layout.nodes.find((n) => n.id === id)?.hardware.watchdog;
    return plan ? plan.timeoutMs / 1000 : null;
  }

  snapshot(id: string): NodeHardwareSnapshot | null {
    return this.nodes.get(id)?.snapshot() ?? null;
  }

  /** The change also goes to the event log, so a key's effect shows there. */
  private done(id: string, device: 'ups' | 'raid', detail: string): CommandOutcome {
    this.o.emit({ type: 'hardware', tMs: this.o.now(), node: id, device, detail });
    return { ok: true, message: `${id}: ${detail}` };
  }

  /** Before the daemons are stopped: a daemon stopping on purpose must not get its node reset. */
  async stopWatchdogs(): Promise<void> {
    await Promise.all([...this.nodes.values()].map((n) => n.stopWatchdog()));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.nodes.values()].map((n) => n.stop()));
    this.nodes.clear();
    await this.fenceSims?.close();
    this.fenceSims = null;
  }
}
