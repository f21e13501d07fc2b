// The IPMI, GPIO relay and reset-cable fence devices: their defaults, the
// exact error lines (a missing sense input is refused, with why), and a
// gpio-relay built from its config driving a simulated chip end to end.

import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimGpioChip, simGpioBackend } from '../../hw/gpio';
import { parseConfigText, type LoadResult } from '../../src/config/load';
import type { FenceDeviceConfig } from '../../src/config/types';
import { createFenceDevice } from '../../src/shell/fence/createDevice';
import { variant } from './fixtures';

function parse(devices: unknown[]): LoadResult {
  return parseConfigText(variant((d) => (d.fencing.devices = devices)), '/etc/edge-ha', 'edge-ha.yaml');
}
function errorsOf(devices: unknown[]): string[] {
  const r = parse(devices);
  if (r.ok) throw new Error('expected the configuration to be refused');
  return r.errors;
}
function devicesOf(devices: unknown[]): FenceDeviceConfig[] {
  const r = parse(devices);
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.config.fencing.devices;
}

const SENSE = { chip: 'gpiochip0', line: 6 };
const IPMI = { name: 'bmc', type: 'ipmi', address: '10.0.0.20', user: 'admin', passwordFile: 'secrets/bmc.pw' };
const RELAY = { name: 'relay', type: 'gpio-relay', chip: 'gpiochip0', line: 5, sense: SENSE };
const RCD = { name: 'rcd', type: 'rcd-serial', port: '/dev/ttyS1', sense: SENSE };
const WHY = 'without one the reset can never be confirmed and the peer would never count as fenced';

describe('valid devices get their defaults', () => {
  test('ipmi: port 623 when omitted, password file made absolute, md5/administrator/v1.5', () => {
    expect(devicesOf([IPMI])).toEqual([
      {
        ...IPMI,
        address: { host: '10.0.0.20', port: 623 },
        passwordFile: '/etc/edge-ha/secrets/bmc.pw',
        privilege: 'administrator',
        authType: 'md5',
        lanplus: false,
        timeoutMs: 1000,
        retries: 3,
        offConfirmTimeoutMs: 20_000,
      },
    ]);
    const [explicit] = devicesOf([{ ...IPMI, address: '[fe80::1]:6230', lanplus: true, authType: 'none', privilege: 'operator' }]);
    expect(explicit).toMatchObject({ address: { host: 'fe80::1', port: 6230 }, lanplus: true, authType: 'none', privilege: 'operator' });
  });

  test('gpio-relay and rcd-serial', () => {
    expect(devicesOf([RELAY, RCD])).toEqual([
      { ...RELAY, backend: 'gpiod', activeLow: false, mode: 'hold', pulseMs: 1000, sense: { ...SENSE, activeLow: false }, timeoutMs: 10_000 },
      { ...RCD, signal: 'dtr', pulseMs: 1500, sense: { ...SENSE, activeLow: false }, timeoutMs: 10_000 },
    ]);
  });
});

describe('errors name the key and what is expected', () => {
  test('an unknown type lists the new types too', () => {
    expect(errorsOf([{ ...IPMI, type: 'ipmitool' }])).toEqual([
      'fencing.devices[0].type: expected a fence device type: command, sim-power, rps10, apc-pdu, apc-ups, megatec-ups, lcus, ipmi, gpio-relay, rcd-serial, watchdog, operator, got "ipmitool"',
    ]);
  });

  test('ipmi: bad address, auth type, user too long, missing password file', () => {
    const { passwordFile: _p, ...noPassword } = IPMI;
    expect(errorsOf([{ ...noPassword, address: '10.0.0:623', authType: 'sha1', user: 'u'.repeat(17) }])).toEqual([
      'fencing.devices[0].address: expected host or host:port (port 623 when omitted), got "10.0.0:623" ("10.0.0" is neither an IPv4 address nor a hostname)',
      `fencing.devices[0].user: expected a user name of at most 16 characters ("" for the null user), got "${'u'.repeat(17)}"`,
      'fencing.devices[0].passwordFile: expected a file path (absolute, or relative to the configuration file), got nothing (the key is missing)',
      'fencing.devices[0].authType: expected one of: md5, password, none, got "sha1"',
    ]);
  });

  test('a relay or a reset cable without a sense input is refused, saying why', () => {
    const { sense: _a, ...relay } = RELAY;
    const { sense: _b, ...rcd } = RCD;
    const errors = errorsOf([relay, rcd]);
    expect(errors).toEqual([
      `fencing.devices[0].sense: expected a sense input mapping (keys: backend, chip, line, activeLow): ${WHY}, got nothing (the key is missing)`,
      `fencing.devices[1].sense: expected a sense input mapping (keys: backend, chip, line, activeLow): ${WHY}, got nothing (the key is missing)`,
    ]);
  });

  test('gpio-relay: bad backend, mode, pulse, sense line; rcd-serial: bad signal', () => {
    expect(errorsOf([{ ...RELAY, backend: 'wiringpi', mode: 'toggle', pulseMs: 0, sense: { chip: 'gpiochip0', line: -1 } }, { ...RCD, signal: 'cts' }])).toEqual([
      'fencing.devices[0].backend: expected one of: gpiod, onoff, sim, got "wiringpi"',
      'fencing.devices[0].mode: expected one of: hold, pulse, got "toggle"',
      'fencing.devices[0].pulseMs: expected an integer 1..60000, got 0',
      'fencing.devices[0].sense.line: expected an integer 0..1023, got -1',
      'fencing.devices[1].signal: expected one of: dtr, rts, got "cts"',
    ]);
  });
});

describe('createFenceDevice builds the new devices', () => {
  test('gpio-relay on a simulated chip: off energises the relay and is confirmed by the sense; status reads it', async () => {
    const chip = new SimGpioChip('simchip', 8);
    chip.drive(6, 1); // power-good: the peer is on
    // Wiring: the relay (offset 5) cuts the peer's power, so the sense input drops while it is energised.
    chip.onChange((c) => {
      if (c.offset === 5 && c.by === 'host') chip.drive(6, chip.level(5) === 1 ? 0 : 1);
    });
    const [config] = devicesOf([{ ...RELAY, backend: 'sim', chip: 'simchip', sense: { chip: 'simchip', line: 6 }, timeoutMs: 2000 }]);
    const device = createFenceDevice(config!, { gpioBackends: { sim: simGpioBackend(chip) } });
    expect(await device.status('peer')).toMatchObject({ state: 'on' });
    const off = await device.off('peer');
    expect(off).toMatchObject({ ok: true });
    expect(chip.level(5)).toBe(1);
    expect(await device.status('peer')).toMatchObject({ state: 'off' });
    expect(await device.on('peer')).toMatchObject({ ok: true });
    expect(chip.level(5)).toBe(0);
  });

  test('gpio-relay with the sim backend but no simulated chip fails with a reason', async () => {
    const [config] = devicesOf([{ ...RELAY, backend: 'sim' }]);
    const r = await createFenceDevice(config!).off('peer');
    expect(r).toMatchObject({ ok: false, reason: expect.stringContaining('the sim GPIO backend has no simulated chip here') });
  });

  test('ipmi: an unreadable password file is the reason, before any packet', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-ha-ipmi-cfg-'));
    try {
      const file = join(dir, 'bmc.pw');
      writeFileSync(file, 'pw\n');
      chmodSync(file, 0o644);
      const [config] = devicesOf([{ ...IPMI, address: '127.0.0.1:9', passwordFile: file }]);
      const r = await createFenceDevice(config!).status('peer');
      expect(r).toMatchObject({ state: 'unknown', reason: expect.stringContaining('has mode 0644; expected 0600 or stricter') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
