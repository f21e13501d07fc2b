// /dev/watchdog from Node (hardware-protocols.md §7.1-§7.3). The pure-Node
// path opens, pets (one byte per write) and closes; the optional helper adds
// the ioctls (set/read back the timeout, boot status, support info) on the
// descriptor we hold. sysfs gives timeout, boot status and nowayout without
// any ioctl. Magic close ('V' then close) is done only when stopping on
// purpose AND the config allows it; when nowayout is set it cannot work, and
// stop() says so instead of pretending the watchdog was disarmed.

import { describeWatchdogFlags, parseFlagNumber, WDIOF } from './flags';
import { nodeWatchdogFileOps, type WatchdogFileOps } from './fileOps';
import { readWatchdogSysfs, sysfsNameForDevice, type WatchdogSysfsInfo } from './sysfs';
import type { PetResult, PetTarget, Unavailable } from './types';
import type { WdctlAvailability, WdctlReply } from './wdctl';

export interface LinuxWatchdogOptions {
  /** `/dev/watchdog`, `/dev/watchdog1`, or a simulator FIFO. */
  devicePath: string;
  /** sysfs directory name; derived from devicePath when it is /dev/watchdog[N]. */
  sysfsName?: string | null;
  sysfsRoot?: string;
  /** Timeout to program at open (needs the helper). */
  timeoutS?: number;
  /** Config switch: may stop() disarm the watchdog with the magic close? */
  allowMagicClose: boolean;
  /** From locateWdctl(); absent means "not looked for". */
  helper?: WdctlAvailability;
  fileOps?: WatchdogFileOps;
}

export type WatchdogOpenResult =
  | { ok: true; timeoutS: number | null; unavailable: Unavailable[] }
  | { ok: false; code: string; error: string };

export interface WatchdogStopResult {
  /** True: magic close done and expected to stop it; false: it keeps running; null: closed, effect unknown. */
  disarmed: boolean | null;
  why: string;
}

export interface LinuxWatchdogStatus {
  device: string;
  open: boolean;
  pets: number;
  petFailures: number;
  lastPetError: string | null;
  identity: string | null;
  timeoutS: number | null;
  timeleftS: number | null;
  lastBootByWatchdog: boolean | null;
  bootStatusFlags: string[];
  nowayout: boolean | null;
  magicCloseSupported: boolean | null;
  magicCloseAllowed: boolean;
  unavailable: Unavailable[];
}

const KEEPALIVE_BYTE = 'k';

export class LinuxWatchdog implements PetTarget {
  readonly name: string;
  private fd: number | null = null;
  private pets = 0;
  private petFailures = 0;
  private lastPetError: string | null = null;
  private programmedTimeoutS: number | null = null;
  private readonly ops: WatchdogFileOps;
  private readonly sysfsName: string | null;

  constructor(private readonly opts: LinuxWatchdogOptions) {
    this.name = opts.devicePath;
    this.ops = opts.fileOps ?? nodeWatchdogFileOps;
    this.sysfsName = opts.sysfsName !== undefined ? opts.sysfsName : sysfsNameForDevice(opts.devicePath);
  }

  get isOpen(): boolean {
    return this.fd !== null;
  }

  /** Open the device (this starts the watchdog) and program the timeout when asked and possible. */
  async open(): Promise<WatchdogOpenResult> {
    if (this.fd !== null) return { ok: true, timeoutS: this.programmedTimeoutS, unavailable: [] };
    try {
      this.fd = this.ops.open(this.opts.devicePath);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
      return { ok: false, code, error: describeOpenError(this.opts.devicePath, code, err) };
    }
    const unavailable: Unavailable[] = [];
    if (this.opts.timeoutS !== undefined) {
      const set = await this.ioctl(['set-timeout', String(this.opts.timeoutS)]);
      if (set.ok) {
        this.programmedTimeoutS = Number(set.fields.timeout);
        if (this.programmedTimeoutS !== this.opts.timeoutS) {
          unavailable.push({ feature: 'exact timeout', why: `asked for ${this.opts.timeoutS} s, the driver chose ${this.programmedTimeoutS} s` });
        }
      } else {
        unavailable.push({ feature: 'set timeout', why: set.message });
      }
    }
    return { ok: true, timeoutS: this.programmedTimeoutS, unavailable };
  }

  /** One keepalive write. Synchronous: see fileOps.ts for why. */
  pet(): PetResult {
    if (this.fd === null) return this.petFailed(`${this.opts.devicePath} is not open`);
    try {
      this.ops.write(this.fd, KEEPALIVE_BYTE);
      this.pets += 1;
      return { ok: true };
    } catch (err) {
      return this.petFailed(`keepalive write to ${this.opts.devicePath} failed: ${(err as Error).message}`);
    }
  }

  /**
   * Stop on purpose. Writes 'V' before closing only when the config allows
   * it; reports when nowayout makes that useless (the node will then reset
   * after the timeout unless the device is reopened and petted).
   */
  async stop(reason: string): Promise<WatchdogStopResult> {
    if (this.fd === null) return { disarmed: null, why: `${this.opts.devicePath} was not open` };
    const info = await this.readSysfs();
    const fd = this.fd;
    this.fd = null;
    const timeout = info?.timeoutS ?? this.programmedTimeoutS;
    const resetIn = timeout === null ? 'after its timeout' : `within ${timeout} s`;
    if (!this.opts.allowMagicClose) {
      this.closeQuietly(fd);
      return { disarmed: false, why: `stopping (${reason}) without magic close: not allowed by config; the watchdog keeps running and resets the node ${resetIn} unless reopened` };
    }
    if (info?.nowayout === true) {
      this.closeQuietly(fd);
      return { disarmed: false, why: `stopping (${reason}): the driver has nowayout set, so magic close cannot stop it; the node resets ${resetIn} unless reopened` };
    }
    try {
      // The 'V' must be in the last write before close (watchdog_dev.c clears the release flag on every write).
      this.ops.write(fd, 'V');
    } catch (err) {
      this.closeQuietly(fd);
      return { disarmed: false, why: `magic close failed (${(err as Error).message}); the watchdog keeps running and resets the node ${resetIn}` };
    }
    this.closeQuietly(fd);
    const magic = info?.options == null ? null : (info.options & WDIOF.MAGICCLOSE) !== 0;
    const known = info?.nowayout === false;
    const why = `stopping (${reason}): wrote 'V' and closed${magic === false ? ' (driver has no magic close: a plain close stops it)' : ''}${known ? '' : '; nowayout unknown (no sysfs attribute), so it may still be running'}`;
    return { disarmed: known ? true : null, why };
  }

  /** Everything known about the watchdog now (sysfs, plus helper ioctls while open). */
  async status(): Promise<LinuxWatchdogStatus> {
    const unavailable: Unavailable[] = [];
    const sys = await this.readSysfs(unavailable);
    let identity = sys?.identity ?? null;
    let timeoutS = sys?.timeoutS ?? this.programmedTimeoutS;
    let timeleftS = sys?.timeleftS ?? null;
    let boot = sys?.bootStatus ?? null;
    let options = sys?.options ?? null;
    const info = await this.ioctl(['info']);
    if (info.ok) {
      identity = info.fields.identity ?? identity;
      timeoutS = numberField(info.fields.timeout) ?? timeoutS;
      timeleftS = numberField(info.fields.timeleft) ?? timeleftS;
      boot = parseFlagNumber(info.fields.bootstatus ?? '') ?? boot;
      options = parseFlagNumber(info.fields.options ?? '') ?? options;
    } else {
      unavailable.push({ feature: 'ioctl status (GETSUPPORT/GETBOOTSTATUS/GETTIMEOUT)', why: info.message });
    }
    return {
      device: this.opts.devicePath,
      open: this.fd !== null,
      pets: this.pets,
      petFailures: this.petFailures,
      lastPetError: this.lastPetError,
      identity,
      timeoutS,
      timeleftS,
      lastBootByWatchdog: boot === null ? null : (boot & WDIOF.CARDRESET) !== 0,
      bootStatusFlags: boot === null ? [] : describeWatchdogFlags(boot),
      nowayout: sys?.nowayout ?? null,
      magicCloseSupported: options === null ? null : (options & WDIOF.MAGICCLOSE) !== 0,
      magicCloseAllowed: this.opts.allowMagicClose,
      unavailable,
    };
  }

  private petFailed(error: string): PetResult {
    this.petFailures += 1;
    this.lastPetError = error;
    return { ok: false, error };
  }

  private closeQuietly(fd: number): void {
    try {
      this.ops.close(fd);
    } catch {
      // Nothing useful to do: the descriptor is gone either way.
    }
  }

  private async readSysfs(unavailable?: Unavailable[]): Promise<WatchdogSysfsInfo | null> {
    if (this.sysfsName === null) {
      unavailable?.push({ feature: 'sysfs status', why: `${this.opts.devicePath} is not /dev/watchdog[N] and no sysfs name was configured` });
      return null;
    }
    const info = await readWatchdogSysfs(this.sysfsName, { root: this.opts.sysfsRoot });
    for (const m of info.missing) unavailable?.push({ feature: `sysfs ${m.attribute}`, why: m.why });
    return info;
  }

  private async ioctl(args: string[]): Promise<WdctlReply | { ok: false; message: string }> {
    const h = this.opts.helper;
    if (h === undefined) return { ok: false, message: 'no ioctl helper configured' };
    if (!h.available) return { ok: false, message: h.why };
    if (this.fd === null) return { ok: false, message: `ioctls need ${this.opts.devicePath} open, and opening it starts the watchdog` };
    const reply = await h.helper.run(this.fd, args);
    return reply.ok ? reply : { ok: false, message: `${reply.op} failed: ${reply.message}` };
  }
}

function numberField(text: string | undefined): number | null {
  return text !== undefined && /^\d{1,10}$/.test(text) ? Number(text) : null;
}

function describeOpenError(path: string, code: string, err: unknown): string {
  const detail = (err as Error)?.message ?? String(err);
  switch (code) {
    case 'ENOENT':
      return `${path} does not exist (no watchdog driver loaded, or wrong path): ${detail}`;
    case 'EBUSY':
      return `${path} is already open (single opener): systemd RuntimeWatchdogSec= or a watchdog daemon may own it: ${detail}`;
    case 'ENXIO':
      return `${path} has no reader (a simulator FIFO that is not running?): ${detail}`;
    case 'EACCES':
    case 'EPERM':
      return `no permission to open ${path} (needs root or the watchdog group): ${detail}`;
    default:
      return `cannot open ${path}: ${detail}`;
  }
}
