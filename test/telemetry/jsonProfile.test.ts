import fc from 'fast-check';
import { JsonProfile, jsonTopic, parseJsonTopic, type JsonTopicMap } from '../../src/telemetry/json';
import { TelemetryModel } from '../../src/telemetry/model';
import { statusFixture } from './fixtures/status';

function profile(): JsonProfile {
  const r = JsonProfile.create('plant-1', 'node-a');
  if (!r.ok) throw new Error(r.error);
  return r.value;
}
const body = <K extends keyof JsonTopicMap>(m: { payload: Uint8Array }): JsonTopicMap[K] => JSON.parse(Buffer.from(m.payload).toString('utf8')) as JsonTopicMap[K];

describe('JSON profile', () => {
  test('topics carry the cluster and node; parse round trip', () => {
    expect(jsonTopic('plant-1', 'node-a', 'state')).toBe('edge-ha/plant-1/node-a/state');
    expect(parseJsonTopic('edge-ha/plant-1/node-a/events')).toEqual({ ok: true, value: { cluster: 'plant-1', node: 'node-a', name: 'events' } });
    expect(parseJsonTopic('edge-ha/plant-1/node-a/hw')).toMatchObject({ ok: false, error: expect.stringContaining('unknown topic "hw"') });
    expect(parseJsonTopic('edge-ha/plant-1/state')).toMatchObject({ ok: false });
    expect(JsonProfile.create('plant/1', 'a')).toMatchObject({ ok: false, error: expect.stringContaining('reserves') });
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_.-]{1,20}$/), fc.stringMatching(/^[A-Za-z0-9_.-]{1,20}$/), fc.constantFrom('state' as const, 'events' as const, 'metrics' as const, 'availability' as const), (c, n, t) => {
        expect(parseJsonTopic(jsonTopic(c, n, t))).toEqual({ ok: true, value: { cluster: c, node: n, name: t } });
      }),
    );
  });

  test('state is retained at QoS 1 and holds the whole node', () => {
    const m = profile().state(statusFixture(), 1_700_000_000_000);
    expect(m).toMatchObject({ topic: 'edge-ha/plant-1/node-a/state', qos: 1, retain: true });
    const s = body<'state'>(m);
    expect(s).toMatchObject({ schema: 1, cluster: 'plant-1', node: 'node-a', tsMs: 1_700_000_000_000, role: 'active', epoch: 3 });
    expect(s.peer).toEqual({ id: 'node-b', state: 'up', role: 'standby', epoch: 3, resource: 'stopped', health: 'ok', incarnation: 9 });
    expect(s.paths).toEqual([{ name: 'lan', up: true, rttMs: 0.8, lastHeardAgeMs: 40, deadlineMs: 1000 }]);
    expect(s.alarms.map((a) => a.id)).toEqual(['path-down:serial']);
    expect(s.counters.paths.lan).toEqual({ sent: 100, received: 98, injectedDrops: 0 });
  });

  test('events carry the durable sequence number and the daemon event unchanged', () => {
    const ev = { type: 'alarm' as const, node: 'node-a', tsMs: 5, alarm: { id: 'fence-failed', severity: 'critical' as const, message: 'no device confirmed' }, raised: true };
    const m = profile().event(42, ev);
    expect(m).toMatchObject({ topic: 'edge-ha/plant-1/node-a/events', qos: 1, retain: false });
    expect(body<'events'>(m)).toEqual({ schema: 1, cluster: 'plant-1', node: 'node-a', seq: 42, event: ev });
  });

  test('metrics carry only what changed, and nothing when nothing did', () => {
    const model = new TelemetryModel();
    model.updateStatus(statusFixture());
    const changed = model.snapshot().filter((x) => x.name === 'Node/Role' || x.name === 'Paths/lan/RttMs');
    const m = profile().metrics(changed, 9);
    expect(m).toMatchObject({ topic: 'edge-ha/plant-1/node-a/metrics', qos: 0, retain: false });
    expect(body<'metrics'>(m!).metrics).toEqual({ 'Node/Role': 'active', 'Paths/lan/RttMs': 0.8 });
    expect(profile().metrics([], 9)).toBeNull();
  });

  test('availability is retained; offline is the Will payload', () => {
    const off = profile().availability('offline');
    expect(off).toMatchObject({ topic: 'edge-ha/plant-1/node-a/availability', qos: 1, retain: true });
    expect(body<'availability'>(off)).toEqual({ state: 'offline' });
  });
});
