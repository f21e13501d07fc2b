// What /sys/class/watchdog/watchdogN/ says about a watchdog, read without
// any ioctl (hardware-protocols.md §7.1): identity, timeout, time left, boot
// status (CARDRESET = the last reboot was the watchdog's doing), nowayout,
// state and supported options. Each attribute is optional (drivers and
// kernels differ); a missing one is null and listed in `missing` with why.

import { readSmallFile, type SmallFileReader } from '../health/readSmall';
import { describeWatchdogFlags, parseFlagNumber, WDIOF } from './flags';

export const WATCHDOG_SYSFS_ROOT = '/sys/class/watchdog';

export interface WatchdogSysfsInfo {
  /** e.g. `watchdog0`. */
  name: string;
  identity: string | null;
  timeoutS: number | null;
  timeleftS: number | null;
  bootStatus: number | null;
  /** Boot status flag names, e.g. `['cardreset']`. */
  bootStatusFlags: string[];
  /** True when the last reboot was caused by this watchdog; null if unknown. */
  lastBootByWatchdog: boolean | null;
  /** True when the driver cannot be stopped (magic close has no effect). */
  nowayout: boolean | null;
  /** `active` / `inactive` as printed. */
  state: string | null;
  /** watchdog_info.options bits, when the kernel exposes them. */
  options: number | null;
  /** Attributes that could not be read, with the reason. */
  missing: Array<{ attribute: string; why: string }>;
}

/** `/dev/watchdog` is the legacy alias of the first device; `/dev/watchdogN` is watchdogN; else null. */
export function sysfsNameForDevice(devicePath: string): string | null {
  if (devicePath === '/dev/watchdog') return 'watchdog0';
  const m = /^\/dev\/(watchdog\d{1,4})$/.exec(devicePath);
  return m ? m[1] : null;
}

export interface SysfsReadOptions {
  root?: string;
  readFile?: SmallFileReader;
}

export async function readWatchdogSysfs(name: string, readOptions: SysfsReadOptions = {}): Promise<WatchdogSysfsInfo> {
  const root = readOptions.root ?? WATCHDOG_SYSFS_ROOT;
  const read = readOptions.readFile ?? readSmallFile;
  const missing: WatchdogSysfsInfo['missing'] = [];
  const attrs = ['identity', 'timeout', 'timeleft', 'bootstatus', 'nowayout', 'state', 'options'] as const;
  const texts = await Promise.all(attrs.map((a) => read(`${root}/${name}/${a}`, 256)));
  const value = (i: number): string | null => {
    const r = texts[i];
    if (r.ok) return r.text.trim();
    missing.push({ attribute: attrs[i], why: r.message });
    return null;
  };
  const number = (i: number, parse: (t: string) => number | null = parseDecimal): number | null => {
    const t = value(i);
    if (t === null) return null;
    const n = parse(t);
    if (n === null) missing.push({ attribute: attrs[i], why: `${root}/${name}/${attrs[i]} holds ${JSON.stringify(t.slice(0, 40))}, not a number` });
    return n;
  };
  const identity = value(0);
  const timeoutS = number(1);
  const timeleftS = number(2);
  const bootStatus = number(3, parseFlagNumber);
  const nowayoutNum = number(4);
  const state = value(5);
  const options = number(6, parseFlagNumber);
  return {
    name,
    identity,
    timeoutS,
    timeleftS,
    bootStatus,
    bootStatusFlags: bootStatus === null ? [] : describeWatchdogFlags(bootStatus),
    lastBootByWatchdog: bootStatus === null ? null : (bootStatus & WDIOF.CARDRESET) !== 0,
    nowayout: nowayoutNum === null ? null : nowayoutNum !== 0,
    state,
    options,
    missing,
  };
}

function parseDecimal(text: string): number | null {
  return /^\d{1,10}$/.test(text) ? Number(text) : null;
}
