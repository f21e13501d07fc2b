// The legacy sysfs interface (and so onoff) numbers lines globally: the
// number is the chip's sysfs *base* plus the line's offset. The base is not 0
// on x86 boards nor on Raspberry Pi kernels >= 6.6 (base 512), so a header pin
// number or a bare offset is wrong there (reference typescript-stack §3.2).
// We never guess: the base is read from the chip's own sysfs entry.
//
// `chip` may be:
//   * the character-device name gpiodetect prints (`gpiochip0`): its sysfs
//     entry is /sys/bus/gpio/devices/gpiochip0/gpio/gpiochip<base>;
//   * the chip's label (`pinctrl-bcm2711`, `INT34C6:00`), matched against
//     /sys/class/gpio/gpiochip*/label.
// The same `chip` + `offset` therefore names the same pin in both backends.

import { readdirSync, readFileSync } from 'node:fs';
import { err, ok, type Result } from '../ups/result';

export interface SysfsReader {
  /** Entry names of a directory; throws like fs when absent. */
  list(dir: string): string[];
  /** Contents of a small file; throws like fs when absent. */
  read(file: string): string;
}

export const realSysfsReader: SysfsReader = {
  list: (dir) => readdirSync(dir),
  read: (file) => readFileSync(file, 'utf8'),
};

export interface SysfsChip {
  dir: string;
  base: number;
  ngpio: number;
  label: string;
}

/** The global sysfs number of `offset` on `chip`, or why it cannot be found. Never throws. */
export function sysfsGpioNumber(chip: string, offset: number, fs: SysfsReader = realSysfsReader): Result<number, string> {
  const found = findSysfsChip(chip, fs);
  if (!found.ok) return found;
  const c = found.value;
  if (!Number.isInteger(offset) || offset < 0 || offset >= c.ngpio) {
    return err(`offset ${offset} is outside ${chip} (${c.label}, ${c.ngpio} lines, sysfs base ${c.base})`);
  }
  return ok(c.base + offset);
}

export function findSysfsChip(chip: string, fs: SysfsReader = realSysfsReader): Result<SysfsChip, string> {
  if (/^gpiochip\d+$/.test(chip)) {
    const viaBus = `/sys/bus/gpio/devices/${chip}/gpio`;
    const entries = tryList(viaBus, fs);
    const dir = entries?.find((e) => /^gpiochip\d+$/.test(e));
    if (dir) return readChip(`/sys/class/gpio/${dir}`, fs);
  }
  const all = tryList('/sys/class/gpio', fs);
  if (all === null) return err('/sys/class/gpio is missing (kernel built without CONFIG_GPIO_SYSFS?); use the gpiod backend');
  for (const dir of all.filter((e) => /^gpiochip\d+$/.test(e))) {
    const c = readChip(`/sys/class/gpio/${dir}`, fs);
    if (c.ok && c.value.label === chip) return c;
  }
  return err(`no GPIO chip named or labelled "${chip}" in sysfs (gpiodetect lists the names and labels)`);
}

function readChip(dir: string, fs: SysfsReader): Result<SysfsChip, string> {
  try {
    const base = Number(fs.read(`${dir}/base`).trim());
    const ngpio = Number(fs.read(`${dir}/ngpio`).trim());
    const label = fs.read(`${dir}/label`).trim();
    if (!Number.isInteger(base) || base < 0 || !Number.isInteger(ngpio) || ngpio <= 0) return err(`${dir} has an unreadable base or ngpio`);
    return ok({ dir, base, ngpio, label });
  } catch (e) {
    return err(`cannot read ${dir}: ${(e as Error).message}`);
  }
}

function tryList(dir: string, fs: SysfsReader): string[] | null {
  try {
    return fs.list(dir);
  } catch {
    return null;
  }
}
