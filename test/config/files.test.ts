// loadConfig's file-system checks (config file, key file, programs) and the
// output of configCheck, on throw-away files in a temporary directory.

import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { configCheck } from '../../src/config/check';
import { loadConfig, MAX_CONFIG_BYTES } from '../../src/config/load';
import { MINIMAL_YAML, variant } from './fixtures';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'edge-ha-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a config (the minimal one by default) and a key file of the given mode next to it. */
function writeConfig(text = MINIMAL_YAML, keyMode: number | null = 0o600): string {
  if (keyMode !== null) {
    writeFileSync(join(dir, 'keys'), '1 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n');
    chmodSync(join(dir, 'keys'), keyMode);
  }
  const path = join(dir, 'edge-ha.yaml');
  writeFileSync(path, text);
  return path;
}

function errorsOf(path: string): string[] {
  const result = loadConfig(path);
  if (result.ok) throw new Error('expected loadConfig to fail');
  return result.errors;
}

describe('key file', () => {
  test.each([0o600, 0o400, 0o700])('mode %o is accepted', (mode) => {
    const result = loadConfig(writeConfig(MINIMAL_YAML, mode));
    expect(result.ok && result.config.heartbeat.keyFile).toBe(join(dir, 'keys'));
  });

  test.each([
    [0o644, '0644'],
    [0o640, '0640'],
    [0o604, '0604'],
  ])('mode %o is refused with the chmod to fix it', (mode, shown) => {
    const keys = join(dir, 'keys');
    expect(errorsOf(writeConfig(MINIMAL_YAML, mode))).toEqual([
      `heartbeat.keyFile: ${keys} has mode ${shown}; expected 0600 or stricter (chmod 600 ${keys})`,
    ]);
  });

  test('a missing key file or a directory is refused', () => {
    const path = writeConfig(MINIMAL_YAML, null);
    expect(errorsOf(path)).toEqual([
      `heartbeat.keyFile: expected an existing key file, got "${join(dir, 'keys')}" (no such file)`,
    ]);
    mkdirSync(join(dir, 'keys'));
    expect(errorsOf(path)).toEqual([`heartbeat.keyFile: expected a key file, got "${join(dir, 'keys')}" (a directory)`]);
  });

  test('parse errors are reported before the key file is looked at', () => {
    const path = writeConfig(variant((d) => (d.node.id = '')), null);
    expect(errorsOf(path)).toHaveLength(1);
    expect(errorsOf(path)[0]).toMatch(/^node\.id: expected an id/);
  });
});

describe('configuration file', () => {
  test('a missing file and a directory give clear errors', () => {
    const missing = join(dir, 'nope.yaml');
    expect(errorsOf(missing)).toEqual([`${missing}: no such file; expected an edge-ha configuration file (YAML)`]);
    expect(errorsOf(dir)).toEqual([`${dir}: is a directory; expected an edge-ha configuration file (YAML)`]);
  });

  test('a file that is too big or not UTF-8 is refused', () => {
    const path = join(dir, 'big.yaml');
    writeFileSync(path, Buffer.alloc(MAX_CONFIG_BYTES + 1, 0x20));
    expect(errorsOf(path)).toEqual([
      `${path}: is ${MAX_CONFIG_BYTES + 1} bytes; expected a configuration file of at most ${MAX_CONFIG_BYTES} bytes`,
    ]);
    writeFileSync(path, Buffer.from([0x61, 0x3a, 0x20, 0xff, 0xfe, 0x0a]));
    expect(errorsOf(path)).toEqual([`${path}: is not valid UTF-8 text; expected an edge-ha configuration file (YAML)`]);
  });

  test('a UTF-8 byte order mark is accepted', () => {
    const path = writeConfig(`\uFEFF${MINIMAL_YAML}`);
    expect(loadConfig(path).ok).toBe(true);
  });

  test('YAML syntax errors carry the path given to loadConfig', () => {
    const path = writeConfig('cluster:\n  id: c1\n  id: c2\n');
    expect(errorsOf(path)).toEqual([`${path}:3:3: YAML syntax error: Map keys must be unique`]);
  });
});

test('a program given by path that is not executable is a warning', () => {
  writeFileSync(join(dir, 'svc.sh'), '#!/bin/sh\nexit 0\n');
  const path = writeConfig(variant((d) => {
    d.resource.command = './svc.sh';
    d.fencing.devices[0].command = './fence_here';
  }));
  const before = loadConfig(path);
  expect(before.ok && before.warnings).toEqual([
    `resource.command[0]: ${join(dir, 'svc.sh')} is not an executable file (the resource cannot be started)`,
    `fencing.devices[0].command[0]: ${join(dir, 'fence_here')} is not an executable file (this device cannot fence)`,
  ]);
  chmodSync(join(dir, 'svc.sh'), 0o755);
  const after = loadConfig(path);
  expect(after.ok && after.warnings).toHaveLength(1);
});

describe('configCheck', () => {
  /** A program that surely exists, so the only warnings are the ones a test provokes. */
  const RUNNABLE = [process.execPath];

  function run(path: string, opts: { json?: boolean; separateErr?: boolean }) {
    const out: string[] = [];
    const err: string[] = [];
    const code = configCheck(path, (s) => out.push(s), {
      json: opts.json,
      err: opts.separateErr ? (s) => err.push(s) : undefined,
    });
    return { code, out, err };
  }

  test('a valid file prints warnings, then the effective configuration as YAML', () => {
    const path = writeConfig(variant((d) => {
      d.timeouts = { fenceDelayMs: 0 };
      d.resource.command = RUNNABLE;
    }));
    const { code, out } = run(path, {});
    expect(code).toBe(0);
    expect(out[0]).toMatch(/^warning: timeouts\.fenceDelayMs: 0 lets both nodes/);
    expect(out[1]).toBe(`# Effective configuration of ${path} (defaults filled in, paths resolved)`);
    const shown = parse(out.slice(1).join('\n'));
    expect(shown.timeouts.fenceDelayMs).toBe(0);
    expect(shown.timeouts.fenceRetryMaxMs).toBe(30000);
    expect(shown.heartbeat.keyFile).toBe(join(dir, 'keys'));
    expect(shown.heartbeat.paths[0].bind).toBe('192.168.77.1:5405');
  });

  test('--json prints the Config object, with warnings kept off stdout when err is given', () => {
    const path = writeConfig(variant((d) => {
      d.testing = { faultInjection: true };
      d.resource.command = RUNNABLE;
    }));
    const { code, out, err } = run(path, { json: true, separateErr: true });
    expect(code).toBe(0);
    expect(err).toEqual(['warning: testing.faultInjection: true enables fault injection; never use it in production']);
    const config = JSON.parse(out.join('\n'));
    expect(config.heartbeat.paths[0].bind).toEqual({ host: '192.168.77.1', port: 5405 });
    expect(config.testing.faultInjection).toBe(true);
  });

  test('an invalid file prints every error and returns 1', () => {
    const path = writeConfig(variant((d) => {
      d.node.priority = 70000;
      d.logging = { format: 'xml' };
    }));
    const { code, out } = run(path, {});
    expect(code).toBe(1);
    expect(out).toEqual([
      'error: node.priority: expected an integer 0..65535, got 70000',
      'error: logging.format: expected one of: auto, json, pretty, got "xml"',
    ]);
  });
});

describe('apc-pdu password file', () => {
  const withPdu = () =>
    variant((d) => {
      d.fencing.devices = [{ name: 'pdu', type: 'apc-pdu', address: '10.0.0.9:23', outlet: 1, login: 'apc', passwordFile: 'pdu.pw' }];
    });

  test('0600 loads with no warning; its content is not read into the config', () => {
    writeFileSync(join(dir, 'pdu.pw'), 'secret-xyz\n', { mode: 0o600 });
    const result = loadConfig(writeConfig(withPdu()));
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.warnings.filter((w) => w.includes('passwordFile'))).toEqual([]);
    expect(JSON.stringify(result.config)).not.toContain('secret-xyz');
  });

  test('readable by group, or missing, is a warning naming the key and the fix', () => {
    const pw = join(dir, 'pdu.pw');
    const missing = loadConfig(writeConfig(withPdu()));
    const pwWarnings = (r: ReturnType<typeof loadConfig>) => (r.ok ? r.warnings.filter((w) => w.includes('passwordFile')) : r.errors);
    expect(pwWarnings(missing)).toEqual([`fencing.devices[0].passwordFile: ${pw}: no such file (this device cannot log in)`]);
    writeFileSync(pw, 'secret-xyz\n');
    chmodSync(pw, 0o640);
    const loose = loadConfig(writeConfig(withPdu()));
    expect(pwWarnings(loose)).toEqual([
      `fencing.devices[0].passwordFile: ${pw} has mode 0640; expected 0600 or stricter (chmod 600 ${pw}); the device refuses to use it`,
    ]);
  });
});
