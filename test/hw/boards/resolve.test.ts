import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { boardGpioBackend } from '../../../hw/boards/gpio';
import { loadBoardProfile } from '../../../hw/boards/load';
import { formatBoardOrigins, resolveBoard, type HardwareSectionInput } from '../../../hw/boards/resolve';
import type { BoardProfile } from '../../../hw/boards/types';
import { openGpioLine } from '../../../hw/gpio/line';
import { readGpioOutputsFile, writeGpioInputsFile } from '../../../hw/gpio/simFileBridge';
import { openStatusLeds } from '../../../hw/leds/open';
import { ManualClock } from '../../../hw/ups/sim/manualClock';

function board(name: string, runDir?: string): BoardProfile {
  const r = loadBoardProfile(name, runDir === undefined ? {} : { runDir });
  if (!r.ok) throw new Error(r.error.join('\n'));
  return r.value;
}

const PI = board('raspberry-pi-4');
const X86 = board('generic-x86');

describe('resolveBoard', () => {
  it('the board fills what the config leaves out, and says so', () => {
    const r = resolveBoard(PI, { ups: { driver: 'megatec' }, watchdog: { timeoutSec: 10 }, health: {}, raid: [{ driver: 'md' }] });
    expect(r.problems).toEqual([]);
    expect(r.board).toEqual({ name: 'raspberry-pi-4', description: PI.description });
    expect(r.ups.link).toEqual({ value: 'serial:/dev/ttyUSB0?baud=2400', from: 'board' });
    expect(r.watchdog).toEqual({ value: { kind: 'device', device: '/dev/watchdog', maxTimeoutSec: 15 }, from: 'board' });
    expect(r.crossoverNic).toEqual({ value: 'eth1', from: 'board' });
    expect(r.raid).toEqual([{ value: { driver: 'md', mdstat: '/proc/mdstat' }, from: 'board' }]);
    expect(r.leds.fault).toEqual({ value: PI.leds.fault, from: 'board' });
    expect(Object.keys(r.relays).sort()).toEqual(['peerPower', 'peerReset']);
    expect(r.gpioBackend).toBe('gpiod');
  });

  it('explicit keys win, and null means explicitly none', () => {
    const hw: HardwareSectionInput = {
      ups: { driver: 'apcsmart', link: 'tcp://10.0.0.5:4001' },
      watchdog: { device: null },
      health: { crossoverInterface: 'enp3s0' },
      leds: { fault: { chip: 'gpiochip0', line: 5, activeLow: true }, standby: null },
      relays: { peerReset: null, siren: { chip: 'gpiochip0', line: 6 } },
    };
    const r = resolveBoard(PI, hw);
    expect(r.problems).toEqual([]);
    expect(r.ups.link).toEqual({ value: 'tcp://10.0.0.5:4001', from: 'config' });
    expect(r.watchdog).toBeNull();
    expect(r.crossoverNic).toEqual({ value: 'enp3s0', from: 'config' });
    expect(r.leds).toEqual({ active: { value: PI.leds.active, from: 'board' }, fault: { value: { chip: 'gpiochip0', line: 5, activeLow: true }, from: 'config' } });
    expect(Object.keys(r.relays).sort()).toEqual(['peerPower', 'siren']);
    expect(r.relays.siren).toEqual({ value: { chip: 'gpiochip0', line: 6, activeLow: false }, from: 'config' });
  });

  it('a board never switches a device on: no section, no device', () => {
    const r = resolveBoard(PI, {});
    expect(r.ups.link).toBeNull();
    expect(r.watchdog).toBeNull();
    expect(r.crossoverNic).toBeNull();
    expect(r.raid).toEqual([]);
    // LEDs only show state, so the board's are always there.
    expect(Object.keys(r.leds)).toHaveLength(3);
    expect(resolveBoard(PI, undefined).watchdog).toBeNull();
  });

  it('dry contacts come from the board inputs, with its backend; the config can move one', () => {
    const r = resolveBoard(PI, { ups: { driver: 'drycontact', contacts: { lowBattery: { chip: 'gpiochip0', line: 5, activeLow: true } } } });
    expect(r.problems).toEqual([]);
    expect(r.ups.onBattery).toEqual({ value: PI.inputs.onBattery, from: 'board' });
    expect(r.ups.lowBattery).toEqual({ value: { chip: 'gpiochip0', line: 5, activeLow: true }, from: 'config' });
    expect(r.ups.gpioBackend).toEqual({ value: 'gpiod', from: 'board' });
    expect(r.ups.link).toBeNull();
    const sim = board('simulated', '/run/n1');
    const s = resolveBoard(sim, { ups: { driver: 'drycontact' } });
    expect(s.ups.gpioBackend).toEqual({ value: 'sim', from: 'board' });
    expect(s.ups.simFile).toEqual({ value: '/run/n1/gpio/inputs.json', from: 'board' });
  });

  it('a config line on a board LED line is refused after the merge', () => {
    const r = resolveBoard(PI, { ups: { driver: 'drycontact', contacts: { onBattery: { chip: 'gpiochip0', line: 24 } } } });
    expect(r.problems).toEqual([
      'hardware.ups.contacts.onBattery.line: expected a gpiochip0 line no other key uses, got 24 (hardware.leds.active drives it as an output; a line cannot be an input and an output)',
    ]);
    const reserved = resolveBoard(PI, { relays: { x: { chip: 'gpiochip0', line: 15 } } });
    expect(reserved.problems).toEqual(['hardware.relays.x.line: expected a gpiochip0 line that is not reserved, got 15 (GPIO 15 is the primary UART RXD (J8 pin 10))']);
  });

  it('a watchdog timeout longer than the board can count is a problem, unless the device is another one', () => {
    expect(resolveBoard(PI, { watchdog: { timeoutSec: 30 } }).problems).toEqual([
      'hardware.watchdog.timeoutSec: expected at most 15 (the longest timeout /dev/watchdog of board raspberry-pi-4 can count), got 30',
    ]);
    expect(resolveBoard(PI, { watchdog: { device: '/dev/watchdog', timeoutSec: 16 } }).problems).toHaveLength(1);
    expect(resolveBoard(PI, { watchdog: { device: '/dev/watchdog1', timeoutSec: 60 } }).problems).toEqual([]);
    expect(resolveBoard(X86, { watchdog: { timeoutSec: 60 } }).problems).toEqual([]);
  });

  it('says what is missing when neither config nor board gives it', () => {
    expect(resolveBoard(null, { ups: { driver: 'megatec' } }).problems).toEqual([
      'hardware.ups.link: expected a link URL for driver megatec, got nothing (and no hardware.board supplies it)',
    ]);
    expect(resolveBoard(X86, { ups: { driver: 'drycontact' } }).problems).toEqual([
      'hardware.ups.contacts.onBattery: expected a GPIO input line for driver drycontact, got nothing (board generic-x86 has no onBattery input either)',
    ]);
    expect(resolveBoard(X86, { raid: [{ driver: 'areca' }] }).problems).toEqual([
      'hardware.raid[0].link: expected the controller link URL for driver areca, got nothing (board generic-x86 has no areca source either)',
    ]);
    // A nut UPS needs no link at all.
    expect(resolveBoard(null, { ups: { driver: 'nut' } }).problems).toEqual([]);
  });

  it('formats the origins for edge-ha check, aligned, one per value', () => {
    const r = resolveBoard(PI, { ups: { driver: 'megatec' }, watchdog: { device: '/dev/watchdog' } });
    const lines = formatBoardOrigins(r);
    expect(lines[0]).toMatch(/^hardware\.ups\.link = serial:\/dev\/ttyUSB0\?baud=2400 +\(board raspberry-pi-4\)$/);
    expect(lines.find((l) => l.startsWith('hardware.watchdog ='))).toMatch(/\/dev\/watchdog \(max 15 s\) +\(config\)$/);
    expect(lines.find((l) => l.startsWith('hardware.leds.active'))).toContain('gpiochip0 line 24 (J8 pin 18)');
    expect(new Set(lines.map((l) => l.indexOf('  (')))).toEqual(new Set([lines[0]!.indexOf('  (')]));
    expect(lines).toHaveLength(r.origins.length);
  });
});

describe('the simulated board end to end', () => {
  let runDir: string;
  beforeAll(() => {
    runDir = mkdtempSync(path.join(os.tmpdir(), 'edge-ha-simboard-'));
  });
  afterAll(() => rmSync(runDir, { recursive: true, force: true }));

  async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
    let v = await read();
    for (let i = 0; i < 100 && !ok(v); i++) {
      await new Promise((r) => setTimeout(r, 10));
      v = await read();
    }
    return v;
  }

  it('LEDs show in the outputs file, and contacts written to the inputs file reach the input lines', async () => {
    const profile = board('simulated', runDir);
    const resolved = resolveBoard(profile, { ups: { driver: 'drycontact' } });
    expect(resolved.problems).toEqual([]);
    const clock = new ManualClock();
    const gpio = boardGpioBackend(profile, { schedule: clock.schedule });
    if (!gpio.ok) throw new Error(gpio.error);
    const ledLines = Object.fromEntries(Object.entries(resolved.leds).map(([k, s]) => [k, s.value]));
    const { leds, failed } = await openStatusLeds(gpio.value.backend, ledLines, { schedule: clock.schedule });
    expect(failed).toEqual([]);
    leds.set({ role: 'active', fault: true });
    const outputs = profile.simGpio!.outputsFile;
    const shown = await eventually(() => readGpioOutputsFile(outputs), (o) => o?.['led-active'] === 1 && o['led-fault'] === 1);
    expect(shown).toEqual({ 'led-active': 1, 'led-standby': 0, 'led-fault': 1 });

    const onBattery = resolved.ups.onBattery!.value;
    const input = await openGpioLine(gpio.value.backend, { name: 'on-battery', chip: onBattery.chip, offset: onBattery.line, direction: 'in', activeLow: onBattery.activeLow });
    if (!input.ok) throw new Error(input.error.message);
    await writeGpioInputsFile(profile.simGpio!.inputsFile, { 'on-battery': 1, 'low-battery': 0 });
    clock.advance(250); // one bridge poll
    const seen = await eventually(() => input.value.read(), (r) => r.ok && r.value);
    expect(seen).toEqual({ ok: true, value: true });

    await input.value.close();
    await leds.close();
    gpio.value.close();
    expect(boardGpioBackend(X86, { schedule: clock.schedule })).toEqual({ ok: false, error: 'board generic-x86 has no GPIO (gpioBackend is not set)' });
  });
});
