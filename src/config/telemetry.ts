// The `telemetry:` section: where MQTT telemetry goes and how it is shaped.
// Off unless the section says `enabled: true`; cluster decisions never depend
// on it. Cross-key rules (HA discovery needs the JSON profile, commands need a
// key, TLS files need mqtts://) are checked here so the error names the key.

import { z } from 'zod';
import { bool, durationMs, filePath, intIn, oneOf, section, text } from './fields';

export const TELEMETRY_PROFILES = ['sparkplug', 'json'] as const;
const URL_SCHEMES = ['mqtt:', 'mqtts:', 'tcp:', 'ssl:'];

/** `mqtt://host:port` or `mqtts://host:port`; the message says which part is wrong. */
function brokerUrl() {
  return text('a broker URL: mqtt://host:port or mqtts://host:port').superRefine((s, ctx) => {
    let u: URL;
    try {
      u = new URL(s);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'a broker URL: mqtt://host:port or mqtts://host:port' });
      return;
    }
    if (!URL_SCHEMES.includes(u.protocol)) {
      ctx.addIssue({ code: 'custom', message: 'a broker URL: mqtt://host:port or mqtts://host:port', params: { note: `scheme ${u.protocol} is not supported` } });
    } else if (u.username || u.password) {
      ctx.addIssue({ code: 'custom', message: 'a broker URL without credentials', params: { note: 'use telemetry.broker.username and passwordFile, so the password stays out of the config' } });
    }
  });
}

const broker = section({
  url: brokerUrl().optional(),
  /** 4 = MQTT 3.1.1 (Sparkplug's base, every broker), 5 = MQTT 5. */
  protocolVersion: z.union([z.literal(4), z.literal(5)], { error: '4 (MQTT 3.1.1) or 5 (MQTT 5)' }).default(4),
  clientId: text('an MQTT client id').optional(),
  username: text('a user name').optional(),
  passwordFile: filePath().optional(),
  caFile: filePath().optional(),
  certFile: filePath().optional(),
  keyFile: filePath().optional(),
  keepaliveSec: intIn(1, 3600).default(10),
  connectTimeoutMs: durationMs(100).default(5_000),
}).prefault({});

const reconnect = section({
  initialDelayMs: durationMs(10).default(500),
  maxDelayMs: durationMs(10).default(30_000),
  /** Each delay is randomised by ± this fraction, so a fleet does not reconnect in step. */
  jitter: z.number({ error: 'a number 0..1' }).min(0, { error: 'a number 0..1' }).max(1, { error: 'a number 0..1' }).default(0.3),
}).prefault({});

const publish = section({
  maxIntervalMs: durationMs(1000).default(60_000),
  minIntervalMs: durationMs(0).default(1_000),
  counterIntervalMs: durationMs(100).default(10_000),
}).prefault({});

export const telemetrySection = section({
  enabled: bool().default(false),
  broker,
  reconnect,
  profile: oneOf(TELEMETRY_PROFILES).default('sparkplug'),
  homeAssistant: section({ enabled: bool().default(false), prefix: text('a topic prefix').default('homeassistant') }).prefault({}),
  publish,
  queue: section({ maxRecords: intIn(100, 1_000_000).default(10_000) }).prefault({}),
  commands: section({
    enabled: bool().default(false),
    keyFile: filePath().optional(),
    /** A command older or newer than this (by its timestamp) is refused as a possible replay. */
    maxSkewMs: durationMs(1000).default(30_000),
  }).prefault({}),
})
  .superRefine((t, ctx) => {
    const issue = (path: (string | number)[], message: string, note?: string) =>
      ctx.addIssue({ code: 'custom', message, path, ...(note ? { params: { note } } : {}) });
    if (t.enabled && !t.broker.url) issue(['broker', 'url'], 'a broker URL: mqtt://host:port or mqtts://host:port', 'telemetry is enabled');
    if (t.reconnect.maxDelayMs < t.reconnect.initialDelayMs) {
      issue(['reconnect', 'maxDelayMs'], `an integer at least telemetry.reconnect.initialDelayMs (${t.reconnect.initialDelayMs})`);
    }
    if (t.homeAssistant.enabled && t.profile !== 'json') {
      issue(['homeAssistant', 'enabled'], 'false while telemetry.profile is sparkplug', 'Home Assistant reads JSON, not Sparkplug protobuf; set telemetry.profile: json');
    }
    if (t.commands.enabled && !t.commands.keyFile) {
      issue(['commands', 'keyFile'], 'a key file (remote commands must be signed with a key the broker never sees)', 'telemetry.commands.enabled is true');
    }
    const tlsUrl = t.broker.url?.startsWith('mqtts:') || t.broker.url?.startsWith('ssl:');
    for (const key of ['caFile', 'certFile', 'keyFile'] as const) {
      if (t.broker[key] && !tlsUrl) issue(['broker', key], 'no TLS file with a plain mqtt:// URL', 'use mqtts:// for TLS');
    }
    if (Boolean(t.broker.certFile) !== Boolean(t.broker.keyFile)) {
      issue(['broker', t.broker.certFile ? 'keyFile' : 'certFile'], 'certFile and keyFile together (a client certificate needs its key)');
    }
    if (t.broker.passwordFile && !t.broker.username) issue(['broker', 'username'], 'a user name (passwordFile is set)');
  })
  .prefault({});
