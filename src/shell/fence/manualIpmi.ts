// `edge-ha fence-device ipmi`: the native IPMI agent, built through the same
// path as a configured `ipmi` device.

import path from 'node:path';
import { parseHostPort } from '../../config/hostPort';
import { IPMI_DEFAULT_PORT } from '../../config/powerDevices';
import { createFenceDevice } from './createDevice';
import type { ManualOptions } from './manualAgents';
import type { Built } from './manualDevice';
import { readSecretFile } from './secretFile';

const AUTH_TYPES = ['md5', 'password', 'none'] as const;
const PRIVILEGES = ['callback', 'user', 'operator', 'administrator'] as const;
/** The config's defaults for an ipmi device. */
const REQUEST_TIMEOUT_MS = 1000;
const RETRIES = 3;
const OFF_CONFIRM_TIMEOUT_MS = 20_000;

export function buildIpmi(o: ManualOptions, timeoutMs: number | undefined): Built {
  if (o.host === undefined || o.passwordFile === undefined) return { ok: false, reason: 'ipmi needs --host HOST and --password-file FILE' };
  const port = o.port === undefined ? IPMI_DEFAULT_PORT : /^[0-9]{1,5}$/.test(o.port) ? Number(o.port) : NaN;
  if (!(port >= 1 && port <= 65535)) return { ok: false, reason: `--port: expected 1..65535, got ${JSON.stringify(o.port)}` };
  const bareV6 = o.host.includes(':') && !o.host.startsWith('[');
  const address = parseHostPort(bareV6 ? `[${o.host}]:${port}` : `${o.host}:${port}`);
  if (!address.ok) return { ok: false, reason: `--host: expected an IPv4 address, an IPv6 address or a hostname, got ${JSON.stringify(o.host.slice(0, 64))}${address.note ? ` (${address.note})` : ''}` };
  if (o.user !== undefined && o.user.length > 16) return { ok: false, reason: `--user: an IPMI user name is at most 16 characters, got ${o.user.length}` };
  const authType = o.authType ?? 'md5';
  if (!AUTH_TYPES.includes(authType as never)) return { ok: false, reason: `--auth-type: expected one of ${AUTH_TYPES.join(', ')}, got ${JSON.stringify(authType)}` };
  const privilege = o.privilege ?? 'administrator';
  if (!PRIVILEGES.includes(privilege as never)) return { ok: false, reason: `--privilege: expected one of ${PRIVILEGES.join(', ')}, got ${JSON.stringify(privilege)}` };
  // The device reads the file again at each call; reading it now fails early with a clear
  // reason, and gives the password to redact from anything printed.
  const read = readSecretFile(o.passwordFile);
  if (!read.ok) return read;
  const requestMs = timeoutMs ?? REQUEST_TIMEOUT_MS;
  const device = createFenceDevice({
    name: 'ipmi',
    type: 'ipmi',
    address: address.value,
    user: o.user ?? '',
    passwordFile: path.resolve(o.passwordFile),
    privilege: privilege as (typeof PRIVILEGES)[number],
    authType: authType as (typeof AUTH_TYPES)[number],
    lanplus: o.lanplus === true,
    timeoutMs: requestMs,
    retries: RETRIES,
    offConfirmTimeoutMs: OFF_CONFIRM_TIMEOUT_MS,
  });
  // A call may send each request 1 + RETRIES times, a few requests per action, then wait for off.
  return { ok: true, value: { device, target: 'target', timeoutMs: requestMs * 4 * RETRIES + OFF_CONFIRM_TIMEOUT_MS, secret: read.secret } };
}
