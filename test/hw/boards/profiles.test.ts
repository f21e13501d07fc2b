import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { checkProfileLines } from '../../../hw/boards/checkLines';
import { formatBoardList, listBoards } from '../../../hw/boards/list';
import { isBoardPath, loadBoardProfile, parseBoardProfileText } from '../../../hw/boards/load';
import { SIM_GPIO_LINE_NAMES, simulatedBoardPaths } from '../../../hw/boards/profiles/simulated';
import type { BoardProfile } from '../../../hw/boards/types';
import { parseLinkUrl } from '../../../hw/link/linkUrl';
import { GPIO_UPS_INPUTS_FILE, GPIO_UPS_LOW_BATTERY_LINE, GPIO_UPS_ON_BATTERY_LINE } from '../../../src/cli/hardware/simGpioUps';

const RUN_DIR = '/tmp/edge-ha-run/node-a';

function load(nameOrPath: string, opts = {}): BoardProfile {
  const r = loadBoardProfile(nameOrPath, opts);
  if (!r.ok) throw new Error(r.error.join('\n'));
  return r.value;
}

function errorsOf(yaml: string): string[] {
  const r = parseBoardProfileText(yaml, '/etc/edge-ha', 'b.yaml');
  if (r.ok) throw new Error('expected errors, the profile loaded');
  return r.error;
}

describe('built-in boards', () => {
  it('lists the three built-ins for --help', () => {
    expect(listBoards().map((b) => b.name)).toEqual(['simulated', 'generic-x86', 'raspberry-pi-4']);
    expect(listBoards().find((b) => b.name === 'simulated')?.needsRunDir).toBe(true);
    const help = formatBoardList();
    expect(help).toHaveLength(4);
    expect(help[2]).toMatch(/^ {2}raspberry-pi-4 {2}Raspberry Pi 4/);
    expect(help[3]).toContain('./file.yaml');
  });

  it.each(['generic-x86', 'raspberry-pi-4', 'simulated'])('%s passes its own line checks and its links parse', (name) => {
    const p = load(name, { runDir: RUN_DIR });
    expect(p.name).toBe(name);
    expect(checkProfileLines(p)).toEqual([]);
    if (p.ups) expect(parseLinkUrl(p.ups.link).ok).toBe(true);
  });

  it('generic-x86: UPS on COM2 at 2400 baud, /dev/watchdog, /proc/mdstat, no GPIO', () => {
    const p = load('generic-x86');
    const link = parseLinkUrl(p.ups!.link);
    expect(link).toEqual({ ok: true, value: expect.objectContaining({ kind: 'serial', path: '/dev/ttyS1', settings: expect.objectContaining({ baudRate: 2400 }) }) });
    expect(p.watchdog).toEqual({ kind: 'device', device: '/dev/watchdog' });
    expect(p.raid).toEqual([{ driver: 'md', mdstat: '/proc/mdstat' }]);
    expect(p.gpioBackend).toBeNull();
    expect({ ...p.leds, ...p.relays, ...p.inputs }).toEqual({});
  });

  it('raspberry-pi-4: BCM lines on gpiochip0, 15 s watchdog, contacts active-low with pull-up, relays on pulled-down lines', () => {
    const p = load('raspberry-pi-4');
    expect(p.gpioBackend).toBe('gpiod');
    expect(p.chips.gpiochip0).toEqual(expect.objectContaining({ label: 'pinctrl-bcm2711', lines: 58 }));
    expect(p.watchdog).toEqual({ kind: 'device', device: '/dev/watchdog', maxTimeoutSec: 15 });
    expect(p.inputs.onBattery).toEqual(expect.objectContaining({ chip: 'gpiochip0', line: 17, activeLow: true, bias: 'pull-up' }));
    // GPIO 9-27 are pulled down at reset: an active-high relay must sit there to stay off during boot.
    for (const relay of Object.values(p.relays)) {
      expect(relay.line).toBeGreaterThanOrEqual(9);
      expect(relay.line).toBeLessThanOrEqual(27);
      expect(relay.activeLow).toBe(false);
    }
    expect(Object.keys(p.leds).sort()).toEqual(['active', 'fault', 'standby']);
  });

  it('hands out copies: editing a loaded profile does not change the built-in', () => {
    const a = load('raspberry-pi-4');
    (a.relays.peerPower as { line: number }).line = 5;
    expect(load('raspberry-pi-4').relays.peerPower!.line).toBe(22);
  });

  it('simulated: needs an absolute run dir and puts every device in it, with the names sim-device ups-gpio writes', () => {
    expect(loadBoardProfile('simulated')).toEqual({ ok: false, error: [expect.stringContaining('expected a run directory')] });
    expect(loadBoardProfile('simulated', { runDir: 'relative/dir' })).toEqual({ ok: false, error: [expect.stringContaining('absolute')] });
    expect(loadBoardProfile('simulated', { runDir: '/tmp/a b' })).toEqual({ ok: false, error: [expect.stringContaining('without spaces')] });
    const p = load('simulated', { runDir: RUN_DIR });
    const paths = simulatedBoardPaths(RUN_DIR);
    expect(p.ups!.link).toBe(`serial:${paths.upsTty}?baud=2400`);
    expect(p.raid).toEqual([{ driver: 'md', mdstat: `${RUN_DIR}/mdstat` }]);
    expect(p.watchdog).toEqual({ kind: 'device', device: `${RUN_DIR}/watchdog.fifo` });
    expect(p.simGpio!.inputsFile).toBe(path.join(RUN_DIR, 'gpio', GPIO_UPS_INPUTS_FILE));
    expect(SIM_GPIO_LINE_NAMES[p.inputs.onBattery!.line]).toBe(GPIO_UPS_ON_BATTERY_LINE);
    expect(SIM_GPIO_LINE_NAMES[p.inputs.lowBattery!.line]).toBe(GPIO_UPS_LOW_BATTERY_LINE);
    expect(p.crossoverNic).toBeUndefined();
  });

  it('an unknown name lists the built-ins and how to name a file', () => {
    const r = loadBoardProfile('raspberry-pi-5');
    expect(r).toEqual({ ok: false, error: [expect.stringMatching(/board "raspberry-pi-5": expected one of: simulated, generic-x86, raspberry-pi-4, or a path/)] });
    expect(loadBoardProfile('')).toEqual({ ok: false, error: [expect.stringContaining('got nothing')] });
  });

  it('tells names from paths', () => {
    expect(isBoardPath('raspberry-pi-4')).toBe(false);
    expect(isBoardPath('./b')).toBe(true);
    expect(isBoardPath('myboard.yaml')).toBe(true);
    expect(isBoardPath('MyBoard.YML')).toBe(true);
  });
});

describe('YAML profiles', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'edge-ha-boards-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the example of the README, every key, relative to the config directory', () => {
    const readme = readFileSync(path.join(__dirname, '../../../hw/boards/README.md'), 'utf8');
    const example = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).find((y) => y.startsWith('name:'));
    expect(example).toBeDefined();
    mkdirSync(path.join(dir, 'conf'), { recursive: true });
    writeFileSync(path.join(dir, 'conf', 'box.yaml'), example!);
    const p = load('./box.yaml', { baseDir: path.join(dir, 'conf') });
    expect(p.name).toBe('edge-box-cm4');
    expect(p.origin).toBe(path.join(dir, 'conf', 'box.yaml'));
    expect(p.watchdog).toEqual({ kind: 'gpio-strobe', line: { chip: 'gpiochip0', line: 4, activeLow: false, pin: 'J8 pin 7' }, periodMs: 1000, window: { minMs: 80, maxMs: 2000 }, mode: 'toggle', jitterMarginMs: 100 });
    expect(p.chips.gpiochip0!.reserved).toEqual({ 0: 'HAT EEPROM ID_SD', 1: 'HAT EEPROM ID_SC', 14: 'UART TXD', 15: 'UART RXD' });
    expect(p.leds.fault).toEqual({ chip: 'gpiochip0', line: 26, activeLow: true });
    expect(p.inputs.lowBattery).toEqual({ chip: 'gpiochip0', line: 27, activeLow: true, bias: 'pull-up', debounceMs: 50 });
  });

  it('resolves relative file paths against the profile directory', () => {
    const p = parseBoardProfileText('name: lab\nraid: [{driver: md, mdstat: ./state/mdstat}]\nwatchdog: {device: wd.fifo}\n', '/srv/lab', 'lab.yaml');
    expect(p.ok && p.value.raid).toEqual([{ driver: 'md', mdstat: '/srv/lab/state/mdstat' }]);
    expect(p.ok && p.value.watchdog).toEqual({ kind: 'device', device: '/srv/lab/wd.fifo' });
  });

  it('file problems name the file', () => {
    expect(loadBoardProfile(path.join(dir, 'none.yaml'))).toEqual({ ok: false, error: [expect.stringMatching(/none\.yaml: no such file; expected a board profile/)] });
    mkdirSync(path.join(dir, 'd.yaml'));
    expect(loadBoardProfile(path.join(dir, 'd.yaml'))).toEqual({ ok: false, error: [expect.stringContaining('is not a regular file')] });
    writeFileSync(path.join(dir, 'empty.yaml'), '');
    expect(loadBoardProfile(path.join(dir, 'empty.yaml'))).toEqual({ ok: false, error: [expect.stringContaining('the file is empty')] });
    writeFileSync(path.join(dir, 'big.yaml'), `name: x\n#${'a'.repeat(70_000)}\n`);
    expect(loadBoardProfile(path.join(dir, 'big.yaml'))).toEqual({ ok: false, error: [expect.stringContaining('at most 65536 bytes')] });
    writeFileSync(path.join(dir, 'bin.yaml'), Buffer.from([0x6e, 0x3a, 0xff, 0xfe]));
    expect(loadBoardProfile(path.join(dir, 'bin.yaml'))).toEqual({ ok: false, error: [expect.stringContaining('not UTF-8')] });
  });

  it('schema errors name the key, the expectation and what was found', () => {
    expect(errorsOf('name: b\nleds:\n  active: {chip: gpiochip0, line: x}\n')).toEqual(['b.yaml: leds.active.line: expected an integer 0..65535, got "x"']);
    expect(errorsOf('name: b\nleds: {power: {chip: c, line: 1}}\n')).toEqual([expect.stringMatching(/^b\.yaml: leds\.power: unknown key \(expected one of: active, standby, fault\)/)]);
    expect(errorsOf('name: b\ngpioBackend: wiringpi\n')).toEqual(['b.yaml: gpioBackend: expected one of: onoff, gpiod, sim, got "wiringpi"']);
    expect(errorsOf('name: b\nups: {link: ttyS1}\n')).toEqual([expect.stringMatching(/^b\.yaml: ups\.link: expected a link URL .*, got "ttyS1" \(link URL "ttyS1": a serial path must be absolute/)]);
    expect(errorsOf('name: b\nraid: [{driver: md}]\n')).toEqual(['b.yaml: raid[0].mdstat: expected the path of the mdstat file for driver md, got nothing (the key is missing)']);
    expect(errorsOf('name: b\ncrossoverNic: a-very-long-interface-name\n')[0]).toMatch(/crossoverNic: expected a network interface name/);
    expect(errorsOf('description: no name\n')).toEqual([expect.stringMatching(/^b\.yaml: name: expected an id .*, got nothing \(the key is missing\)/)]);
    expect(errorsOf('name: b\nrelays: {"__proto__": {chip: c, line: 1}}\n').join('\n')).toContain('"__proto__"');
    expect(errorsOf('name: b\nrelays: {9bad: {chip: c, line: 1}}\n').join('\n')).toMatch(/relays\["9bad"\]: expected a relay name/);
  });

  it('watchdog: a device or a strobe, never both, and a strobe must fit its window', () => {
    expect(errorsOf('name: b\nwatchdog: {}\n')).toEqual([expect.stringMatching(/watchdog: expected either device .* or strobe/)]);
    expect(errorsOf('name: b\nwatchdog: {device: /dev/watchdog, periodMs: 500}\n')).toEqual([expect.stringMatching(/watchdog\.periodMs: expected no periodMs with device/)]);
    const strobe = 'name: b\ngpioBackend: gpiod\nwatchdog: {strobe: {chip: gpiochip0, line: 4}, periodMs: 1950, window: {minMs: 80, maxMs: 2000}}\n';
    expect(errorsOf(strobe)).toEqual([expect.stringMatching(/watchdog\.periodMs: expected a period inside the chip's window, got 1950 \(period 1950 ms plus jitter margin 100 ms exceeds/)]);
    expect(errorsOf('name: b\ngpioBackend: gpiod\nwatchdog: {strobe: {chip: gpiochip0, line: 4}}\n')).toEqual([
      expect.stringMatching(/watchdog\.periodMs: expected the strobe period in ms, got nothing/),
      expect.stringMatching(/watchdog\.window: expected the chip's window/),
    ]);
  });

  it('line checks: no line twice, an input and an output never share, offsets inside the chip, reserved lines refused', () => {
    const base = 'name: b\ngpioBackend: gpiod\nchips: {gpiochip0: {lines: 28, label: pinctrl-bcm2711, reserved: {14: UART TXD}}}\n';
    expect(errorsOf(`${base}leds: {active: {chip: gpiochip0, line: 24}}\nrelays: {peerPower: {chip: gpiochip0, line: 24}}\n`)).toEqual([
      'b.yaml: relays.peerPower.line: expected a gpiochip0 line no other key uses, got 24 (leds.active drives it as an output)',
    ]);
    expect(errorsOf(`${base}leds: {fault: {chip: gpiochip0, line: 17}}\ninputs: {onBattery: {chip: gpiochip0, line: 17}}\n`)).toEqual([
      'b.yaml: inputs.onBattery.line: expected a gpiochip0 line no other key uses, got 17 (leds.fault drives it as an output; a line cannot be an input and an output)',
    ]);
    expect(errorsOf(`${base}leds: {fault: {chip: gpiochip0, line: 30}}\n`)).toEqual([
      'b.yaml: leds.fault.line: expected an integer 0..27 (gpiochip0 "pinctrl-bcm2711" has 28 lines), got 30',
    ]);
    expect(errorsOf(`${base}relays: {peerReset: {chip: gpiochip0, line: 14}}\n`)).toEqual([
      'b.yaml: relays.peerReset.line: expected a gpiochip0 line that is not reserved, got 14 (UART TXD)',
    ]);
    // The same offset on another chip is another line.
    expect(parseBoardProfileText(`${base}leds: {active: {chip: gpiochip0, line: 3}}\nrelays: {peerPower: {chip: gpiochip1, line: 3}}\n`, '/', 'b.yaml').ok).toBe(true);
  });

  it('GPIO lines need a backend; a sim backend needs its chip', () => {
    expect(errorsOf('name: b\nleds: {active: {chip: gpiochip0, line: 1}}\n')).toEqual([
      'b.yaml: gpioBackend: expected one of: onoff, gpiod, sim, got nothing (the board names GPIO lines: leds.active)',
    ]);
    expect(errorsOf('name: b\ngpioBackend: sim\n')[0]).toMatch(/simGpio: expected the simulated chip/);
    const sim = 'name: b\ngpioBackend: sim\nsimGpio: {chip: s0, lineNames: [a, b], inputsFile: in.json, outputsFile: out.json}\nleds: {active: {chip: s0, line: 2}}\n';
    expect(errorsOf(sim)).toEqual([expect.stringContaining('leds.active.line: expected an integer 0..1 (s0 "simulated" has 2 lines), got 2')]);
  });

  it('YAML syntax errors carry the line and column', () => {
    expect(errorsOf('name: b\nleds: {active: [\n')[0]).toMatch(/^b\.yaml:\d+:\d+: YAML syntax error/);
  });

  it('property: any YAML-shaped data gives a result, never a throw', () => {
    const line = fc.record({ chip: fc.constantFrom('gpiochip0', 'c', ''), line: fc.oneof(fc.integer({ min: -2, max: 70 }), fc.string()), activeLow: fc.oneof(fc.boolean(), fc.string()) }, { requiredKeys: [] });
    const data = fc.record(
      {
        name: fc.oneof(fc.constant('b'), fc.string()),
        gpioBackend: fc.constantFrom('gpiod', 'sim', 'onoff', 'x'),
        chips: fc.dictionary(fc.constantFrom('gpiochip0', 'c'), fc.record({ lines: fc.integer({ min: -1, max: 80 }) })),
        leds: fc.dictionary(fc.constantFrom('active', 'standby', 'fault', 'other'), line),
        relays: fc.dictionary(fc.string(), line),
        inputs: fc.dictionary(fc.constantFrom('onBattery', '__proto__', 'x y'), line),
        watchdog: fc.record({ device: fc.string(), periodMs: fc.integer(), strobe: line }, { requiredKeys: [] }),
        ups: fc.record({ link: fc.string() }),
        raid: fc.array(fc.record({ driver: fc.constantFrom('md', 'areca', 'zfs'), mdstat: fc.string(), link: fc.string() }, { requiredKeys: [] })),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(data, (d) => {
        const r = parseBoardProfileText(JSON.stringify(d), '/base', 'p.yaml');
        if (r.ok) expect(checkProfileLines(r.value)).toEqual([]);
        else for (const m of r.error) expect(m).toMatch(/^p\.yaml(:\d+:\d+)?: /);
      }),
      { numRuns: 200 },
    );
  });
});
