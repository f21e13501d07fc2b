// Remote commands, Home Assistant discovery and TLS, against a real Mosquitto.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signCommand, type CommandResultPayload } from '../../src/telemetry/commands';
import { jsonTopic } from '../../src/telemetry/json/topics';
import { configWith, harness, writeSecret, type Harness } from './helpers/harness';
import { haveMosquitto, makeCertificates, Recorder, sleep, TestBroker } from './helpers/mosquitto';

const d = haveMosquitto ? describe : describe.skip;
const KEY = { keyId: 1, key: Buffer.alloc(32, 0x5a) };

d('remote commands and Home Assistant discovery', () => {
  let broker: TestBroker;
  const open: Harness[] = [];
  const recorders: Recorder[] = [];
  beforeAll(async () => {
    broker = await TestBroker.start();
  });
  afterEach(async () => {
    for (const h of open.splice(0)) await h.pub.stop();
    for (const r of recorders.splice(0)) await r.close();
  });
  afterAll(() => broker.stop());

  async function startNode(telemetry: Record<string, unknown>): Promise<Harness> {
    const dir = mkdtempSync(join(tmpdir(), 'edge-ha-cmd-'));
    const keyFile = writeSecret(dir, 'command.keys', `${KEY.keyId} ${KEY.key.toString('hex')}\n`);
    const h = await harness(configWith({ broker: { url: broker.url }, profile: 'json', commands: { enabled: true, keyFile }, ...telemetry }, dir));
    open.push(h);
    h.pub.start();
    const end = Date.now() + 5000;
    while (h.pub.status().broker.state !== 'connected' && Date.now() < end) await sleep(20);
    await sleep(100); // the command subscription follows the CONNACK
    return h;
  }

  test('a signed switchover runs and is answered; forged and replayed ones change nothing and say why', async () => {
    const h = await startNode({});
    const resultTopic = jsonTopic('plant-1', 'node-a', 'command-result');
    const r = await Recorder.connect(broker.url, [resultTopic]);
    recorders.push(r);
    const send = (o: unknown) => r.client.publishAsync(jsonTopic('plant-1', 'node-a', 'command'), JSON.stringify(o), { qos: 1 });
    const good = signCommand(KEY, 'plant-1', 'node-a', 'op-42', 'switchover', Date.now());
    await send(good);
    await r.waitFor((m) => m.length >= 1, 3000, 'first result');
    await send(good); // replay
    await send(signCommand({ keyId: 1, key: Buffer.alloc(32, 1) }, 'plant-1', 'node-a', 'op-43', 'standby', Date.now())); // forged
    await send({ command: 'standby' }); // malformed
    await r.waitFor((m) => m.length >= 4, 3000, 'four results');
    const results = r.on(resultTopic).map((m) => JSON.parse(m.payload.toString()) as CommandResultPayload);
    expect(results[0]).toMatchObject({ id: 'op-42', ok: true, message: 'switchover accepted' });
    expect(results[1]).toMatchObject({ id: 'op-42', ok: false, message: expect.stringMatching(/replay/) });
    expect(results[2]).toMatchObject({ id: 'op-43', ok: false, message: expect.stringMatching(/bad signature/) });
    expect(results[3]).toMatchObject({ id: null, ok: false, message: expect.stringMatching(/"id" must be/) });
    expect(h.commands).toEqual(['switchover']);
    expect(h.pub.status().published).toMatchObject({ commands: 1, rejectedCommands: 3 });
    expect(h.logLines.filter((l) => l.event === 'remote-command-rejected')).toHaveLength(3);
  });

  test('Home Assistant discovery: retained configs with availability, one unique id per entity', async () => {
    const r = await Recorder.connect(broker.url, ['homeassistant/#']);
    recorders.push(r);
    await startNode({ homeAssistant: { enabled: true } });
    await r.waitFor((m) => m.length >= 10, 3000, 'discovery configs');
    const configs = r.messages.map((m) => ({ topic: m.topic, c: JSON.parse(m.payload.toString()) as Record<string, unknown> }));
    const role = configs.find((x) => x.topic === 'homeassistant/sensor/edge-ha_plant-1_node-a/role/config');
    expect(role?.c).toMatchObject({
      state_topic: 'edge-ha/plant-1/node-a/state',
      value_template: '{{ value_json.role }}',
      availability_topic: 'edge-ha/plant-1/node-a/availability',
      payload_not_available: 'offline',
    });
    const ids = configs.map((x) => x.c.unique_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(configs.some((x) => x.topic.includes('binary_sensor') && x.topic.endsWith('path_lan/config'))).toBe(true);
  });
});

d('TLS with a client certificate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edge-ha-tls-'));
  const certs = makeCertificates(dir);
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await TestBroker.start({ tls: { ca: certs.ca, cert: certs.serverCert, key: certs.serverKey } });
  });
  afterAll(() => broker.stop());

  test('connects with the CA and client certificate from files; without the CA the reason names the certificate', async () => {
    const good = await harness(configWith({ broker: { url: broker.url, caFile: certs.ca, certFile: certs.clientCert, keyFile: certs.clientKey } }));
    good.pub.start();
    const end = Date.now() + 5000;
    while (good.pub.status().broker.state !== 'connected' && Date.now() < end) await sleep(20);
    expect(good.pub.status().broker.state).toBe('connected');
    await good.pub.stop();

    const noCa = await harness(configWith({ broker: { url: broker.url, certFile: certs.clientCert, keyFile: certs.clientKey } }));
    noCa.pub.start();
    await sleep(400);
    expect(noCa.pub.status().broker.state).not.toBe('connected');
    expect(noCa.pub.status().broker.reason).toMatch(/certificate/);
    await noCa.pub.stop();
  });
});
