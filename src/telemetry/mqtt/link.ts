// One MQTT connection to the broker, kept up for as long as the daemon runs.
// Each attempt is a fresh MQTT.js client with automatic reconnect off: the
// Will (a Sparkplug NDEATH carries the bdSeq of *this* connection) is chosen
// per attempt, the delays grow with jitter, and a publish the broker has not
// acknowledged when the connection drops is reported failed, so the caller's
// disk queue keeps it and sends it again. Nothing here ever throws at the caller.

import * as mqtt from 'mqtt';
import type { OutboundMessage } from '../outbound';
import { backoffDelayMs, type BackoffOptions } from './backoff';
import { describeMqttError } from './errors';

export interface LinkOptions {
  url: string;
  protocolVersion: 4 | 5;
  clientId: string;
  username?: string | undefined;
  password?: string | undefined;
  ca?: Buffer | undefined;
  cert?: Buffer | undefined;
  key?: Buffer | undefined;
  keepaliveSec: number;
  connectTimeoutMs: number;
  reconnect: BackoffOptions;
  /** For jitter; tests pass a seeded one. */
  random?: () => number;
  /** Monotonic ms. */
  nowMs?: () => number;
}

export interface LinkHooks {
  /** The Will for the next attempt (called once per attempt, just before it connects). */
  will(): OutboundMessage;
  onConnected(): void;
  onDisconnected(reason: string): void;
  onMessage(topic: string, payload: Buffer): void;
}

export type LinkState = 'connecting' | 'connected' | 'down' | 'stopped';

export interface LinkStatus {
  state: LinkState;
  url: string;
  /** Why the link is not connected (last error), or null. */
  reason: string | null;
  /** Failed attempts since the last successful connection. */
  failedAttempts: number;
  connects: number;
  /** When the next attempt starts (monotonic ms), null unless `down`. */
  retryAtMs: number | null;
}

export type PublishResult = { ok: true } | { ok: false; error: string };

export class MqttLink {
  private client: mqtt.MqttClient | null = null;
  private state: LinkState = 'down';
  private reason: string | null = null;
  private failedAttempts = 0;
  private connects = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryAtMs: number | null = null;
  private subscriptions: string[] = [];
  /** Publishes of the current connection still waiting for the broker: failed when it drops. */
  private readonly inflight = new Set<(r: PublishResult) => void>();
  private readonly random: () => number;
  private readonly nowMs: () => number;

  constructor(
    private readonly opts: LinkOptions,
    private readonly hooks: LinkHooks,
  ) {
    this.random = opts.random ?? Math.random;
    this.nowMs = opts.nowMs ?? (() => performance.now());
  }

  start(): void {
    if (this.state === 'stopped') return;
    this.attempt();
  }

  status(): LinkStatus {
    return { state: this.state, url: this.opts.url, reason: this.reason, failedAttempts: this.failedAttempts, connects: this.connects, retryAtMs: this.retryAtMs };
  }

  get connected(): boolean {
    return this.state === 'connected';
  }

  /** Topics to (re)subscribe after every connect, QoS 1. */
  setSubscriptions(topics: string[]): void {
    this.subscriptions = [...topics];
    if (this.client && this.connected && topics.length) this.client.subscribe(topics, { qos: 1 });
  }

  /** Resolves when QoS 1 is acknowledged (QoS 0: written); fails at once when not connected. */
  publish(m: OutboundMessage): Promise<PublishResult> {
    const client = this.client;
    if (!client || !this.connected) return Promise.resolve({ ok: false, error: `not connected (${this.reason ?? this.state})` });
    return new Promise((resolve) => {
      let done = false;
      const finish = (r: PublishResult) => {
        if (done) return;
        done = true;
        this.inflight.delete(finish);
        resolve(r);
      };
      this.inflight.add(finish);
      try {
        client.publish(m.topic, Buffer.from(m.payload), { qos: m.qos, retain: m.retain }, (err) => finish(err ? { ok: false, error: describeMqttError(err, this.opts.url) } : { ok: true }));
      } catch (err) {
        finish({ ok: false, error: describeMqttError(err, this.opts.url) });
      }
    });
  }

  /** Publishes `last` (a clean NDEATH or `offline`) if connected, then closes for good. */
  async stop(last: OutboundMessage[] = []): Promise<void> {
    if (this.state === 'stopped') return;
    for (const m of last) if (this.connected) await withTimeout(this.publish(m), 2000);
    this.state = 'stopped';
    this.reason = 'stopped';
    this.clearRetry();
    const client = this.client;
    this.client = null;
    if (client) await withTimeout(new Promise<void>((r) => client.end(false, {}, () => r())), 2000).then(() => client.end(true));
  }

  private attempt(): void {
    this.clearRetry();
    this.state = 'connecting';
    const will = this.hooks.will();
    const options: mqtt.IClientOptions = {
      protocolVersion: this.opts.protocolVersion,
      clientId: this.opts.clientId,
      clean: true,
      keepalive: this.opts.keepaliveSec,
      connectTimeout: this.opts.connectTimeoutMs,
      reconnectPeriod: 0,
      queueQoSZero: false,
      resubscribe: false,
      will: { topic: will.topic, payload: Buffer.from(will.payload), qos: will.qos, retain: will.retain },
    };
    if (this.opts.username !== undefined) options.username = this.opts.username;
    if (this.opts.password !== undefined) options.password = this.opts.password;
    if (this.opts.ca) options.ca = this.opts.ca;
    if (this.opts.cert) options.cert = this.opts.cert;
    if (this.opts.key) options.key = this.opts.key;
    let client: mqtt.MqttClient;
    try {
      client = mqtt.connect(this.opts.url, options);
    } catch (err) {
      this.failed(describeMqttError(err, this.opts.url));
      return;
    }
    this.client = client;
    let lastError: string | null = null;
    client.on('connect', () => {
      if (this.client !== client) return;
      // Small telemetry messages must not wait for Nagle + delayed ACK (~40 ms on Linux).
      (client.stream as { setNoDelay?: (on: boolean) => void } | undefined)?.setNoDelay?.(true);
      this.state = 'connected';
      this.reason = null;
      this.failedAttempts = 0;
      this.connects++;
      if (this.subscriptions.length) client.subscribe(this.subscriptions, { qos: 1 });
      this.hooks.onConnected();
    });
    client.on('error', (err) => {
      lastError = describeMqttError(err, this.opts.url);
    });
    client.on('message', (topic, payload) => {
      if (this.client === client) this.hooks.onMessage(topic, payload);
    });
    client.on('close', () => {
      if (this.client !== client) return;
      this.client = null;
      client.removeAllListeners('connect');
      client.end(true);
      const was = this.state;
      const why = lastError ?? (was === 'connected' ? `connection to ${this.opts.url} closed` : `no CONNACK from ${this.opts.url} within ${this.opts.connectTimeoutMs} ms`);
      for (const fail of [...this.inflight]) fail({ ok: false, error: `not acknowledged before the connection dropped: ${why}` });
      if (was === 'stopped') return;
      if (was === 'connected') this.hooks.onDisconnected(why);
      this.failed(why);
    });
  }

  private failed(reason: string): void {
    if (this.state === 'stopped') return;
    this.state = 'down';
    this.reason = reason;
    this.failedAttempts++;
    const delayMs = backoffDelayMs(this.opts.reconnect, this.failedAttempts, this.random);
    this.retryAtMs = this.nowMs() + delayMs;
    this.retryTimer = setTimeout(() => this.attempt(), delayMs);
    this.retryTimer.unref();
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.retryAtMs = null;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(undefined), ms);
    void p.then((v) => {
      clearTimeout(t);
      resolve(v);
    });
  });
}
