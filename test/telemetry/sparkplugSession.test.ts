import * as path from 'node:path';
import * as protobuf from 'protobufjs';
import {
  DataType,
  SparkplugSession,
  decodePayload,
  deviceTopic,
  nodeTopic,
  parseSparkplugTopic,
  type OutboundMessage,
  type SparkplugMetric,
  type SparkplugPayload,
} from '../../src/telemetry/sparkplug';

const root = protobuf.loadSync(path.join(__dirname, 'fixtures', 'sparkplug_b.proto'));
const PayloadType = root.lookupType('org.eclipse.tahu.protobuf.Payload');

function session(nextBdSeq = 0): SparkplugSession {
  const r = SparkplugSession.create({ groupId: 'plant-1', edgeNodeId: 'node-a', nextBdSeq });
  if (!r.ok) throw new Error(r.error);
  return r.value;
}
function decode(m: OutboundMessage): SparkplugPayload {
  const d = decodePayload(m.payload);
  if (!d.ok) throw new Error(d.error);
  return d.value;
}
function metric(p: SparkplugPayload, name: string): SparkplugMetric | undefined {
  return p.metrics.find((m) => m.name === name);
}
function ok(r: { ok: true; messages: OutboundMessage[] } | { ok: false; error: string }): OutboundMessage[] {
  if (!r.ok) throw new Error(r.error);
  return r.messages;
}
const role = (v: string): SparkplugMetric => ({ name: 'Node/Role', datatype: DataType.String, value: v });
const epoch = (v: number): SparkplugMetric => ({ name: 'Node/Epoch', datatype: DataType.Int64, value: v });

describe('Sparkplug topics', () => {
  test('node and device topics, and parsing them back', () => {
    expect(nodeTopic('plant-1', 'NBIRTH', 'node-a')).toBe('spBv1.0/plant-1/NBIRTH/node-a');
    expect(deviceTopic('plant-1', 'DDATA', 'node-a', 'ups')).toBe('spBv1.0/plant-1/DDATA/node-a/ups');
    expect(parseSparkplugTopic('spBv1.0/plant-1/NCMD/node-a')).toEqual({ ok: true, value: { groupId: 'plant-1', type: 'NCMD', edgeNodeId: 'node-a' } });
    expect(parseSparkplugTopic('spBv1.0/g/DCMD/n/raid')).toEqual({ ok: true, value: { groupId: 'g', type: 'DCMD', edgeNodeId: 'n', deviceId: 'raid' } });
    expect(parseSparkplugTopic('spBv1.0/g/NCMD/n/extra')).toMatchObject({ ok: false });
    expect(parseSparkplugTopic('spBv1.0/g/DCMD/n')).toMatchObject({ ok: false });
    expect(parseSparkplugTopic('spBv1.0//NCMD/n')).toMatchObject({ ok: false, error: expect.stringContaining('empty level') });
    expect(parseSparkplugTopic('spAv1.0/g/NCMD/n')).toMatchObject({ ok: false });
  });

  test('ids with MQTT reserved characters are refused', () => {
    expect(SparkplugSession.create({ groupId: 'a/b', edgeNodeId: 'n', nextBdSeq: 0 })).toMatchObject({ ok: false, error: expect.stringContaining('reserved') });
    expect(SparkplugSession.create({ groupId: 'g', edgeNodeId: 'n+', nextBdSeq: 0 })).toMatchObject({ ok: false });
    expect(SparkplugSession.create({ groupId: 'g', edgeNodeId: 'n', nextBdSeq: 256 })).toMatchObject({ ok: false, error: 'bdSeq 256 is outside 0..255' });
  });
});

describe('Sparkplug session', () => {
  test('the Will is an NDEATH at QoS 1, not retained, whose bdSeq equals the NBIRTH bdSeq', () => {
    const s = session(41);
    const will = s.connect(1000);
    expect(will).toMatchObject({ topic: 'spBv1.0/plant-1/NDEATH/node-a', qos: 1, retain: false });
    const death = decode(will);
    expect(death.seq).toBeUndefined();
    expect(death.metrics).toEqual([{ name: 'bdSeq', timestamp: 1000, datatype: DataType.Int64, value: 41 }]);
    const [birth] = ok(s.birth(1001, [role('active')]));
    expect(birth).toMatchObject({ topic: 'spBv1.0/plant-1/NBIRTH/node-a', qos: 0, retain: false });
    expect(metric(decode(birth!), 'bdSeq')?.value).toBe(41);
    expect(s.nextBdSeq).toBe(42);
    // the same, read by the independent decoder
    const bdSeqOf = (m: OutboundMessage) => {
      const p = PayloadType.toObject(PayloadType.decode(m.payload), { longs: String }) as { metrics: { name: string; datatype: number; longValue: string }[] };
      return p.metrics.find((x) => x.name === 'bdSeq');
    };
    expect(bdSeqOf(will)).toMatchObject({ datatype: 4, longValue: '41' });
    expect(bdSeqOf(birth!)?.longValue).toBe(bdSeqOf(will)?.longValue);
  });

  test('bdSeq goes up by one per connection and wraps 255 -> 0; the births follow it', () => {
    const s = session(254);
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      const will = s.connect(i);
      const [birth] = ok(s.birth(i, [role('standby')]));
      const a = metric(decode(will), 'bdSeq')!.value;
      expect(metric(decode(birth!), 'bdSeq')!.value).toBe(a);
      seen.push(a as number);
    }
    expect(seen).toEqual([254, 255, 0]);
    expect(s.nextBdSeq).toBe(1);
  });

  test('NBIRTH carries seq 0, bdSeq, Node Control/Rebirth and every metric with its value', () => {
    const s = session();
    s.connect(0);
    const [birth] = ok(s.birth(5, [role('active'), epoch(7)]));
    const p = decode(birth!);
    expect(p.seq).toBe(0);
    expect(p.metrics.map((m) => [m.name, m.value])).toEqual([
      ['bdSeq', 0],
      ['Node Control/Rebirth', false],
      ['Node/Role', 'active'],
      ['Node/Epoch', 7],
    ]);
  });

  test('NDATA carries only the changes, seq counts up and wraps 255 -> 0', () => {
    const s = session();
    s.connect(0);
    ok(s.birth(0, [role('standby'), epoch(1)]));
    const seqs: number[] = [];
    for (let i = 1; i <= 257; i++) {
      const [m] = ok(s.data(i, [epoch(i)]));
      expect(m!.topic).toBe('spBv1.0/plant-1/NDATA/node-a');
      const p = decode(m!);
      expect(p.metrics).toEqual([epoch(i)]);
      seqs.push(p.seq!);
    }
    expect(seqs.slice(0, 3)).toEqual([1, 2, 3]);
    expect(seqs.slice(253, 257)).toEqual([254, 255, 0, 1]);
  });

  test('rebirth on NCMD Node Control/Rebirth: fresh NBIRTH with seq 0, same bdSeq and the latest values', () => {
    const s = session(9);
    s.connect(0);
    ok(s.birth(0, [role('standby'), epoch(1)]));
    ok(s.data(1, [role('active')]));
    ok(s.data(2, [epoch(2)]));
    const cmd = PayloadType.encode(PayloadType.fromObject({ metrics: [{ name: 'Node Control/Rebirth', datatype: 11, booleanValue: true }] })).finish();
    const out = s.handleCommand(3, 'spBv1.0/plant-1/NCMD/node-a', cmd);
    expect(out.kind).toBe('rebirth');
    const birth = decode((out as { messages: OutboundMessage[] }).messages[0]!);
    expect(birth.seq).toBe(0);
    expect(birth.metrics.map((m) => [m.name, m.value])).toEqual([
      ['bdSeq', 9],
      ['Node Control/Rebirth', false],
      ['Node/Role', 'active'],
      ['Node/Epoch', 2],
    ]);
    const [next] = ok(s.data(4, [epoch(3)]));
    expect(decode(next!).seq).toBe(1);
  });

  test('commands that are not a rebirth change nothing', () => {
    const s = session();
    s.connect(0);
    ok(s.birth(0, [role('standby')]));
    const seqBefore = s.seq;
    const no = PayloadType.encode(PayloadType.fromObject({ metrics: [{ name: 'Node Control/Rebirth', datatype: 11, booleanValue: false }] })).finish();
    expect(s.handleCommand(1, 'spBv1.0/plant-1/NCMD/node-a', no)).toMatchObject({ kind: 'ignored' });
    expect(s.handleCommand(1, 'spBv1.0/plant-2/NCMD/node-a', no)).toMatchObject({ kind: 'ignored' });
    expect(s.handleCommand(1, 'spBv1.0/plant-1/NCMD/node-a', Uint8Array.from([0x12, 0x09]))).toMatchObject({ kind: 'rejected', error: expect.stringContaining('NCMD payload') });
    expect(s.seq).toBe(seqBefore);
  });

  test('a metric the birth did not declare forces a rebirth instead of NDATA', () => {
    const s = session();
    s.connect(0);
    ok(s.birth(0, [role('standby')]));
    ok(s.data(1, [role('active')]));
    const [m] = ok(s.data(2, [epoch(4)]));
    expect(m!.topic).toBe('spBv1.0/plant-1/NBIRTH/node-a');
    expect(decode(m!).metrics.map((x) => x.name)).toEqual(['bdSeq', 'Node Control/Rebirth', 'Node/Role', 'Node/Epoch']);
  });

  test('nothing is published before the birth or after a disconnect', () => {
    const s = session();
    expect(s.birth(0, [role('a')])).toMatchObject({ ok: false, error: expect.stringContaining('before connect') });
    s.connect(0);
    expect(s.data(0, [role('a')])).toMatchObject({ ok: false, error: expect.stringContaining('not online') });
    ok(s.birth(0, [role('a')]));
    s.disconnected();
    expect(s.data(0, [role('b')])).toMatchObject({ ok: false });
  });

  test('reserved or duplicate metric names are refused', () => {
    const s = session();
    s.connect(0);
    expect(s.birth(0, [{ name: 'bdSeq', datatype: DataType.Int64, value: 3 }])).toMatchObject({ ok: false, error: expect.stringContaining('reserved') });
    expect(s.birth(0, [role('a'), role('b')])).toMatchObject({ ok: false, error: expect.stringContaining('twice') });
  });

  test('devices: DBIRTH after NBIRTH, DDATA with changes, DDEATH, all on the node seq', () => {
    const s = session();
    s.connect(0);
    const charge = (v: number): SparkplugMetric => ({ name: 'Battery/Charge', datatype: DataType.Double, value: v });
    const msgs = ok(s.birth(0, [role('active')], { ups: [charge(100)] }));
    expect(msgs.map((m) => [m.topic, decode(m).seq])).toEqual([
      ['spBv1.0/plant-1/NBIRTH/node-a', 0],
      ['spBv1.0/plant-1/DBIRTH/node-a/ups', 1],
    ]);
    const [dd] = ok(s.deviceData(1, 'ups', [charge(97)]));
    expect([dd!.topic, decode(dd!).seq, decode(dd!).metrics]).toEqual(['spBv1.0/plant-1/DDATA/node-a/ups', 2, [charge(97)]]);
    const [raid] = ok(s.deviceData(2, 'raid', [{ name: 'State', datatype: DataType.String, value: 'optimal' }]));
    expect(raid!.topic).toBe('spBv1.0/plant-1/DBIRTH/node-a/raid');
    const [death] = ok(s.deviceDeath(3, 'ups'));
    expect([death!.topic, decode(death!).seq, decode(death!).metrics]).toEqual(['spBv1.0/plant-1/DDEATH/node-a/ups', 4, []]);
    expect(s.deviceDeath(4, 'ups')).toMatchObject({ ok: false });
    // a rebirth re-announces the devices still alive
    const again = ok(s.rebirth(5));
    expect(again.map((m) => m.topic)).toEqual(['spBv1.0/plant-1/NBIRTH/node-a', 'spBv1.0/plant-1/DBIRTH/node-a/raid']);
  });
});
