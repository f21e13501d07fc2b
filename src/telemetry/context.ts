// Builds the telemetry extension from the configuration: reads the secrets and
// certificates, opens the on-disk queue, picks the profile. Every failure here
// is a clear message naming the file or key; the daemon then runs without
// telemetry rather than not at all (cluster decisions never wait on MQTT).

import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config, TelemetryConfig } from '../config/types';
import type { CommandReply, DaemonStatus } from '../daemon/contract';
import { loadKeyFile, type Keyring } from '../protocol/keyring';
import { readSecretFile } from '../shell/fence/secretFile';
import type { Logger } from '../shell/log';
import { JsonProfile } from './json/messages';
import { jsonTopic } from './json/topics';
import type { JsonTopicName } from './json/types';
import { MqttLink, type LinkHooks, type LinkOptions } from './mqtt/link';
import { JsonPayloadProfile, SparkplugProfile, type Profile } from './profiles';
import { TelemetryPublisher } from './publisher';
import { DiskQueue } from './queue';
import { SparkplugSession } from './sparkplug';

/** What the daemon gives the extension. */
export interface TelemetryHost {
  status(): DaemonStatus;
  command(kind: 'switchover' | 'standby' | 'online'): Promise<CommandReply>;
  log: Logger;
  wallMs(): number;
  monoMs(): number;
}

export interface TelemetryContext {
  cfg: TelemetryConfig;
  clusterId: string;
  nodeId: string;
  version: string;
  queue: DiskQueue;
  json: JsonProfile;
  commandKeys: Keyring | null;
  topic(name: JsonTopicName): string;
}

export const QUEUE_DIR = 'telemetry-queue';
const BDSEQ_FILE = 'telemetry-bdseq';

export type CreateResult = { ok: true; value: TelemetryPublisher } | { ok: false; error: string };

export interface CreateOptions {
  version: string;
  /** Tests: a seeded random for the reconnect jitter. */
  random?: () => number;
}

export async function createTelemetry(config: Config, host: TelemetryHost, opts: CreateOptions): Promise<CreateResult> {
  const t = config.telemetry;
  const link = await linkOptions(config, opts);
  if (!link.ok) return link;
  let commandKeys: Keyring | null = null;
  if (t.commands.enabled && t.commands.keyFile) {
    const k = await loadKeyFile(t.commands.keyFile);
    if (!k.ok) return { ok: false, error: `telemetry.commands.keyFile: ${k.error}` };
    commandKeys = k.keyring;
  }
  const json = JsonProfile.create(config.cluster.id, config.node.id);
  if (!json.ok) return json;
  const queue = DiskQueue.open({ dir: join(config.stateDir, QUEUE_DIR), maxRecords: t.queue.maxRecords, syncMode: 'group' });
  if (!queue.ok) return { ok: false, error: `telemetry queue: ${queue.error}` };
  const ctx: TelemetryContext = {
    cfg: t,
    clusterId: config.cluster.id,
    nodeId: config.node.id,
    version: opts.version,
    queue: queue.value,
    json: json.value,
    commandKeys,
    topic: (name) => jsonTopic(config.cluster.id, config.node.id, name),
  };
  const profile = makeProfile(config, json.value, host.log);
  if (!profile.ok) {
    queue.value.close();
    return profile;
  }
  let publisher: TelemetryPublisher | null = null;
  const hooks: LinkHooks = {
    will: (): ReturnType<LinkHooks['will']> => profile.value.will(host.wallMs()),
    onConnected: () => publisher?.onConnected(),
    onDisconnected: (reason) => publisher?.onDisconnected(reason),
    onMessage: (topic, payload) => publisher?.onMessage(topic, payload),
  };
  publisher = new TelemetryPublisher(ctx, host, profile.value, new MqttLink(link.value, hooks));
  return { ok: true, value: publisher };
}

function makeProfile(config: Config, json: JsonProfile, log: Logger): { ok: true; value: Profile } | { ok: false; error: string } {
  if (config.telemetry.profile === 'json') return { ok: true, value: new JsonPayloadProfile(json) };
  const file = join(config.stateDir, BDSEQ_FILE);
  const session = SparkplugSession.create({ groupId: config.cluster.id, edgeNodeId: config.node.id, nextBdSeq: readBdSeq(file) });
  if (!session.ok) return { ok: false, error: `telemetry (sparkplug): ${session.error}` };
  const store = {
    save(next: number) {
      try {
        writeFileSync(`${file}.tmp`, `${next}\n`, { mode: 0o600 });
        renameSync(`${file}.tmp`, file);
      } catch (err) {
        log.error('telemetry-bdseq-save-failed', { msg: `cannot save the Sparkplug bdSeq to ${file}: ${(err as Error).message}` });
      }
    },
  };
  return { ok: true, value: new SparkplugProfile(session.value, config.cluster.id, config.node.id, store, (msg) => log.error('telemetry-encode-failed', { msg })) };
}

/** The bdSeq of the previous life's next connection; 0 when absent or unreadable. */
function readBdSeq(file: string): number {
  try {
    const n = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(n) && n >= 0 && n <= 255 ? n : 0;
  } catch {
    return 0;
  }
}

async function linkOptions(config: Config, opts: CreateOptions): Promise<{ ok: true; value: LinkOptions } | { ok: false; error: string }> {
  const b = config.telemetry.broker;
  if (!b.url) return { ok: false, error: 'telemetry.broker.url: expected a broker URL' };
  const value: LinkOptions = {
    url: b.url,
    protocolVersion: b.protocolVersion,
    clientId: b.clientId ?? `edge-ha-${config.cluster.id}-${config.node.id}`,
    keepaliveSec: b.keepaliveSec,
    connectTimeoutMs: b.connectTimeoutMs,
    reconnect: config.telemetry.reconnect,
  };
  if (opts.random) value.random = opts.random;
  if (b.username !== undefined) value.username = b.username;
  if (b.passwordFile) {
    const s = readSecretFile(b.passwordFile, 'broker password file');
    if (!s.ok) return { ok: false, error: `telemetry.broker.passwordFile: ${s.reason}` };
    value.password = s.secret;
  }
  for (const key of ['caFile', 'certFile', 'keyFile'] as const) {
    const path = b[key];
    if (!path) continue;
    try {
      const data = readFileSync(path);
      if (key === 'caFile') value.ca = data;
      else if (key === 'certFile') value.cert = data;
      else value.key = data;
    } catch (err) {
      return { ok: false, error: `telemetry.broker.${key}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` };
    }
  }
  return { ok: true, value };
}
