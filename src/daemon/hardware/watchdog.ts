// The watchdogs of one node, petted through one gate: /dev/watchdog (or the
// lab's FIFO simulator) and systemd's service watchdog. The gate stays open
// only while the daemon is healthy: its event loop answers, it sent a
// heartbeat recently, and the core has not decided to self-fence. A hung
// daemon therefore stops petting and the node is reset. Petting is a
// one-byte synchronous write on the loop that sends heartbeats: if that loop
// is stuck, nothing pets, which is the point.

import type { HardwareConfig } from '../../config/types';
import { timerSchedule, type Schedule } from '../../../hw/ups/schedule';
import {
  chooseNotifier,
  GatedPetter,
  LinuxWatchdog,
  locateWdctl,
  LoopLagMonitor,
  parseSystemdEnv,
  SystemdService,
  WatchdogGate,
  which,
  type PetterEvent,
  type PetterStatus,
} from '../../../hw/watchdog';

export interface WatchdogDeps {
  lastHeartbeatSentMs: () => number | null;
  nowMs: () => number;
  log: (level: 'info' | 'warn' | 'error', event: string, msg: string) => void;
  schedule?: Schedule;
  env?: NodeJS.ProcessEnv;
}

export interface WatchdogRuntimeStatus {
  device: string | null;
  timeoutSec: number | null;
  petters: PetterStatus[];
  selfFence: string | null;
  error: string | null;
}

export class WatchdogRuntime {
  private device: LinuxWatchdog | null = null;
  private readonly petters: GatedPetter[] = [];
  private lag: LoopLagMonitor | null = null;
  private gate: WatchdogGate | null = null;
  private systemd: SystemdService | null = null;
  private selfFenceReason: string | null = null;
  private error: string | null = null;
  private timeoutSec: number | null = null;
  private readonly schedule: Schedule;

  constructor(
    private readonly cfg: HardwareConfig['watchdog'],
    private readonly deps: WatchdogDeps,
  ) {
    this.schedule = deps.schedule ?? timerSchedule;
  }

  /**
   * Opens the watchdog and starts petting. `required` (self-fencing is configured): a device that cannot
   * be opened is an error the daemon must not start with, since the node could then never reset itself.
   */
  async start(required: boolean): Promise<{ ok: true } | { ok: false; error: string }> {
    const env = this.deps.env ?? process.env;
    const sd = parseSystemdEnv(env, process.pid);
    const wantSystemd = this.cfg.systemd === true || (this.cfg.systemd === 'auto' && sd.watchdogEnabled);
    if (!this.cfg.device && !wantSystemd) {
      if (required) return { ok: false, error: 'self-fencing needs hardware.watchdog.device' };
      return { ok: true };
    }
    const timeoutMs = (this.cfg.device ? this.cfg.timeoutSec * 1000 : (sd.watchdogUsec ?? 10_000_000) / 1000);
    this.lag = new LoopLagMonitor({ intervalMs: 100, windowMs: Math.max(1000, timeoutMs / 2), schedule: this.schedule, nowMs: this.deps.nowMs });
    this.lag.start();
    const lag = this.lag;
    this.gate = new WatchdogGate({
      nowMs: this.deps.nowMs,
      worstLoopLagMs: (now) => lag.worstLagMs(now),
      maxLoopLagMs: timeoutMs / 3,
      lastHeartbeatSentMs: this.deps.lastHeartbeatSentMs,
      maxHeartbeatAgeMs: timeoutMs / 3,
      startupGraceMs: 5000,
    });
    if (this.cfg.device) {
      const r = await this.openDevice(this.cfg.device);
      if (!r.ok && required) return r;
    }
    if (wantSystemd) await this.startSystemd(sd);
    return { ok: true };
  }

  private async openDevice(path: string): Promise<{ ok: true } | { ok: false; error: string }> {
    const helper = await locateWdctl();
    const device = new LinuxWatchdog({ devicePath: path, timeoutS: this.cfg.timeoutSec, allowMagicClose: this.cfg.magicClose, helper });
    const opened = await device.open();
    if (!opened.ok) {
      this.error = opened.error;
      this.deps.log('error', 'watchdog-error', `watchdog ${path} not opened: ${opened.error}`);
      return { ok: false, error: `watchdog ${path}: ${opened.error}` };
    }
    this.device = device;
    this.timeoutSec = opened.timeoutS ?? this.cfg.timeoutSec;
    for (const u of opened.unavailable) this.deps.log('warn', 'watchdog-limited', `watchdog ${path}: ${u.feature} unavailable (${u.why})`);
    const st = await device.status();
    if (st.lastBootByWatchdog) this.deps.log('warn', 'watchdog-reset', `the last boot was caused by the watchdog ${path} (${st.bootStatusFlags.join(', ')})`);
    this.deps.log('info', 'watchdog-open', `watchdog ${path} armed (timeout ${this.timeoutSec} s${st.identity ? `, ${st.identity}` : ''}); petting every ${Math.round((this.timeoutSec * 1000) / 4)} ms while this daemon is healthy`);
    this.addPetter(device, (this.timeoutSec * 1000) / 4);
    return { ok: true };
  }

  private async startSystemd(sd: ReturnType<typeof parseSystemdEnv>): Promise<void> {
    if (!sd.watchdogEnabled || sd.notifySocket === null || sd.pingIntervalMs === null) {
      this.deps.log('warn', 'systemd-watchdog', `systemd watchdog not used: ${sd.reason}`);
      return;
    }
    const chosen = await chooseNotifier(sd.notifySocket, (n) => which(n));
    if (chosen.notifier === null) {
      this.deps.log('warn', 'systemd-watchdog', chosen.why);
      return;
    }
    this.systemd = new SystemdService(sd, chosen.notifier);
    this.addPetter(this.systemd.watchdogTarget(), sd.pingIntervalMs);
    void this.systemd.ready('edge-ha running');
  }

  private addPetter(target: ConstructorParameters<typeof GatedPetter>[0]['target'], intervalMs: number): void {
    const gate = this.gate as WatchdogGate;
    const p = new GatedPetter({ target, gate, intervalMs, schedule: this.schedule, nowMs: this.deps.nowMs, onEvent: (e) => this.onPetterEvent(e) });
    this.petters.push(p);
    p.start();
  }

  private onPetterEvent(e: PetterEvent): void {
    if (e.kind === 'gate-closed') this.deps.log('error', 'watchdog-gate-closed', `not petting ${e.target}: ${e.reasons.join('; ')}; the watchdog will reset this node`);
    else if (e.kind === 'gate-opened') this.deps.log('info', 'watchdog-gate-open', `petting ${e.target} again`);
    else if (e.kind === 'pet-failed') this.deps.log('error', 'watchdog-pet-failed', `${e.target}: ${e.error}`);
  }

  /** The core decided to self-fence: stop petting now; the watchdog resets the node within its timeout. */
  selfFence(reason: string): void {
    this.selfFenceReason = reason;
    this.gate?.selfFence(reason);
    this.deps.log('error', 'self-fence', `stopped petting the watchdog: ${reason}`);
  }

  /** A deliberate stop: magic close only if the config allows it (otherwise the node resets, which is safe). */
  async stop(reason: string): Promise<void> {
    for (const p of this.petters.splice(0)) p.stop();
    this.lag?.stop();
    if (this.systemd) await this.systemd.stopping(reason);
    if (this.device && this.selfFenceReason === null) {
      const r = await this.device.stop(reason);
      this.deps.log(r.disarmed === false ? 'warn' : 'info', 'watchdog-stop', r.why);
    }
  }

  status(): WatchdogRuntimeStatus {
    return { device: this.cfg.device ?? null, timeoutSec: this.timeoutSec, petters: this.petters.map((p) => p.status()), selfFence: this.selfFenceReason, error: this.error };
  }
}
