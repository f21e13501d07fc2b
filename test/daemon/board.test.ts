// hardware.board at start-up: the profile fills in where devices are wired,
// the config's own keys win, and an unusable profile stops the daemon with the reason.

import { parseConfigText } from '../../src/config/load';
import { applyBoard } from '../../src/daemon/hardware/board';
import { variant } from '../config/fixtures';

function hw(h: Record<string, unknown>) {
  const r = parseConfigText(variant((d) => (d.hardware = h)), '/etc/edge-ha', 'test.yaml');
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.config.hardware;
}

test('generic-x86: the UPS port comes from the board; an explicit link wins', () => {
  const a = applyBoard(hw({ board: 'generic-x86', ups: { driver: 'megatec' } }), '/var/lib/edge-ha');
  expect(a.ok && a.hw.ups?.link).toBe('serial:/dev/ttyS1?baud=2400');
  const b = applyBoard(hw({ board: 'generic-x86', ups: { driver: 'megatec', link: '/dev/ttyUSB3' } }), '/var/lib/edge-ha');
  expect(b.ok && b.hw.ups?.link).toBe('/dev/ttyUSB3');
});

test('the watchdog is armed only when the config says `device: board`', () => {
  const quiet = applyBoard(hw({ board: 'raspberry-pi-4' }), '/x');
  expect(quiet.ok && quiet.hw.watchdog.device).toBeUndefined();
  const armed = applyBoard(hw({ board: 'raspberry-pi-4', watchdog: { device: 'board', timeoutSec: 10 } }), '/x');
  expect(armed.ok && armed.hw.watchdog.device).toBe('/dev/watchdog');
  expect(armed.ok && armed.hw.health.crossoverInterface).toBe('eth1');
  const tooLong = applyBoard(hw({ board: 'raspberry-pi-4', watchdog: { device: 'board', timeoutSec: 30 } }), '/x');
  expect(tooLong.ok).toBe(false);
  expect(!tooLong.ok && tooLong.error).toMatch(/timeoutSec: expected at most 15/);
});

test('a dry-contact UPS gets its input lines from the board', () => {
  const a = applyBoard(hw({ board: 'raspberry-pi-4', ups: { driver: 'drycontact' } }), '/x');
  expect(a.ok && a.hw.ups?.contacts).toMatchObject({ onBattery: { chip: 'gpiochip0', line: 17, activeLow: true }, lowBattery: { line: 27 }, gpioBackend: 'gpiod' });
});

test('errors: an unknown board, `device: board` without a board', () => {
  const unknown = applyBoard(hw({ board: 'toaster-9000' }), '/x');
  expect(!unknown.ok && unknown.error).toMatch(/^hardware\.board: .*toaster-9000/);
  const noBoard = applyBoard(hw({ watchdog: { device: 'board' } }), '/x');
  expect(!noBoard.ok && noBoard.error).toBe('hardware.watchdog.device: "board" needs hardware.board');
});
