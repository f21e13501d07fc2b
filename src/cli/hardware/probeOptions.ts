// From commander's option strings to probe targets. Every check throws
// HardwareUsageError naming the option, what it expects and what it got.

import { readSecretFile } from '../../shell/fence/secretFile';
import { MAX_TIMEOUT_MS, MIN_TIMEOUT_MS } from './deadline';
import { HardwareUsageError } from './exitCodes';
import type { RaidProbeTarget } from './raidProbe';
import type { RaidDriver } from './raidReport';
import { NUT_PORT_DEFAULT, type UpsDriver, type UpsProbeTarget } from './upsProbe';

export interface UpsProbeOptions {
  driver: UpsDriver;
  port?: string;
  host?: string;
  ups?: string;
  user?: string;
  passwordFile?: string;
  timeoutMs?: string;
  json?: boolean;
}

export interface RaidProbeOptions {
  driver: RaidDriver;
  mdstat?: string;
  file?: string;
  diskFile?: string;
  port?: string;
  passwordFile?: string;
  timeoutMs?: string;
  json?: boolean;
}

export function parseTimeoutMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < MIN_TIMEOUT_MS || n > MAX_TIMEOUT_MS) {
    throw new HardwareUsageError(`--timeout-ms: expected whole milliseconds from ${MIN_TIMEOUT_MS} to ${MAX_TIMEOUT_MS}, got ${JSON.stringify(text)}`);
  }
  return n;
}

/** Options that only some drivers take, named when given to another. */
function refuse(driver: string, given: Record<string, unknown>, names: Record<string, string>): void {
  const wrong = Object.keys(names).filter((k) => given[k] !== undefined);
  if (wrong.length > 0) throw new HardwareUsageError(`--driver ${driver} does not take ${wrong.map((k) => names[k]).join(', ')}`);
}

function password(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  const r = readSecretFile(file);
  if (!r.ok) throw new HardwareUsageError(`--password-file: ${r.reason}`);
  return r.secret;
}

export function upsTargetFrom(o: UpsProbeOptions): UpsProbeTarget {
  if (o.driver === 'nut') {
    if (o.host === undefined || o.host.trim() === '') throw new HardwareUsageError('--driver nut needs --host (where upsd listens)');
    if (o.ups === undefined || o.ups.trim() === '') throw new HardwareUsageError('--driver nut needs --ups NAME (as `upsc -l HOST` lists it)');
    const port = o.port === undefined ? NUT_PORT_DEFAULT : Number(o.port);
    if (!/^\d{1,5}$/.test(o.port ?? '3493') || port < 1 || port > 65535) {
      throw new HardwareUsageError(`--port: with --driver nut it is upsd's TCP port, 1..65535 (default ${NUT_PORT_DEFAULT}); got ${JSON.stringify(o.port)}`);
    }
    if ((o.user === undefined) !== (o.passwordFile === undefined)) throw new HardwareUsageError('--user and --password-file go together (or give neither to read without logging in)');
    const secret = password(o.passwordFile);
    return { driver: 'nut', host: o.host.trim(), port, ups: o.ups.trim(), ...(o.user !== undefined && secret !== undefined ? { username: o.user, password: secret } : {}) };
  }
  refuse(o.driver, { ...o }, { host: '--host', ups: '--ups', user: '--user', passwordFile: '--password-file' });
  if (o.port === undefined) throw new HardwareUsageError(`--driver ${o.driver} needs --port (a device path such as /dev/ttyUSB0, serial:/dev/ttyS0?baud=2400 or tcp://host:port)`);
  return { driver: o.driver, link: o.port };
}

export function raidTargetFrom(o: RaidProbeOptions): RaidProbeTarget {
  const given = { ...o };
  switch (o.driver) {
    case 'md':
      refuse('md', given, { file: '--file', diskFile: '--disk-file', port: '--port', passwordFile: '--password-file' });
      return { driver: 'md', ...(o.mdstat !== undefined ? { mdstat: o.mdstat } : {}) };
    case 'areca-cli':
      refuse('areca-cli', given, { mdstat: '--mdstat', port: '--port', passwordFile: '--password-file' });
      if (o.file === undefined) throw new HardwareUsageError('--driver areca-cli needs --file FILE (saved output of `cli64 rsf info`)');
      return { driver: 'areca-cli', rsfFile: o.file, ...(o.diskFile !== undefined ? { diskFile: o.diskFile } : {}) };
    case 'areca': {
      refuse('areca', given, { mdstat: '--mdstat', file: '--file', diskFile: '--disk-file' });
      if (o.port === undefined) throw new HardwareUsageError('--driver areca needs --port (the controller\'s RS-232 port: /dev/ttyS1, serial:/dev/ttyS1?baud=115200 or tcp://host:port)');
      const secret = password(o.passwordFile);
      if (secret !== undefined && !/^[\x20-\x7e]{1,15}$/.test(secret)) {
        throw new HardwareUsageError(`--password-file: an Areca password is 1 to 15 printable ASCII characters; the file's first line is ${secret.length} characters`);
      }
      return { driver: 'areca', link: o.port, ...(secret !== undefined ? { password: secret } : {}) };
    }
  }
}
