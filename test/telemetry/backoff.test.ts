import { backoffDelayMs } from '../../src/telemetry/mqtt/backoff';
import { describeMqttError } from '../../src/telemetry/mqtt/errors';

const opts = { initialDelayMs: 500, maxDelayMs: 30_000, jitter: 0.3 };

test('delays double from the initial delay up to the maximum', () => {
  const mid = () => 0.5; // no jitter
  expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => backoffDelayMs(opts, n, mid))).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
});

test('jitter spreads each delay by at most ± the fraction', () => {
  expect(backoffDelayMs(opts, 3, () => 0)).toBe(1400);
  expect(backoffDelayMs(opts, 3, () => 0.999999)).toBe(2600);
  const seen = new Set(Array.from({ length: 50 }, (_, i) => backoffDelayMs(opts, 2, () => i / 50)));
  expect(seen.size).toBeGreaterThan(40);
});

test('broker errors are named for what the operator must fix', () => {
  const url = 'mqtt://b:1883';
  expect(describeMqttError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1883'), { code: 'ECONNREFUSED' }), url)).toMatch(/refused the TCP connection/);
  expect(describeMqttError(Object.assign(new Error('Connection refused: Not authorized'), { code: 5 }), url)).toMatch(/refused the credentials/);
  expect(describeMqttError(Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), url)).toMatch(/certificate was rejected/);
  expect(describeMqttError(new Error('Connection refused: Unacceptable protocol version'), url)).toMatch(/protocolVersion/);
  expect(describeMqttError(Object.assign(new Error('getaddrinfo ENOTFOUND b'), { code: 'ENOTFOUND' }), url)).toMatch(/not found/);
});
