// The `hardware:` section and watchdog self-fencing: defaults, paths made
// absolute, and the exact error lines for unsafe or incomplete settings.

import { stringify } from 'yaml';
import { parseConfigText, type LoadResult } from '../../src/config/load';
import { toFileForm } from '../../src/config/render';
import { toCoreConfig } from '../../src/config/toCore';
import { configWarnings } from '../../src/config/warnings';
import { variant } from './fixtures';

const parse = (edit: (d: Record<string, any>) => void): LoadResult => parseConfigText(variant(edit), '/etc/edge-ha', 'edge-ha.yaml');
function errorsOf(edit: (d: Record<string, any>) => void): string[] {
  const r = parse(edit);
  if (r.ok) throw new Error('expected the configuration to be refused');
  return r.errors;
}
function configOf(edit: (d: Record<string, any>) => void) {
  const r = parse(edit);
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.config;
}

const SELF_FENCING = (d: Record<string, any>) => {
  d.fencing.devices = [{ name: 'peer-watchdog', type: 'watchdog', waitMs: 25_000 }];
  d.fencing.arbitrator = { type: 'witness', address: '10.0.0.9:5409', keyFile: 'witness.key' };
  d.hardware = { watchdog: { device: '/dev/watchdog', timeoutSec: 10 } };
  d.timeouts = { fenceTimeoutMs: 40_000 };
};

describe('hardware section', () => {
  test('a full section: defaults filled in, relative paths resolved against the file', () => {
    const c = configOf((d) => {
      d.hardware = {
        ups: { driver: 'megatec', link: 'serial:/dev/ttyS1?baud=2400', serve: { bind: '0.0.0.0:3493' } },
        raid: [{ driver: 'md', mdstat: './mdstat' }, { driver: 'areca-cli', command: 'cli64' }],
        watchdog: { device: './wd' },
        health: { crossoverInterface: 'eth1' },
        rules: { raidFailed: 'alarm' },
        shutdownCommand: [],
      };
    });
    expect(c.hardware.ups).toMatchObject({ driver: 'megatec', pollIntervalMs: 2000, commLostAfterFailures: 3, serve: { bind: { host: '0.0.0.0', port: 3493 }, name: 'ups' } });
    expect(c.hardware.raid).toEqual([
      { driver: 'md', mdstat: '/etc/edge-ha/mdstat', pollIntervalMs: 5000 },
      { driver: 'areca-cli', mdstat: '/proc/mdstat', command: ['cli64'], pollIntervalMs: 5000 },
    ]);
    expect(c.hardware.watchdog).toEqual({ device: '/etc/edge-ha/wd', timeoutSec: 10, magicClose: false, systemd: 'auto' });
    expect(c.hardware.rules.raidFailed).toBe('alarm');
    expect(c.hardware.shutdownCommand).toEqual([]);
    // The file form loads back to the same configuration.
    const again = parseConfigText(stringify(toFileForm(c)), '/etc/edge-ha', 'again.yaml');
    expect(again.ok && again.config.hardware).toEqual(c.hardware);
  });

  test('errors name the key and what is expected', () => {
    expect(errorsOf((d) => (d.hardware = { ups: { driver: 'megatec' } }))).toEqual(['hardware.ups.link: expected a link (the megatec UPS\'s serial port), got nothing (the key is missing; no hardware.board fills it in)']);
    expect(errorsOf((d) => (d.hardware = { ups: { driver: 'apc', link: '/dev/ttyS0' } }))[0]).toBe('hardware.ups.driver: expected one of: megatec, apcsmart, nut, drycontact, got "apc"');
    expect(errorsOf((d) => (d.hardware = { ups: { driver: 'megatec', link: 'com1' } }))[0]).toMatch(/^hardware\.ups\.link: expected a link: serial:\/dev\/ttyS0\?baud=2400, \/dev\/ttyUSB0 or tcp:\/\/host:port, got "com1"/);
    expect(errorsOf((d) => (d.hardware = { raid: [{ driver: 'areca' }] }))[0]).toMatch(/^hardware\.raid\[0\]\.link: expected a link \(the controller's RS-232 port\)/);
    expect(errorsOf((d) => (d.hardware = { rules: { upsCritical: 'panic' } }))[0]).toBe('hardware.rules.upsCritical: expected one of: shutdown, switchover, alarm, ignore, got "panic"');
    expect(errorsOf((d) => (d.hardware = { shutdownCommand: 5 }))[0]).toMatch(/^hardware\.shutdownCommand: expected a command, or \[\] to only exit the daemon/);
  });

  test('rules reach the core: upsCritical shutdown turns the power rule on, anything else off', () => {
    expect(toCoreConfig(configOf(() => undefined)).powerCriticalShutdown).toBe(true);
    expect(toCoreConfig(configOf((d) => (d.hardware = { rules: { upsCritical: 'switchover' } }))).powerCriticalShutdown).toBe(false);
  });
});

describe('watchdog self-fencing', () => {
  test('a safe setup loads, and the core gets selfFence', () => {
    const c = configOf(SELF_FENCING);
    expect(c.fencing.arbitrator).toEqual({ type: 'witness', address: { host: '10.0.0.9', port: 5409 }, keyFile: '/etc/edge-ha/witness.key', timeoutMs: 1000 });
    expect(c.fencing.devices[0]).toEqual({ name: 'peer-watchdog', type: 'watchdog', waitMs: 25_000, timeoutMs: 30_000 });
    expect(toCoreConfig(c).selfFence).toBe(true);
  });

  test('a ping arbitrator loads with a warning that it cannot break a tie', () => {
    const c = configOf((d) => {
      SELF_FENCING(d);
      d.fencing.arbitrator = { type: 'ping', host: '10.0.0.1' };
    });
    expect(configWarnings(c).find((w) => w.startsWith('fencing.arbitrator:'))).toMatch(/cannot break a tie/);
    expect(configWarnings(configOf(SELF_FENCING)).some((w) => w.startsWith('fencing.arbitrator:'))).toBe(false);
  });

  test('no arbitrator is an error that says why', () => {
    const errors = errorsOf((d) => {
      SELF_FENCING(d);
      delete d.fencing.arbitrator;
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^fencing\.arbitrator: expected an arbitrator .*cannot tell that it is the one cut off/);
  });

  test('a survivor wait shorter than twice the watchdog timeout is an error naming the minimum', () => {
    const errors = errorsOf((d) => {
      SELF_FENCING(d);
      d.fencing.devices[0].waitMs = 19_999;
    });
    expect(errors).toEqual([expect.stringMatching(/^fencing\.devices\[0\]\.waitMs: expected an integer at least 20000 \(twice hardware\.watchdog\.timeoutSec\), got 19999/)]);
  });

  test('no watchdog device, a slow arbitrator, or a fence timeout shorter than the wait are errors', () => {
    expect(errorsOf((d) => {
      SELF_FENCING(d);
      d.hardware.watchdog = { timeoutSec: 10 };
    })[0]).toMatch(/^hardware\.watchdog\.device: expected a watchdog device/);
    expect(errorsOf((d) => {
      SELF_FENCING(d);
      d.fencing.arbitrator.timeoutMs = 10_000;
    })[0]).toMatch(/^fencing\.arbitrator\.timeoutMs: expected an integer under hardware\.watchdog\.timeoutSec in ms \(10000\)/);
    expect(errorsOf((d) => {
      SELF_FENCING(d);
      d.timeouts = { fenceTimeoutMs: 20_000 };
    })[0]).toMatch(/^timeouts\.fenceTimeoutMs: expected an integer at least 26000/);
  });

  test('an arbitrator without a watchdog fence device is refused', () => {
    expect(errorsOf((d) => (d.fencing.arbitrator = { type: 'ping', host: '10.0.0.1' }))[0]).toMatch(/^fencing\.arbitrator: expected no arbitrator without a fence device of type watchdog/);
  });
});
