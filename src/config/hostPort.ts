// Parsing of the `host:port` strings of the configuration file. An address is
// an IPv4 dotted quad, a bracketed IPv6 address (`[fe80::1%eth0]:5405`) or a
// hostname. A host that looks numeric but is not a valid dotted quad
// (`10.0.0`) is refused instead of being sent to DNS as a hostname.

import { isIPv4, isIPv6 } from 'node:net';
import type { HostPort } from './types';

/** Longer input is refused before any parsing (a hostname is at most 253 characters). */
const MAX_HOST_PORT_CHARS = 300;
const HOSTNAME_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
/** No leading zeros: "05405" is more likely a typo than a port. */
const PORT_DIGITS = /^[1-9][0-9]{0,4}$/;

export type HostPortResult =
  | { ok: true; value: HostPort }
  /** `note` explains what is wrong when that is more than "not host:port". */
  | { ok: false; note?: string };

export function parseHostPort(text: string): HostPortResult {
  if (text.length === 0 || text.length > MAX_HOST_PORT_CHARS) return { ok: false };
  if (text.startsWith('[')) return parseBracketed(text);
  const colon = text.lastIndexOf(':');
  if (colon < 0) return { ok: false };
  const host = text.slice(0, colon);
  if (host.includes(':')) {
    return { ok: false, note: 'write an IPv6 address in brackets: [address]:port' };
  }
  if (!isIPv4(host) && !isHostname(host)) {
    return { ok: false, note: `${JSON.stringify(host)} is neither an IPv4 address nor a hostname` };
  }
  return withPort(host, text.slice(colon + 1));
}

function parseBracketed(text: string): HostPortResult {
  const close = text.indexOf(']');
  if (close < 0 || text[close + 1] !== ':') return { ok: false };
  const host = text.slice(1, close);
  if (!isIPv6(host)) return { ok: false, note: `${JSON.stringify(host)} is not an IPv6 address` };
  return withPort(host, text.slice(close + 2));
}

function withPort(host: string, portText: string): HostPortResult {
  const port = PORT_DIGITS.test(portText) ? Number(portText) : NaN;
  if (!(port >= 1 && port <= 65535)) return { ok: false, note: 'the port must be 1..65535' };
  return { ok: true, value: { host, port } };
}

/** RFC 1123 hostname whose last label is not all digits (that would be a broken IPv4 address). */
export function isHostname(host: string): boolean {
  if (host.length === 0 || host.length > 253) return false;
  const labels = host.split('.');
  if (!labels.every((label) => HOSTNAME_LABEL.test(label))) return false;
  return !/^[0-9]+$/.test(labels[labels.length - 1]);
}

/** The inverse of parseHostPort: `[v6]:port` for IPv6, `host:port` otherwise. */
export function formatHostPort(address: HostPort): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

/** Key for "same address" comparisons: hostnames and IPv6 hex digits are case-insensitive. */
export function hostPortKey(address: HostPort): string {
  return formatHostPort({ host: address.host.toLowerCase(), port: address.port });
}
