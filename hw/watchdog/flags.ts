// Watchdog option/status flag bits (hardware-protocols.md §7.2; LINUX
// include/uapi/linux/watchdog.h). The same bits describe what a driver
// supports (watchdog_info.options), its status and the boot status.

export const WDIOF = {
  OVERHEAT: 0x0001,
  FANFAULT: 0x0002,
  EXTERN1: 0x0004,
  EXTERN2: 0x0008,
  POWERUNDER: 0x0010,
  /** Boot status: the last reboot was caused by the watchdog. */
  CARDRESET: 0x0020,
  POWEROVER: 0x0040,
  SETTIMEOUT: 0x0080,
  MAGICCLOSE: 0x0100,
  PRETIMEOUT: 0x0200,
  ALARMONLY: 0x0400,
  KEEPALIVEPING: 0x8000,
} as const;

const NAMES: ReadonlyArray<readonly [number, string]> = Object.entries(WDIOF).map(([name, bit]) => [bit, name.toLowerCase()] as const);

/** Names of the set bits, e.g. `['cardreset']`; unknown bits as `bit12`. */
export function describeWatchdogFlags(bits: number): string[] {
  const out: string[] = [];
  let known = 0;
  for (const [bit, name] of NAMES) {
    known |= bit;
    if ((bits & bit) !== 0) out.push(name);
  }
  for (let b = 0; b < 32; b++) {
    if (((bits >>> b) & 1) === 1 && ((known >>> b) & 1) === 0) out.push(`bit${b}`);
  }
  return out;
}

/** Decimal (`32`) or hex (`0x20`) as sysfs and the helper print them; null if neither. */
export function parseFlagNumber(text: string): number | null {
  const t = text.trim();
  if (/^0x[0-9a-fA-F]{1,8}$/.test(t)) return parseInt(t.slice(2), 16);
  if (/^\d{1,10}$/.test(t)) {
    const n = Number(t);
    return n <= 0xffffffff ? n : null;
  }
  return null;
}
