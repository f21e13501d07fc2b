// A real Mosquitto broker for integration tests (Debian's `mosquitto`): its
// own config, port and persistence directory under a temp dir, stoppable and
// restartable on the same port mid-test.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as mqtt from 'mqtt';

export const MOSQUITTO = '/usr/sbin/mosquitto';
export const haveMosquitto = spawnSync(MOSQUITTO, ['-h']).status !== null;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface BrokerOptions {
  /** user -> password; when given, anonymous clients are refused. */
  users?: Record<string, string>;
  /** A TLS listener that requires a client certificate signed by `ca`. */
  tls?: { ca: string; cert: string; key: string };
}

export class TestBroker {
  private proc: ChildProcess | null = null;
  readonly dir: string;
  private constructor(
    readonly port: number,
    private readonly opts: BrokerOptions,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'edge-ha-mosq-'));
    // As root, mosquitto drops to the `mosquitto` user, who cannot read our 0600 files or temp dir.
    const asUser = process.getuid?.() === 0 ? ['user root'] : [];
    const lines = [...asUser, `listener ${port} 127.0.0.1`, 'persistence true', `persistence_location ${this.dir}/`, 'log_type error', 'log_dest stderr'];
    if (opts.users) {
      const pw = join(this.dir, 'passwd');
      writeFileSync(pw, '');
      chmodSync(pw, 0o600);
      for (const [u, p] of Object.entries(opts.users)) spawnSync('mosquitto_passwd', ['-b', pw, u, p]);
      lines.push(`password_file ${pw}`, 'allow_anonymous false');
    } else lines.push('allow_anonymous true');
    if (opts.tls) lines.push(`cafile ${opts.tls.ca}`, `certfile ${opts.tls.cert}`, `keyfile ${opts.tls.key}`, 'require_certificate true');
    writeFileSync(join(this.dir, 'mosquitto.conf'), lines.join('\n') + '\n');
  }

  static async start(opts: BrokerOptions = {}): Promise<TestBroker> {
    const b = new TestBroker(await freePort(), opts);
    await b.start();
    return b;
  }

  get url(): string {
    return `${this.opts.tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.proc) return;
    this.proc = spawn(MOSQUITTO, ['-c', join(this.dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    for (let i = 0; i < 200; i++) {
      if (await canConnect(this.port)) return;
      await sleep(25);
    }
    throw new Error(`mosquitto did not listen on ${this.port}`);
  }

  /** SIGTERM: mosquitto saves its persistence (sessions, queued QoS 1 messages) and exits. */
  async stop(): Promise<void> {
    const p = this.proc;
    if (!p) return;
    this.proc = null;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGTERM');
    });
  }
}

/** A TCP probe: with credentials required, an anonymous MQTT probe would be refused. */
function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Received {
  topic: string;
  payload: Buffer;
  retain: boolean;
}

/** A subscriber that records everything; `clean: false` keeps its QoS 1 queue across broker restarts. */
export class Recorder {
  readonly messages: Received[] = [];
  private constructor(readonly client: mqtt.MqttClient) {
    client.on('message', (topic, payload, packet) => this.messages.push({ topic, payload, retain: packet.retain }));
  }

  static async connect(url: string, topics: string[], opts: { clientId?: string; clean?: boolean } = {}): Promise<Recorder> {
    const client = mqtt.connect(url, { clientId: opts.clientId ?? `rec-${Math.random().toString(16).slice(2)}`, clean: opts.clean ?? true, reconnectPeriod: 100 });
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    await client.subscribeAsync(topics, { qos: 1 });
    return new Recorder(client);
  }

  on(topic: string): Received[] {
    return this.messages.filter((m) => m.topic === topic);
  }

  async waitFor(pred: (msgs: Received[]) => boolean, timeoutMs = 5000, what = 'messages'): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!pred(this.messages)) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; got ${this.messages.length}: ${this.messages.map((m) => m.topic).join(', ')}`);
      await sleep(20);
    }
  }

  close(): Promise<void> {
    return this.client.endAsync(true);
  }
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl in `dir`. */
export function makeCertificates(dir: string): { ca: string; serverCert: string; serverKey: string; clientCert: string; clientKey: string } {
  const p = (n: string) => join(dir, n);
  const run = (args: string[]) => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
  };
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=edge-ha test CA', '-keyout', p('ca.key'), '-out', p('ca.pem')]);
  writeFileSync(p('san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  for (const who of ['server', 'client']) {
    run(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${who === 'server' ? '127.0.0.1' : 'node-a'}`, '-keyout', p(`${who}.key`), '-out', p(`${who}.csr`)]);
    run(['x509', '-req', '-in', p(`${who}.csr`), '-CA', p('ca.pem'), '-CAkey', p('ca.key'), '-CAcreateserial', '-days', '2', '-out', p(`${who}.pem`), ...(who === 'server' ? ['-extfile', p('san.ext')] : [])]);
  }
  for (const f of ['ca.key', 'server.key', 'client.key']) chmodSync(p(f), 0o600);
  return { ca: p('ca.pem'), serverCert: p('server.pem'), serverKey: p('server.key'), clientCert: p('client.pem'), clientKey: p('client.key') };
}
