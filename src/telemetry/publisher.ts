// The telemetry extension of the daemon (Zigbee2MQTT style: injected, started
// and stopped by the daemon, never consulted by the core). It folds daemon
// events and status into the telemetry model, appends every event to the
// on-disk queue before it is published, and drains the queue in order with
// QoS 1, removing a record only once the broker acknowledged it. Readings are
// published on change (deadband, max interval) while connected; while offline
// they are not queued: the birth after a reconnect carries every latest value.

import type { DaemonEvent } from '../daemon/contract';
import type { Logger } from '../shell/log';
import { ChangeTracker } from './changes';
import { RecentIds, verifyCommand, type CommandResultPayload, type RemoteCommandName } from './commands';
import type { TelemetryContext, TelemetryHost } from './context';
import { discoveryMessages } from './homeAssistant';
import { checkTopicLevel, hwTopic } from './json/topics';
import { JSON_SCHEMA_VERSION, type HwPayload } from './json/types';
import { TelemetryModel } from './model';
import type { LinkStatus, MqttLink } from './mqtt/link';
import type { OutboundMessage } from './outbound';
import type { Profile } from './profiles';
import type { QueueStats } from './queue';

/** How often status is sampled for changed readings and states not carried by an event (peer role, RTT). */
export const SAMPLE_INTERVAL_MS = 250;
/** Queue records published at once; MQTT keeps them in order on one connection. */
const DRAIN_WINDOW = 32;

export interface TelemetryStatus {
  profile: 'sparkplug' | 'json';
  broker: LinkStatus;
  queue: QueueStats;
  published: { events: number; messages: number; commands: number; rejectedCommands: number };
  /** The last error that is not the broker being down (a refused event, a publish error). */
  lastError: string | null;
}

import type { HwKind } from './homeAssistant';

type FlatReading = Record<string, string | number | boolean | null>;

export class TelemetryPublisher {
  private readonly model = new TelemetryModel();
  private readonly tracker: ChangeTracker;
  private readonly recentIds = new RecentIds();
  private sampleTimer: NodeJS.Timeout | null = null;
  private draining = false;
  private samplePending = false;
  private drainAgain = false;
  private online = false;
  private lastError: string | null = null;
  private readonly counts = { events: 0, messages: 0, commands: 0, rejectedCommands: 0 };
  private readonly hwKinds = new Map<string, HwKind>();
  private readonly log: Logger;

  constructor(
    private readonly ctx: TelemetryContext,
    private readonly host: TelemetryHost,
    private readonly profile: Profile,
    private readonly link: MqttLink,
  ) {
    this.log = host.log;
    const p = ctx.cfg.publish;
    this.tracker = new ChangeTracker({ maxIntervalMs: p.maxIntervalMs, minIntervalMs: p.minIntervalMs, counterIntervalMs: p.counterIntervalMs });
  }

  start(): void {
    const subs = [...this.profile.subscriptions()];
    if (this.ctx.commandKeys) subs.push(this.ctx.topic('command'));
    this.link.setSubscriptions(subs);
    this.link.start();
    this.sampleTimer = setInterval(() => this.guard('sample', () => this.sample()), SAMPLE_INTERVAL_MS);
    this.sampleTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.sampleTimer) clearInterval(this.sampleTimer);
    this.sampleTimer = null;
    // Give queued events a moment to leave before the clean death.
    const deadline = this.host.monoMs() + 1000;
    while (this.link.connected && this.ctx.queue.stats().pending > 0 && this.host.monoMs() < deadline) {
      await this.ctx.queue.sync().catch(() => undefined);
      await this.drain();
      await new Promise((r) => setTimeout(r, 10));
    }
    await this.link.stop(this.profile.offline(this.host.wallMs()));
    this.ctx.queue.close();
  }

  status(): TelemetryStatus {
    return { profile: this.profile.name, broker: this.link.status(), queue: this.ctx.queue.stats(), published: { ...this.counts }, lastError: this.lastError };
  }

  // ------------------------------------------------------------ inputs

  /** Every daemon event: durable in the queue first, then published. */
  onEvent(ev: DaemonEvent): void {
    const r = this.ctx.queue.append('event', ev);
    if (!r.ok) {
      this.lastError = `event ${ev.type} not queued: ${r.error}`;
      this.log.error('telemetry-event-refused', { msg: this.lastError });
    }
    this.model.applyEvent(ev);
    this.syncThenDrain();
    this.sampleSoon();
  }

  /** Records are published only once fsynced; the fsync runs off the event loop. */
  private syncThenDrain(): void {
    this.ctx.queue.sync().then(
      () => this.drain(),
      (err: Error) => {
        this.lastError = `telemetry queue fsync failed: ${err.message}`;
        this.log.error('telemetry-queue-sync-failed', { msg: `${this.lastError}; queued records are held until a sync succeeds` });
      },
    );
  }

  /** One status sample after a burst of events, not one per event (a burst would flood the broker). */
  private sampleSoon(): void {
    if (this.samplePending) return;
    this.samplePending = true;
    setImmediate(() => {
      this.samplePending = false;
      this.guard('sample', () => this.sample());
    });
  }

  /** The latest reading of a hardware device (UPS, RAID); coalesced per device while offline. */
  reading(device: string, kind: HwKind, flat: FlatReading): void {
    const bad = checkTopicLevel(device);
    if (bad) {
      this.lastError = `reading refused: device name ${bad}`;
      return;
    }
    const isNew = !this.hwKinds.has(device);
    this.hwKinds.set(device, kind);
    const r = this.ctx.queue.append('reading', { device, tsMs: this.host.wallMs(), flat }, `hw/${device}`);
    if (!r.ok) this.lastError = `reading of ${device} not queued: ${r.error}`;
    if (isNew && this.online && this.ctx.cfg.homeAssistant.enabled) void this.publishAll(this.discovery());
    this.syncThenDrain();
  }

  // ------------------------------------------------------------ link hooks

  onConnected(): void {
    this.guard('connected', () => this.connected());
  }

  /** A bug in telemetry must not become an uncaught exception in the daemon: log it and go on. */
  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.lastError = `internal error in ${what}: ${(err as Error).message}`;
      this.log.error('telemetry-error', { msg: (err as Error).stack ?? String(err) });
    }
  }

  private connected(): void {
    const nowMs = this.host.wallMs();
    const status = this.host.status();
    this.model.updateStatus(status);
    const all = this.model.snapshot();
    this.tracker.markAll(all, this.host.monoMs());
    this.online = true;
    const first = this.profile.online(nowMs, all, status);
    const discovery = this.ctx.cfg.homeAssistant.enabled ? this.discovery() : [];
    this.log.info('telemetry-connected', { msg: `telemetry connected to ${this.ctx.cfg.broker.url} (${this.profile.name}); ${this.ctx.queue.stats().pending} queued record(s) to deliver` });
    void this.publishAll([...first, ...discovery]).then(() => this.drain());
  }

  onDisconnected(reason: string): void {
    this.online = false;
    this.profile.disconnected();
    this.tracker.reset();
    this.log.warn('telemetry-disconnected', { msg: `telemetry lost the broker: ${reason}; events are kept on disk until it is back` });
  }

  onMessage(topic: string, payload: Buffer): void {
    this.guard('message', () => this.message(topic, payload));
  }

  private message(topic: string, payload: Buffer): void {
    const nowMs = this.host.wallMs();
    const h = this.profile.handle(nowMs, topic, payload, this.model.snapshot());
    if (h.handled) {
      this.log.info('telemetry-protocol-command', { topic, msg: h.note });
      void this.publishAll(h.messages);
      return;
    }
    if (topic === this.ctx.topic('command')) void this.onRemoteCommand(payload, nowMs);
  }

  // ------------------------------------------------------------ publishing

  /** Status sample: changed states and readings go out now (nothing when offline). */
  private sample(): void {
    if (!this.online) return;
    const status = this.host.status();
    this.model.updateStatus(status);
    const all = this.model.snapshot();
    const diff = this.tracker.diff(all, this.host.monoMs());
    if (diff.changed.length === 0) return;
    void this.publishAll(this.profile.changes(this.host.wallMs(), diff, all, status));
  }

  private async publishAll(messages: OutboundMessage[]): Promise<void> {
    for (const m of messages) {
      const r = await this.link.publish(m);
      if (r.ok) this.counts.messages++;
      else if (this.link.connected) this.lastError = `publish to ${m.topic} failed: ${r.error}`;
    }
  }

  /** Sends queued records in order, a window at a time; acks the acknowledged prefix. */
  private async drain(): Promise<void> {
    if (this.draining) {
      this.drainAgain = true;
      return;
    }
    this.draining = true;
    try {
      do {
        this.drainAgain = false;
        while (this.online && this.link.connected) {
          const batch = this.ctx.queue.peekDurable(DRAIN_WINDOW);
          if (batch.length === 0) break;
          const results = await Promise.all(batch.map((rec) => this.publishRecord(rec)));
          const okPrefix = results.findIndex((ok) => !ok);
          const acked = okPrefix === -1 ? batch.length : okPrefix;
          for (let i = 0; i < acked; i++) this.ctx.queue.ack(batch[i]!.id);
          if (acked < batch.length) break;
        }
      } while (this.drainAgain && this.online);
    } finally {
      this.draining = false;
    }
  }

  private async publishRecord(rec: { id: number; kind: 'event' | 'reading'; body: unknown }): Promise<boolean> {
    const msgs = rec.kind === 'event' ? [this.ctx.json.event(rec.id, rec.body as DaemonEvent)] : this.hwMessages(rec.id, rec.body as { device: string; tsMs: number; flat: FlatReading });
    for (const m of msgs) {
      const r = await this.link.publish(m);
      if (!r.ok) return false;
      this.counts.messages++;
    }
    if (rec.kind === 'event') this.counts.events++;
    return true;
  }

  private hwMessages(seq: number, body: { device: string; tsMs: number; flat: FlatReading }): OutboundMessage[] {
    const p: HwPayload = { schema: JSON_SCHEMA_VERSION, cluster: this.ctx.clusterId, node: this.ctx.nodeId, device: body.device, seq, tsMs: body.tsMs, reading: body.flat };
    const retained: OutboundMessage = { topic: hwTopic(this.ctx.clusterId, this.ctx.nodeId, body.device), payload: Buffer.from(JSON.stringify(p)), qos: 1, retain: true };
    return [retained, ...this.profile.hw(body.tsMs, body.device, body.flat)];
  }

  private discovery(): OutboundMessage[] {
    const s = this.host.status();
    return discoveryMessages({
      prefix: this.ctx.cfg.homeAssistant.prefix,
      cluster: this.ctx.clusterId,
      node: this.ctx.nodeId,
      peerId: s.core.peerId,
      paths: s.core.paths.map((p) => p.name),
      hw: [...this.hwKinds].map(([id, kind]) => ({ id, kind })),
      version: this.ctx.version,
    });
  }

  // ------------------------------------------------------------ remote commands

  private async onRemoteCommand(payload: Buffer, nowMs: number): Promise<void> {
    const keys = this.ctx.commandKeys;
    if (!keys) return;
    const v = verifyCommand(payload, { cluster: this.ctx.clusterId, node: this.ctx.nodeId, keyring: keys, nowMs, maxSkewMs: this.ctx.cfg.commands.maxSkewMs, recent: this.recentIds });
    if (!v.ok) {
      this.counts.rejectedCommands++;
      this.log.warn('remote-command-rejected', { id: v.id, msg: `remote command rejected: ${v.error}` });
      await this.reply({ id: v.id, ok: false, message: `rejected: ${v.error}`, tsMs: this.host.wallMs() });
      return;
    }
    const { id, command } = v.command;
    this.counts.commands++;
    this.log.warn('remote-command', { id, command, msg: `remote command ${command} (id ${id}, key ${v.command.keyId})` });
    const result = await this.run(command);
    this.log.info('remote-command-result', { id, command, ok: result.ok, msg: result.message });
    await this.reply({ id, ok: result.ok, message: result.message, tsMs: this.host.wallMs() });
  }

  private async run(command: RemoteCommandName): Promise<{ ok: boolean; message: string }> {
    if (command === 'rebirth') {
      const msgs = this.profile.rebirth(this.host.wallMs(), this.model.snapshot(), this.host.status());
      await this.publishAll(msgs);
      return { ok: true, message: `republished ${msgs.length} message(s)` };
    }
    return this.host.command(command);
  }

  private reply(p: CommandResultPayload): Promise<void> {
    return this.publishAll([this.ctx.json.message('command-result', p)]);
  }
}
