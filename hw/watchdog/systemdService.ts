// The service side of sd_notify: READY=1 once started, STATUS=... lines,
// WATCHDOG=1 as a PetTarget (drive it with GatedPetter at
// env.pingIntervalMs, half of WATCHDOG_USEC), STOPPING=1 on shutdown.
// Without NOTIFY_SOCKET everything is a successful no-op, so the daemon
// runs the same outside systemd.

import { assignment, type NotifyResult, type SdNotifier } from './sdNotify';
import type { SystemdEnv } from './systemdEnv';
import type { PetResult, PetTarget } from './types';

export class SystemdService {
  private sent = 0;
  private lastError: string | null = null;

  constructor(
    readonly env: SystemdEnv,
    private readonly notifier: SdNotifier | null,
  ) {}

  /** True when messages actually go somewhere. */
  get active(): boolean {
    return this.env.notifySocket !== null && this.notifier !== null;
  }

  ready(status?: string): Promise<NotifyResult> {
    return this.send(['READY=1', ...this.statusField(status)]);
  }

  status(text: string): Promise<NotifyResult> {
    return this.send(this.statusField(text));
  }

  stopping(status?: string): Promise<NotifyResult> {
    return this.send(['STOPPING=1', ...this.statusField(status)]);
  }

  /** WATCHDOG=1 as a pet target; only meaningful when env.watchdogEnabled. */
  watchdogTarget(): PetTarget {
    return {
      name: `systemd watchdog via ${this.notifier?.via ?? 'nothing'}`,
      pet: async (): Promise<PetResult> => {
        if (!this.env.watchdogEnabled) return { ok: false, error: `systemd watchdog not enabled: ${this.env.reason}` };
        const r = await this.send(['WATCHDOG=1']);
        return r.ok ? { ok: true } : { ok: false, error: r.error };
      },
    };
  }

  stats(): { sent: number; lastError: string | null } {
    return { sent: this.sent, lastError: this.lastError };
  }

  private statusField(text: string | undefined): string[] {
    if (text === undefined) return [];
    const a = assignment('STATUS', text);
    return a === null ? [] : [a];
  }

  private async send(assignments: string[]): Promise<NotifyResult> {
    if (assignments.length === 0 || this.env.notifySocket === null) return { ok: true };
    if (this.notifier === null) return { ok: false, error: `NOTIFY_SOCKET is set but no sender is available` };
    const r = await this.notifier.notify(assignments);
    if (r.ok) this.sent += 1;
    else this.lastError = r.error;
    return r;
  }
}
