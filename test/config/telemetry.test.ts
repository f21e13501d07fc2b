// The telemetry section: defaults, and the cross-key rules an operator gets wrong.

import { parseConfigText, type LoadResult } from '../../src/config/load';
import { MINIMAL_YAML, variant } from './fixtures';

function parse(text: string): LoadResult {
  return parseConfigText(text, '/etc/edge-ha', 'edge-ha.yaml');
}
function errorsOf(text: string): string[] {
  const r = parse(text);
  if (r.ok) throw new Error('expected the configuration to be refused');
  return r.errors;
}

test('telemetry is off by default, with Sparkplug, MQTT 3.1.1 and backoff defaults', () => {
  const r = parse(MINIMAL_YAML);
  if (!r.ok) throw new Error(r.errors.join('\n'));
  const t = r.config.telemetry;
  expect(t.enabled).toBe(false);
  expect(t.profile).toBe('sparkplug');
  expect(t.broker.protocolVersion).toBe(4);
  expect(t.reconnect).toEqual({ initialDelayMs: 500, maxDelayMs: 30_000, jitter: 0.3 });
  expect(t.commands.enabled).toBe(false);
});

test('relative secret and certificate paths are resolved against the config file', () => {
  const r = parse(
    variant((d) => {
      d.telemetry = { enabled: true, broker: { url: 'mqtts://broker:8883', username: 'n1', passwordFile: 'mqtt.pw', caFile: './ca.pem' }, commands: { enabled: true, keyFile: 'cmd.keys' } };
    }),
  );
  if (!r.ok) throw new Error(r.errors.join('\n'));
  expect(r.config.telemetry.broker.passwordFile).toBe('/etc/edge-ha/mqtt.pw');
  expect(r.config.telemetry.broker.caFile).toBe('/etc/edge-ha/ca.pem');
  expect(r.config.telemetry.commands.keyFile).toBe('/etc/edge-ha/cmd.keys');
});

test.each([
  [{ enabled: true }, 'telemetry.broker.url: expected a broker URL: mqtt://host:port or mqtts://host:port'],
  [{ broker: { url: 'http://x:1' } }, 'telemetry.broker.url: expected a broker URL: mqtt://host:port or mqtts://host:port'],
  [{ broker: { url: 'mqtt://u:secret@x:1883' } }, 'telemetry.broker.url: expected a broker URL without credentials'],
  [{ broker: { url: 'mqtt://x:1883', caFile: 'ca.pem' } }, 'telemetry.broker.caFile: expected no TLS file with a plain mqtt:// URL'],
  [{ broker: { url: 'mqtts://x:8883', certFile: 'c.pem' } }, 'telemetry.broker.keyFile: expected certFile and keyFile together'],
  [{ broker: { url: 'mqtt://x:1883', passwordFile: 'pw' } }, 'telemetry.broker.username: expected a user name'],
  [{ broker: { protocolVersion: 3 } }, 'telemetry.broker.protocolVersion: expected 4 (MQTT 3.1.1) or 5 (MQTT 5)'],
  [{ homeAssistant: { enabled: true } }, 'telemetry.homeAssistant.enabled: expected false while telemetry.profile is sparkplug'],
  [{ commands: { enabled: true } }, 'telemetry.commands.keyFile: expected a key file'],
  [{ reconnect: { initialDelayMs: 5000, maxDelayMs: 1000 } }, 'telemetry.reconnect.maxDelayMs: expected an integer at least telemetry.reconnect.initialDelayMs (5000)'],
  [{ profile: 'xml' }, 'telemetry.profile: expected one of: sparkplug, json'],
  [{ brokr: {} }, 'telemetry.brokr: unknown key (expected one of: enabled, broker, reconnect'],
])('%j is refused with a message naming the key', (telemetry, expected) => {
  const errors = errorsOf(variant((d) => (d.telemetry = telemetry)));
  expect(errors.some((e) => e.startsWith(expected))).toBe(true);
});
