// One string names a link in the config:
//   serial:/dev/ttyS0?baud=2400            a local port (query optional)
//   /dev/serial/by-id/usb-FTDI...          a bare absolute path is a serial port
//   tcp://10.0.0.5:4001                    ser2net / terminal server
//   tcp://[fe80::1]:4001?baud=2400         (settings on tcp are what ser2net is set to; reported only)
// Query keys: baud, dataBits, parity (none|even|odd|mark|space or n|e|o|m|s),
// stopBits, and for serial rtscts and hupcl (true|false). Parsing never throws;
// every error says which part is wrong.

import { err, ok, type Result } from '../ups/result';
import { checkLineSettings } from './lineSettings';
import type { LineSettings, Parity } from './types';

export type LinkUrl =
  | { kind: 'serial'; path: string; settings: LineSettings; rtscts: boolean; hupcl: boolean }
  | { kind: 'tcp'; host: string; port: number; settings: LineSettings };

/** Longer than any device path or host name; anything past it is not a link URL. */
export const MAX_LINK_URL_CHARS = 512;

const PARITY_LETTERS: Record<string, Parity> = { n: 'none', e: 'even', o: 'odd', m: 'mark', s: 'space' };

export function parseLinkUrl(text: string, defaults: Partial<LineSettings> = {}): Result<LinkUrl, string> {
  if (typeof text !== 'string' || text.trim() === '') return err('link URL is empty (expected serial:/dev/ttyS0, /dev/ttyUSB0 or tcp://host:port)');
  if (text.length > MAX_LINK_URL_CHARS) return err(`link URL is longer than ${MAX_LINK_URL_CHARS} characters`);
  const url = text.trim();
  if (/[\s\u0000-\u001f]/.test(url)) return err(`link URL ${JSON.stringify(url.slice(0, 60))} contains spaces or control characters`);
  const q = url.indexOf('?');
  const head = q < 0 ? url : url.slice(0, q);
  const query = parseQuery(q < 0 ? '' : url.slice(q + 1), url);
  if (!query.ok) return query;
  if (head.startsWith('tcp://')) return parseTcp(head, query.value, defaults, url);
  let path: string;
  if (head.startsWith('serial:')) path = head.slice('serial:'.length).replace(/^\/\/(?=\/)/, '');
  else if (head.startsWith('/')) path = head;
  else {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(head)?.[1];
    return err(
      scheme
        ? `link URL ${JSON.stringify(url)}: unknown scheme "${scheme}:" (use serial: or tcp://)`
        : `link URL ${JSON.stringify(url)}: a serial path must be absolute, e.g. /dev/ttyUSB0`,
    );
  }
  if (!path.startsWith('/') || path.length < 2) return err(`link URL ${JSON.stringify(url)}: serial needs an absolute device path, e.g. serial:/dev/ttyS0`);
  const settings = settingsFrom(query.value, defaults, url);
  if (!settings.ok) return settings;
  const rtscts = flag(query.value, 'rtscts', false, url);
  if (!rtscts.ok) return rtscts;
  const hupcl = flag(query.value, 'hupcl', true, url);
  if (!hupcl.ok) return hupcl;
  const unknown = [...query.value.keys()].filter((k) => !SERIAL_KEYS.has(k));
  if (unknown.length > 0) return err(`link URL ${JSON.stringify(url)}: unknown option(s) ${unknown.join(', ')} (known: ${[...SERIAL_KEYS].join(', ')})`);
  return ok({ kind: 'serial', path, settings: settings.value, rtscts: rtscts.value, hupcl: hupcl.value });
}

const SETTING_KEYS = ['baud', 'dataBits', 'parity', 'stopBits'];
const SERIAL_KEYS = new Set([...SETTING_KEYS, 'rtscts', 'hupcl']);
const TCP_KEYS = new Set(SETTING_KEYS);

function parseTcp(head: string, query: Map<string, string>, defaults: Partial<LineSettings>, url: string): Result<LinkUrl, string> {
  const rest = head.slice('tcp://'.length);
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})\/?$/.exec(rest);
  if (!m) return err(`link URL ${JSON.stringify(url)}: expected tcp://host:port (IPv6 as tcp://[addr]:port)`);
  const host = m[1]!.replace(/^\[|\]$/g, '');
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return err(`link URL ${JSON.stringify(url)}: port must be 1..65535, got ${port}`);
  const unknown = [...query.keys()].filter((k) => !TCP_KEYS.has(k));
  if (unknown.length > 0) return err(`link URL ${JSON.stringify(url)}: unknown option(s) ${unknown.join(', ')} for tcp (known: ${[...TCP_KEYS].join(', ')})`);
  const settings = settingsFrom(query, defaults, url);
  if (!settings.ok) return settings;
  return ok({ kind: 'tcp', host, port, settings: settings.value });
}

function parseQuery(text: string, url: string): Result<Map<string, string>, string> {
  const out = new Map<string, string>();
  if (text === '') return ok(out);
  for (const part of text.split('&')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return err(`link URL ${JSON.stringify(url)}: option ${JSON.stringify(part)} must be key=value`);
    const key = part.slice(0, eq);
    if (out.has(key)) return err(`link URL ${JSON.stringify(url)}: option ${key} is given twice`);
    out.set(key, part.slice(eq + 1));
  }
  return ok(out);
}

function settingsFrom(query: Map<string, string>, defaults: Partial<LineSettings>, url: string): Result<LineSettings, string> {
  const changes: Record<string, unknown> = { ...defaults };
  for (const [key, field] of [
    ['baud', 'baudRate'],
    ['dataBits', 'dataBits'],
    ['stopBits', 'stopBits'],
  ] as const) {
    const v = query.get(key);
    if (v === undefined) continue;
    if (!/^\d+(\.5)?$/.test(v)) return err(`link URL ${JSON.stringify(url)}: ${key} must be a number, got ${JSON.stringify(v)}`);
    changes[field] = Number(v);
  }
  const parity = query.get('parity');
  if (parity !== undefined) {
    const p = parity.toLowerCase();
    // Own keys only, so "constructor" is reported as the text given, not as Object's constructor.
    changes.parity = Object.prototype.hasOwnProperty.call(PARITY_LETTERS, p) ? PARITY_LETTERS[p] : p;
  }
  const checked = checkLineSettings(changes);
  return checked.ok ? checked : err(`link URL ${JSON.stringify(url)}: ${checked.error}`);
}

function flag(query: Map<string, string>, key: string, fallback: boolean, url: string): Result<boolean, string> {
  const v = query.get(key);
  if (v === undefined) return ok(fallback);
  if (v === 'true' || v === '1') return ok(true);
  if (v === 'false' || v === '0') return ok(false);
  return err(`link URL ${JSON.stringify(url)}: ${key} must be true or false, got ${JSON.stringify(v)}`);
}

/** The URL back as text (canonical form), for logs and status. */
export function formatLinkUrl(u: LinkUrl): string {
  const s = u.settings;
  const q = `baud=${s.baudRate}&dataBits=${s.dataBits}&parity=${s.parity}&stopBits=${s.stopBits}`;
  if (u.kind === 'tcp') return `tcp://${u.host.includes(':') ? `[${u.host}]` : u.host}:${u.port}?${q}`;
  // parseLinkUrl reads `serial://` + `/path` as `/path`, so a path that itself starts with `//` needs that prefix to survive.
  const path = u.path.startsWith('//') ? `//${u.path}` : u.path;
  return `serial:${path}?${q}${u.rtscts ? '&rtscts=true' : ''}${u.hupcl ? '' : '&hupcl=false'}`;
}
