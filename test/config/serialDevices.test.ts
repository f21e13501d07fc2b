// The serial fence devices (reached over TCP): their defaults, and the exact
// error lines for each way an entry can be wrong.

import { parseConfigText, type LoadResult } from '../../src/config/load';
import type { FenceDeviceConfig } from '../../src/config/types';
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

const RPS10 = { name: 'rps', type: 'rps10', address: 'ser2net.lab:3001', outlet: 3 };
const PDU = { name: 'pdu', type: 'apc-pdu', address: '10.0.0.9:23', outlet: 4, login: 'apc', passwordFile: 'secrets/pdu.pw' };

describe('valid serial devices get their defaults', () => {
  test('each type parses, addresses are split, the password file is made absolute', () => {
    const devices = devicesOf([
      RPS10,
      PDU,
      { name: 'ups-a', type: 'apc-ups', address: '10.0.0.9:3002' },
      { name: 'ups-m', type: 'megatec-ups', address: '10.0.0.9:3003', restoreMinutes: 2 },
      { name: 'relay', type: 'lcus', address: '10.0.0.9:3004', channel: 2, senseDevice: 'ups-a' },
    ]);
    expect(devices).toEqual([
      { ...RPS10, address: { host: 'ser2net.lab', port: 3001 }, waitForReady: true, timeoutMs: 20_000 },
      { ...PDU, address: { host: '10.0.0.9', port: 23 }, passwordFile: '/etc/edge-ha/secrets/pdu.pw', console: 'aos', timeoutMs: 20_000 },
      { name: 'ups-a', type: 'apc-ups', address: { host: '10.0.0.9', port: 3002 }, timeoutMs: 60_000 },
      { name: 'ups-m', type: 'megatec-ups', address: { host: '10.0.0.9', port: 3003 }, restoreMinutes: 2, timeoutMs: 30_000 },
      { name: 'relay', type: 'lcus', address: { host: '10.0.0.9', port: 3004 }, channel: 2, senseDevice: 'ups-a', timeoutMs: 10_000 },
    ]);
  });

  test('megatec restoreMinutes defaults to 0 (stay off until on)', () => {
    const [ups] = devicesOf([{ name: 'u', type: 'megatec-ups', address: '10.0.0.9:3003' }]);
    expect(ups).toMatchObject({ restoreMinutes: 0 });
  });
});

describe('errors name the key and what is expected', () => {
  test('an unknown type lists every type', () => {
    expect(errorsOf([{ name: 'x', type: 'rps-10', address: '10.0.0.9:1' }])).toEqual([
      'fencing.devices[0].type: expected a fence device type: command, sim-power, rps10, apc-pdu, apc-ups, megatec-ups, lcus, ipmi, gpio-relay, rcd-serial, watchdog, operator, got "rps-10"',
    ]);
  });

  test('rps10: outlet out of range, bad address', () => {
    expect(errorsOf([{ ...RPS10, outlet: 10, address: 'ser2net' }])).toEqual([
      'fencing.devices[0].address: expected host:port, got "ser2net"',
      'fencing.devices[0].outlet: expected an integer 0..9, got 10',
    ]);
  });

  test('apc-pdu: missing login and password file, unknown console', () => {
    const { login: _l, passwordFile: _p, ...rest } = PDU;
    expect(errorsOf([{ ...rest, outlet: 0, console: 'telnet' }])).toEqual([
      'fencing.devices[0].outlet: expected an integer 1..64, got 0',
      'fencing.devices[0].login: expected a login name, got nothing (the key is missing)',
      'fencing.devices[0].passwordFile: expected a file path (absolute, or relative to the configuration file), got nothing (the key is missing)',
      'fencing.devices[0].console: expected one of: aos, menu, got "telnet"',
    ]);
  });

  test('apc-pdu: a password written inline is an unknown key, not silently used', () => {
    const errors = errorsOf([{ ...PDU, password: 'hunter2' }]);
    expect(errors).toEqual([
      'fencing.devices[0].password: unknown key (expected one of: name, type, address, outlet, login, passwordFile, console, timeoutMs)',
    ]);
    expect(errors.join('\n')).not.toContain('hunter2');
  });

  test('apc-ups takes no outlet; megatec restoreMinutes is bounded', () => {
    expect(errorsOf([{ name: 'u', type: 'apc-ups', address: '10.0.0.9:1', outlet: 1 }])).toEqual([
      'fencing.devices[0].outlet: unknown key (expected one of: name, type, address, timeoutMs)',
    ]);
    expect(errorsOf([{ name: 'u', type: 'megatec-ups', address: '10.0.0.9:1', restoreMinutes: 10_000 }])).toEqual([
      'fencing.devices[0].restoreMinutes: expected an integer 0..9999, got 10000',
    ]);
  });

  test('lcus: channel 1..8 and senseDevice is required', () => {
    expect(errorsOf([{ name: 'r', type: 'lcus', address: '10.0.0.9:1', channel: 9 }])).toEqual([
      'fencing.devices[0].channel: expected an integer 1..8, got 9',
      expect.stringMatching(/^fencing\.devices\[0\]\.senseDevice: expected an id .*, got nothing \(the key is missing\)$/),
    ]);
  });

  test('lcus: senseDevice must exist, must not be itself, must not be another lcus', () => {
    const relay = (name: string, senseDevice: string) => ({ name, type: 'lcus', address: '10.0.0.9:1', channel: 1, senseDevice });
    const expected = "expected the name of another fencing device whose status reads the peer's power";
    expect(errorsOf([relay('r', 'nope')])).toEqual([`fencing.devices[0].senseDevice: ${expected}, got "nope" (no device named "nope" in fencing.devices)`]);
    expect(errorsOf([relay('r', 'r')])).toEqual([
      `fencing.devices[0].senseDevice: ${expected}, got "r" (the relay board cannot confirm its own switching (it never answers))`,
    ]);
    expect(errorsOf([relay('r1', 'r2'), relay('r2', 'rps'), RPS10])).toEqual([
      `fencing.devices[0].senseDevice: ${expected}, got "r2" (r2 is another lcus board, which cannot read power)`,
    ]);
  });
});
