import { ChangeTracker } from '../../src/telemetry/changes';
import { TelemetryModel } from '../../src/telemetry/model';
import { DataType, SparkplugSession, decodePayload, toSparkplugMetrics } from '../../src/telemetry/sparkplug';
import { statusFixture } from './fixtures/status';

const policy = { maxIntervalMs: 60_000, minIntervalMs: 1000, counterIntervalMs: 10_000 };
const names = (ms: { name: string }[]) => ms.map((m) => m.name);

describe('TelemetryModel', () => {
  test('builds role, peer, paths, fence, alarms and counters from the status', () => {
    const m = new TelemetryModel();
    m.updateStatus(statusFixture({ rejects: { 'bad-mac': 2 } }));
    const v = (n: string) => m.get(n)?.value;
    expect(v('Node/Role')).toBe('active');
    expect(v('Node/Epoch')).toBe(3);
    expect(v('Peer/State')).toBe('up');
    expect(v('Peer/Incarnation')).toBe(9);
    expect(v('Paths/lan/Up')).toBe(true);
    expect(m.get('Paths/lan/RttMs')).toMatchObject({ type: 'double', kind: 'reading', value: 0.8, deadband: 2 });
    expect(v('Fence/State')).toBe('idle');
    expect(v('Alarms/Active')).toBe('path-down:serial');
    expect(v('Alarms/Count')).toBe(1);
    expect(m.get('Counters/Paths/lan/Sent')).toMatchObject({ kind: 'counter', value: 100 });
    expect(v('Counters/Rejects/bad-mac')).toBe(2);
  });

  test('events update the last-event metrics and the event count', () => {
    const m = new TelemetryModel();
    m.applyEvent({ type: 'transition', node: 'node-a', tsMs: 1_700_000_000_000, transition: { from: 'standby', to: 'active', epoch: 4, reason: 'peer fenced', atMs: 5 } });
    m.applyEvent({ type: 'fence', node: 'node-a', tsMs: 1_700_000_000_500, target: 'node-b', confirmedOff: true, reason: 'pdu off', durationMs: 812 });
    expect(m.get('Last Transition/Reason')?.value).toBe('peer fenced');
    expect(m.get('Node/Role')?.value).toBe('active');
    expect(m.get('Last Fence/ConfirmedOff')?.value).toBe(true);
    expect(m.get('Last Fence/DurationMs')?.value).toBe(812);
    expect(m.get('Events/Count')?.value).toBe(2);
    expect(m.get('Events/Last Type')?.value).toBe('fence');
  });

  test('the metric set only grows: a reject reason once seen stays', () => {
    const m = new TelemetryModel();
    m.updateStatus(statusFixture({ rejects: { replay: 1 } }));
    m.updateStatus(statusFixture({ rejects: {} }));
    expect(m.get('Counters/Rejects/replay')?.value).toBe(1);
  });
});

describe('ChangeTracker', () => {
  function setup() {
    const m = new TelemetryModel();
    m.updateStatus(statusFixture());
    const t = new ChangeTracker(policy);
    t.markAll(m.snapshot(), 0);
    return { m, t };
  }

  test('states go out on every change, nothing unchanged goes out', () => {
    const { m, t } = setup();
    expect(t.diff(m.snapshot(), 10).changed).toEqual([]);
    m.updateStatus(statusFixture({ role: 'standby' }));
    const d = t.diff(m.snapshot(), 20);
    expect(names(d.changed)).toEqual(['Node/Role']);
    expect(d.stateChanged).toBe(true);
    expect(t.diff(m.snapshot(), 30).changed).toEqual([]);
  });

  test('a reading within its deadband waits for the maximum interval; past it, goes out after the minimum interval', () => {
    const { m, t } = setup();
    m.updateStatus(statusFixture({ rttMs: 1.5 })); // moved 0.7 < deadband 2
    expect(t.diff(m.snapshot(), 5_000).changed).toEqual([]);
    expect(names(t.diff(m.snapshot(), 60_000).changed)).toEqual(['Paths/lan/RttMs']);
    m.updateStatus(statusFixture({ rttMs: 9 })); // moved 7.5 >= 2
    expect(t.diff(m.snapshot(), 60_500).changed).toEqual([]); // within the minimum interval
    expect(t.diff(m.snapshot(), 61_000).changed.map((c) => c.value)).toEqual([9]);
  });

  test('a reading appearing or vanishing (null) is news', () => {
    const { m, t } = setup();
    m.updateStatus(statusFixture({ rttMs: null }));
    expect(names(t.diff(m.snapshot(), 2_000).changed)).toEqual(['Paths/lan/RttMs']);
  });

  test('counters are coalesced to one publish per counter interval', () => {
    const { m, t } = setup();
    m.updateStatus(statusFixture({ sent: 101 }));
    expect(t.diff(m.snapshot(), 9_999).changed).toEqual([]);
    m.updateStatus(statusFixture({ sent: 150 }));
    const d = t.diff(m.snapshot(), 10_000);
    expect(d.changed.map((c) => [c.name, c.value])).toEqual([['Counters/Paths/lan/Sent', 150]]);
    expect(d.stateChanged).toBe(false);
  });

  test('new metrics are reported as added, so a Sparkplug session rebirths', () => {
    const { m, t } = setup();
    m.updateStatus(statusFixture({ rejects: { 'bad-mac': 1 } }));
    const d = t.diff(m.snapshot(), 100);
    expect(d.added).toEqual(['Counters/Rejects/bad-mac']);
    const s = SparkplugSession.create({ groupId: 'plant-1', edgeNodeId: 'node-a', nextBdSeq: 0 });
    if (!s.ok) throw new Error(s.error);
    s.value.connect(0);
    m.updateStatus(statusFixture());
    const before = m.snapshot().filter((x) => x.name !== 'Counters/Rejects/bad-mac');
    expect(s.value.birth(0, toSparkplugMetrics(before, 0)).ok).toBe(true);
    const r = s.value.data(100, toSparkplugMetrics(d.changed, 100));
    if (!r.ok) throw new Error(r.error);
    expect(r.messages[0]!.topic).toBe('spBv1.0/plant-1/NBIRTH/node-a');
  });
});

describe('model to Sparkplug', () => {
  test('types map to Sparkplug datatypes and null stays null', () => {
    const m = new TelemetryModel();
    m.updateStatus(statusFixture({ rttMs: null }));
    const sp = toSparkplugMetrics(m.snapshot(), 123);
    const by = new Map(sp.map((x) => [x.name, x]));
    expect(by.get('Node/Role')).toEqual({ name: 'Node/Role', timestamp: 123, datatype: DataType.String, value: 'active' });
    expect(by.get('Node/Epoch')?.datatype).toBe(DataType.Int64);
    expect(by.get('Paths/lan/Up')?.datatype).toBe(DataType.Boolean);
    expect(by.get('Paths/lan/RttMs')).toMatchObject({ datatype: DataType.Double, value: null });
    const s = SparkplugSession.create({ groupId: 'plant-1', edgeNodeId: 'node-a', nextBdSeq: 0 });
    if (!s.ok) throw new Error(s.error);
    s.value.connect(0);
    const r = s.value.birth(123, sp);
    if (!r.ok) throw new Error(r.error);
    const p = decodePayload(r.messages[0]!.payload);
    expect(p.ok && p.value.metrics.length).toBe(sp.length + 2);
  });
});
