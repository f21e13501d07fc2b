// Exit codes of the hardware commands. `probe` speaks the monitoring-plugin
// language (0 ok, 1 warning, 2 critical, 3 unknown), so a cron job or a
// Nagios-style check can run it as is. A usage error cannot be 2 there (it
// would read as "critical"), so it is 64, EX_USAGE from sysexits.h.

export const EXIT_OK = 0;
/** probe: degraded, rebuilding, on battery. sim-device: it could not start or stopped on an error. */
export const EXIT_WARNING = 1;
/** probe: failed array, critical power (on battery with low battery, forced shutdown). */
export const EXIT_CRITICAL = 2;
/** probe: the device could not be read (port missing, no answer in time, unusable output). */
export const EXIT_UNREACHABLE = 3;
/** Bad options or arguments; nothing was read. */
export const EXIT_USAGE = 64;

/** How a probe judged what it read; each maps to one exit code. */
export type ProbeHealth = 'ok' | 'warning' | 'critical' | 'unreachable';

export const HEALTH_EXIT: Readonly<Record<ProbeHealth, number>> = {
  ok: EXIT_OK,
  warning: EXIT_WARNING,
  critical: EXIT_CRITICAL,
  unreachable: EXIT_UNREACHABLE,
};

/** An option the command cannot use; printed as `edge-ha: <message>`, exit 64. */
export class HardwareUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HardwareUsageError';
  }
}

/**
 * Thrown after the injected `exit` returned (tests), so commander stops
 * where a real process.exit would have ended the process.
 */
export class HardwareCliExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
    this.name = 'HardwareCliExit';
  }
}
