import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gpiodCliBackend } from '../../../hw/gpio/gpiodCli';
import { openGpioLine, realGpioClock } from '../../../hw/gpio/line';
import { onoffBackend, type OnoffGpio, type OnoffModule } from '../../../hw/gpio/onoff';
import { simGpioBackend, SimGpioChip } from '../../../hw/gpio/sim';
import { parseGpioInputs, readGpioOutputsFile, startGpioFileBridge, writeGpioInputsFile } from '../../../hw/gpio/simFileBridge';
import { sysfsGpioNumber, type SysfsReader } from '../../../hw/gpio/sysfsNumber';
import type { GpioEvent } from '../../../hw/gpio/types';
import { timerSchedule } from '../../../hw/ups/schedule';

/** A sysfs tree as a map of file -> content; directories are implied by paths. */
function fakeSysfs(files: Record<string, string>): SysfsReader {
  return {
    list(dir) {
      const prefix = `${dir}/`;
      const names = new Set(Object.keys(files).filter((f) => f.startsWith(prefix)).map((f) => f.slice(prefix.length).split('/')[0]!));
      if (names.size === 0) throw Object.assign(new Error(`ENOENT: ${dir}`), { code: 'ENOENT' });
      return [...names];
    },
    read(file) {
      const v = files[file];
      if (v === undefined) throw Object.assign(new Error(`ENOENT: ${file}`), { code: 'ENOENT' });
      return v;
    },
  };
}

// A Raspberry Pi 5 style tree: gpiochip0 (cdev) is sysfs base 571; a second chip by label.
const PI_SYSFS = fakeSysfs({
  '/sys/bus/gpio/devices/gpiochip0/gpio/gpiochip571/base': '571\n',
  '/sys/class/gpio/gpiochip571/base': '571\n',
  '/sys/class/gpio/gpiochip571/ngpio': '54\n',
  '/sys/class/gpio/gpiochip571/label': 'pinctrl-rp1\n',
  '/sys/class/gpio/gpiochip512/base': '512\n',
  '/sys/class/gpio/gpiochip512/ngpio': '32\n',
  '/sys/class/gpio/gpiochip512/label': 'gpio-brcmstb@107d508500\n',
});

describe('sysfs numbering (base + offset)', () => {
  it('finds the base through the character-device name or the label, and checks the offset', () => {
    expect(sysfsGpioNumber('gpiochip0', 17, PI_SYSFS)).toEqual({ ok: true, value: 588 });
    expect(sysfsGpioNumber('gpio-brcmstb@107d508500', 3, PI_SYSFS)).toEqual({ ok: true, value: 515 });
    expect(sysfsGpioNumber('gpiochip0', 54, PI_SYSFS)).toEqual({ ok: false, error: 'offset 54 is outside gpiochip0 (pinctrl-rp1, 54 lines, sysfs base 571)' });
    expect(sysfsGpioNumber('nope', 0, PI_SYSFS)).toMatchObject({ ok: false, error: expect.stringContaining('no GPIO chip named or labelled "nope"') });
    expect(sysfsGpioNumber('gpiochip0', 0, fakeSysfs({}))).toMatchObject({ ok: false, error: expect.stringContaining('CONFIG_GPIO_SYSFS') });
  });
});

describe('onoff backend (fake module)', () => {
  function fakeOnoff() {
    const made: Array<{ n: number; direction: string; gpio: OnoffGpio & { value: number; edge: string; watchers: Array<(e: Error | null, v: number) => void>; unexported: boolean } }> = [];
    const mod: OnoffModule = {
      Gpio: class {
        constructor(n: number, direction: 'in' | 'high' | 'low') {
          const gpio = {
            value: direction === 'high' ? 1 : 0,
            edge: 'none',
            watchers: [] as Array<(e: Error | null, v: number) => void>,
            unexported: false,
            read: (cb: (e: Error | null, v: number) => void) => cb(null, gpio.value),
            write: (v: 0 | 1, cb: (e: Error | null) => void) => {
              gpio.value = v;
              cb(null);
            },
            watch: (cb: (e: Error | null, v: number) => void) => gpio.watchers.push(cb),
            unwatch: () => (gpio.watchers.length = 0),
            setEdge: (e: string) => (gpio.edge = e),
            unexport: () => (gpio.unexported = true),
          };
          made.push({ n, direction, gpio });
          return gpio as unknown as object;
        }
      } as unknown as OnoffModule['Gpio'],
    };
    return { mod, made };
  }

  it('exports base+offset, applies active-low itself, and watches with edge both', async () => {
    const { mod, made } = fakeOnoff();
    const backend = onoffBackend({ load: () => mod, sysfs: PI_SYSFS });
    const led = await openGpioLine(backend, { name: 'led-active', chip: 'gpiochip0', offset: 17, direction: 'out', activeLow: true });
    if (!led.ok) throw new Error(led.error.message);
    expect(made[0]).toMatchObject({ n: 588, direction: 'high' });
    await led.value.write(true);
    expect(made[0]!.gpio.value).toBe(0);
    const pg = await openGpioLine(backend, { name: 'pg', chip: 'gpiochip0', offset: 4, direction: 'in' });
    if (!pg.ok) throw new Error(pg.error.message);
    const events: GpioEvent[] = [];
    pg.value.watch((e) => events.push(e));
    await new Promise((r) => setImmediate(r));
    expect(made[1]!.gpio.edge).toBe('both');
    made[1]!.gpio.watchers[0]!(null, 1);
    expect(events).toMatchObject([{ type: 'edge', active: true }]);
    await pg.value.close();
    expect(made[1]!.gpio.unexported).toBe(true);
  });

  it('is unavailable without the module, and refuses bias (sysfs has none)', async () => {
    const none = await openGpioLine(onoffBackend({ load: () => null, sysfs: PI_SYSFS }), { name: 'pg', chip: 'gpiochip0', offset: 4, direction: 'in' });
    expect(none).toMatchObject({ ok: false, error: { kind: 'unavailable', message: expect.stringContaining('onoff module is not installed') } });
    const { mod } = fakeOnoff();
    const bias = await openGpioLine(onoffBackend({ load: () => mod, sysfs: PI_SYSFS }), { name: 'pg', chip: 'gpiochip0', offset: 4, direction: 'in', bias: 'pull-up' });
    expect(bias).toMatchObject({ ok: false, error: { kind: 'invalid-config' } });
  });
});

describe('simulated chip file bridge', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'edge-ha-gpio-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('drives inputs from the inputs file and publishes claimed outputs', async () => {
    const chip = new SimGpioChip('sim0', ['power-good', 'relay']);
    const inputs = path.join(dir, 'inputs.json');
    const outputs = path.join(dir, 'outputs.json');
    const problems: string[] = [];
    const bridge = startGpioFileBridge({ chip, inputsPath: inputs, outputsPath: outputs, pollMs: 10, schedule: timerSchedule, onProblem: (m) => problems.push(m) });
    try {
      const relay = await openGpioLine(simGpioBackend(chip), { name: 'relay', chip: 'sim0', offset: 1, direction: 'out' });
      if (!relay.ok) throw new Error(relay.error.message);
      await relay.value.write(true);
      await writeGpioInputsFile(inputs, { 'power-good': 1 });
      await waitUntil(() => chip.level('power-good') === 1);
      await waitUntil(async () => (await readGpioOutputsFile(outputs))?.relay === 1);
      writeFileSync(inputs, '{"power-good": 2}');
      await waitUntil(() => problems.length > 0);
      expect(problems[0]).toContain('line "power-good" must be 0 or 1, got 2');
      expect(chip.level('power-good')).toBe(1);
      writeFileSync(inputs, '{"nope": 1}');
      await waitUntil(() => problems.length > 1);
      expect(problems[1]).toContain('sim0 has no line(s) nope');
    } finally {
      bridge.stop();
    }
  });

  it('parses inputs without throwing on any text', () => {
    expect(parseGpioInputs('{"a":1,"3":false}')).toEqual({ ok: true, value: [['3', 0], ['a', 1]] });
    expect(parseGpioInputs('[1]')).toEqual({ ok: false, error: 'must be a JSON object of line name -> 0 or 1' });
    expect(parseGpioInputs('{').ok).toBe(false);
  });
});

const hasGpiod = spawnSync('which', ['gpioget']).status === 0;
const noChip = !existsSync('/dev/gpiochip0');
// Only where there is no real chip: on a board this would touch real pins.
(hasGpiod && noChip ? describe : describe.skip)('gpiod tools for real, on a machine without gpiochips', () => {
  it('turns the real tool error into a typed no-such-line error', async () => {
    const backend = gpiodCliBackend({ schedule: timerSchedule, startupMs: 500 });
    const input = await openGpioLine(backend, { name: 'pg', chip: 'gpiochip0', offset: 0, direction: 'in' }, realGpioClock);
    expect(input).toMatchObject({ ok: false, error: { kind: 'no-such-line', message: expect.stringContaining('gpioget: error reading GPIO values: No such file or directory') } });
    const output = await openGpioLine(backend, { name: 'relay', chip: 'gpiochip0', offset: 0, direction: 'out' }, realGpioClock);
    expect(output).toMatchObject({ ok: false, error: { kind: 'no-such-line', message: expect.stringContaining('gpioset: error setting the GPIO line values') } });
  });
});

async function waitUntil(cond: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
