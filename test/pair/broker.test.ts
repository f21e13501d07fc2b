// The embedded broker and the broker watch of `edge-ha pair`: a node's will
// (NDEATH) published by the broker when its connection dies is reported.

import * as mqtt from 'mqtt';
import { startEmbeddedBroker } from '../../src/pair/broker';
import { sighting, watchBroker, type BrokerSighting } from '../../src/pair/mqttWatch';
import { SparkplugSession } from '../../src/telemetry/sparkplug';
import { freePort, sleep } from '../telemetry/helpers/mosquitto';

test('a node that dies without a goodbye shows as NDEATH at the embedded broker, with its bdSeq', async () => {
  const port = await freePort();
  const broker = await startEmbeddedBroker('127.0.0.1', port);
  const seen: BrokerSighting[] = [];
  const watch = watchBroker(broker.url, 'demo', (s) => seen.push(s));
  try {
    await sleep(200);
    const session = SparkplugSession.create({ groupId: 'demo', edgeNodeId: 'node-b', nextBdSeq: 7 });
    if (!session.ok) throw new Error(session.error);
    const will = session.value.connect(Date.now());
    const node = await mqtt.connectAsync(broker.url, { protocolVersion: 4, clientId: 'node-b', reconnectPeriod: 0, will: { topic: will.topic, payload: Buffer.from(will.payload), qos: 1, retain: false } });
    const birth = session.value.birth(Date.now(), []);
    if (!birth.ok) throw new Error(birth.error);
    for (const m of birth.messages) await node.publishAsync(m.topic, Buffer.from(m.payload), { qos: 0 });
    await sleep(200);
    // Kill the socket as a SIGKILL would: no DISCONNECT, so the broker publishes the Will.
    (node as unknown as { stream: { destroy(): void } }).stream.destroy();
    const end = Date.now() + 3000;
    while (!seen.some((s) => s.kind === 'NDEATH') && Date.now() < end) await sleep(20);
    await node.endAsync(true);
    expect(seen.map((s) => [s.node, s.kind])).toEqual([
      ['node-b', 'NBIRTH'],
      ['node-b', 'NDEATH'],
    ]);
    expect(seen[1]!.detail).toMatch(/bdSeq 7/);
  } finally {
    await watch.close();
    await broker.close();
  }
});

test('a second broker on the same port is refused with a hint', async () => {
  const port = await freePort();
  const first = await startEmbeddedBroker('127.0.0.1', port);
  try {
    await expect(startEmbeddedBroker('127.0.0.1', port)).rejects.toThrow(/in use \(pass --broker URL/);
  } finally {
    await first.close();
  }
});

test('JSON availability and unrelated topics', () => {
  expect(sighting('edge-ha/demo/node-a/availability', Buffer.from('{"state":"offline"}'))).toEqual({ node: 'node-a', kind: 'offline', detail: 'offline at the broker' });
  expect(sighting('edge-ha/demo/node-a/events', Buffer.from('{}'))).toBeNull();
  expect(sighting('spBv1.0/demo/NDATA/node-a', Buffer.alloc(0))).toBeNull();
});
