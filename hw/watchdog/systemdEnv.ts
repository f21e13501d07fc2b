// What systemd tells a service about its watchdog (hardware-protocols.md
// §7.4, sd_watchdog_enabled(3)): WATCHDOG_USEC is the deadline, WATCHDOG_PID
// (when set) names the process that must ping, NOTIFY_SOCKET is where the
// datagrams go (`@name` = abstract namespace). The ping interval is half the
// deadline, as systemd recommends.

export interface SystemdEnv {
  notifySocket: string | null;
  watchdogUsec: number | null;
  /** True when this process must send WATCHDOG=1. */
  watchdogEnabled: boolean;
  /** Half of WATCHDOG_USEC, in ms; null when the watchdog is not enabled. */
  pingIntervalMs: number | null;
  /** Why the watchdog is or is not enabled, or what is wrong with the variables. */
  reason: string;
}

/** WATCHDOG_USEC above this (about 49 days) is not a real service deadline. */
const MAX_WATCHDOG_USEC = 2 ** 52;

export function parseSystemdEnv(env: NodeJS.ProcessEnv | Record<string, string | undefined>, pid: number): SystemdEnv {
  const socket = env.NOTIFY_SOCKET ?? '';
  const notifySocket = socket.startsWith('/') || (socket.startsWith('@') && socket.length > 1) ? socket : null;
  const off = (reason: string, usec: number | null = null): SystemdEnv => ({ notifySocket, watchdogUsec: usec, watchdogEnabled: false, pingIntervalMs: null, reason });
  const socketNote = notifySocket === null ? (socket === '' ? '; NOTIFY_SOCKET is not set' : `; NOTIFY_SOCKET ${JSON.stringify(socket.slice(0, 80))} is neither an absolute path nor @abstract`) : '';
  const usecText = env.WATCHDOG_USEC;
  if (usecText === undefined || usecText === '') return off(`WATCHDOG_USEC is not set: no service watchdog (WatchdogSec= unset)${socketNote}`);
  if (!/^\d{1,16}$/.test(usecText) || Number(usecText) === 0 || Number(usecText) > MAX_WATCHDOG_USEC) {
    return off(`WATCHDOG_USEC=${JSON.stringify(usecText.slice(0, 40))} is not a positive integer of microseconds`);
  }
  const usec = Number(usecText);
  const pidText = env.WATCHDOG_PID;
  if (pidText !== undefined && pidText !== '') {
    if (!/^\d{1,10}$/.test(pidText)) return off(`WATCHDOG_PID=${JSON.stringify(pidText.slice(0, 40))} is not a process id`, usec);
    if (Number(pidText) !== pid) return off(`WATCHDOG_PID=${pidText} names another process (we are ${pid})`, usec);
  }
  if (notifySocket === null) return off(`WATCHDOG_USEC=${usec} but nowhere to send pings${socketNote}`, usec);
  const pingIntervalMs = usec / 2000;
  return { notifySocket, watchdogUsec: usec, watchdogEnabled: true, pingIntervalMs, reason: `systemd watchdog ${usec / 1000} ms: ping every ${pingIntervalMs} ms` };
}
