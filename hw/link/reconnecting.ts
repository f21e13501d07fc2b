// A link that outlives its port. serialport has no auto-reconnect (reference
// typescript-stack §3.1), so this wrapper does it: when the inner link closes
// by itself (unplug: DisconnectedError; pty gone; ser2net reset) it enters
// `comm-lost` with the reason, retries through the factory with exponential
// backoff and jitter (an unplugged path fails with ENOENT until it comes
// back), and is `connected` again once an open succeeds. Subscribers keep
// their onData subscription across reconnects; writes while down reject with
// the reason. Baud changes made through `line` are re-applied after a reopen.

import type { Cancel, Schedule } from '../ups/schedule';
import type { DataListener, Unsubscribe } from '../ups/transport';
import { backoffDelayMs, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';
import { CloseNotifier, DataFanout } from './fanout';
import { DEFAULT_LINE_SETTINGS, linkError, type LineControl, type LineSettings, type LinkFactory, type LinkResult, type ModemLines, type SerialLink } from './types';

export type LinkState =
  | { state: 'connecting' }
  | { state: 'connected'; description: string; sinceMs: number; reconnects: number }
  /** `reason`: why the link was lost; `attempts`: reopen attempts since; `lastError`: why the latest failed. */
  | { state: 'comm-lost'; reason: string; sinceMs: number; attempts: number; lastError: string | null; nextAttemptInMs: number }
  | { state: 'closed' };

export interface ReconnectingLinkOptions {
  open: LinkFactory;
  clock: { schedule: Schedule; nowMs: () => number };
  /** 0..1, for jitter; Math.random unless a test pins it. */
  random?: () => number;
  backoff?: Partial<BackoffPolicy>;
  /** An open that has not finished in this long counts as failed (its late link is closed). */
  openTimeoutMs?: number;
  maxEarlyBytes?: number;
  description?: string;
}

export class ReconnectingLink implements SerialLink {
  readonly description: string;
  readonly line: LineControl;
  readonly modem: ModemLines;
  private current: SerialLink | null = null;
  private stopCurrent: Unsubscribe[] = [];
  private readonly fanout: DataFanout;
  private readonly closing = new CloseNotifier();
  private readonly stateListeners = new Set<(s: LinkState) => void>();
  private currentState: LinkState = { state: 'connecting' };
  private readonly policy: BackoffPolicy;
  private retry: Cancel | null = null;
  private reconnects = 0;
  private everConnected = false;
  /** Baud set through `line`, re-applied on every reopen. */
  private baudOverride: number | null = null;
  private lastSettings: LineSettings = { ...DEFAULT_LINE_SETTINGS };

  constructor(private readonly o: ReconnectingLinkOptions) {
    this.description = o.description ?? 'reconnecting link';
    this.fanout = new DataFanout(o.maxEarlyBytes);
    this.policy = { ...DEFAULT_BACKOFF, ...o.backoff };
    this.line = this.makeLineControl();
    this.modem = this.makeModem();
  }

  /** Begin the first open; state changes follow through onState. */
  start(): this {
    if (this.currentState.state === 'connecting') void this.attempt();
    return this;
  }

  get state(): LinkState {
    return this.currentState;
  }

  get isOpen(): boolean {
    return this.currentState.state === 'connected';
  }

  get stats(): { droppedBytes: number } {
    return { droppedBytes: this.fanout.droppedBytes + (this.current?.stats.droppedBytes ?? 0) };
  }

  onState(listener: (s: LinkState) => void): Unsubscribe {
    this.stateListeners.add(listener);
    return () => {
      this.stateListeners.delete(listener);
    };
  }

  write(bytes: Uint8Array): Promise<void> {
    const link = this.current;
    if (!link || this.currentState.state !== 'connected') return Promise.reject(new Error(`${this.description}: ${this.downReason()}`));
    try {
      return Promise.resolve(link.write(bytes));
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  onData(listener: DataListener): Unsubscribe {
    return this.fanout.subscribe(listener);
  }

  /** Fires only when closed by us: a lost port is `comm-lost`, not closed. */
  onClose(listener: (reason: string) => void): Unsubscribe {
    return this.closing.subscribe(listener);
  }

  close(): void {
    if (this.currentState.state === 'closed') return;
    this.retry?.();
    this.retry = null;
    this.dropCurrent();
    this.fanout.stop();
    this.setState({ state: 'closed' });
    this.closing.fire('closed by us');
  }

  private async attempt(): Promise<void> {
    this.retry = null;
    const opened = await this.openOnce();
    if (this.currentState.state === 'closed') {
      if (opened.ok) opened.link.close();
      return;
    }
    if (!opened.ok) return this.failedAttempt(opened.reason);
    const link = opened.link;
    this.current = link;
    this.stopCurrent = [link.onData((bytes) => this.fanout.deliver(bytes)), link.onClose((reason) => this.lost(link, reason))];
    if (!link.isOpen) return this.lost(link, 'closed as soon as it opened');
    if (this.baudOverride !== null && this.baudOverride !== link.line.settings.baudRate) {
      const r = await link.line.apply({ baudRate: this.baudOverride });
      if (this.current !== link) return; // closed, or lost, while applying
      if (!r.ok) {
        // A failed attempt, not a new loss: the outage (and its sinceMs) goes on.
        this.dropCurrent();
        return this.failedAttempt(`reopened but could not restore ${this.baudOverride} baud: ${r.error.message}`);
      }
    }
    if (this.current !== link) return;
    this.lastSettings = link.line.settings;
    if (this.everConnected) this.reconnects++;
    this.everConnected = true;
    const reconnects = this.reconnects;
    this.setState({ state: 'connected', description: link.description, sinceMs: this.o.clock.nowMs(), reconnects });
  }

  private openOnce(): Promise<{ ok: true; link: SerialLink } | { ok: false; reason: string }> {
    const timeoutMs = this.o.openTimeoutMs ?? 10_000;
    return new Promise((resolve) => {
      let done = false;
      const cancel = this.o.clock.schedule(timeoutMs, () => {
        if (done) return;
        done = true;
        resolve({ ok: false, reason: `open did not finish within ${timeoutMs} ms` });
      });
      let pending: Promise<SerialLink>;
      try {
        pending = Promise.resolve(this.o.open());
      } catch (e) {
        pending = Promise.reject(e);
      }
      pending.then(
        (link) => {
          if (done) return link.close();
          done = true;
          cancel();
          resolve({ ok: true, link });
        },
        (e: unknown) => {
          if (done) return;
          done = true;
          cancel();
          resolve({ ok: false, reason: e instanceof Error ? e.message : String(e) });
        },
      );
    });
  }

  private lost(link: SerialLink, reason: string): void {
    if (link !== this.current || this.currentState.state === 'closed') return;
    this.dropCurrent();
    this.scheduleRetry({ reason, sinceMs: this.o.clock.nowMs(), attempts: 0, lastError: null });
  }

  private failedAttempt(reason: string): void {
    const s = this.currentState;
    if (s.state === 'comm-lost') this.scheduleRetry({ reason: s.reason, sinceMs: s.sinceMs, attempts: s.attempts + 1, lastError: reason });
    else this.scheduleRetry({ reason: `cannot open: ${reason}`, sinceMs: this.o.clock.nowMs(), attempts: 1, lastError: reason });
  }

  private scheduleRetry(s: { reason: string; sinceMs: number; attempts: number; lastError: string | null }): void {
    const delay = backoffDelayMs(s.attempts + 1, this.policy, this.o.random ?? Math.random);
    this.setState({ state: 'comm-lost', ...s, nextAttemptInMs: delay });
    this.retry = this.o.clock.schedule(delay, () => void this.attempt());
  }

  private dropCurrent(): void {
    for (const stop of this.stopCurrent) stop();
    this.stopCurrent = [];
    const link = this.current;
    this.current = null;
    try {
      link?.close();
    } catch {
      // The inner link is already gone; nothing else to release.
    }
  }

  private setState(s: LinkState): void {
    this.currentState = s;
    for (const l of [...this.stateListeners]) {
      try {
        l(s);
      } catch {
        // A listener's bug must not stop the reconnect loop.
      }
    }
  }

  private downReason(): string {
    const s = this.currentState;
    if (s.state === 'comm-lost') return `comm lost (${s.reason}${s.lastError ? `; last attempt: ${s.lastError}` : ''})`;
    return s.state === 'closed' ? 'closed' : 'not connected yet';
  }

  private makeLineControl(): LineControl {
    // A getter cannot be an arrow function, so the object literal reaches the link through `self`.
    const self = this;
    return {
      get settings() {
        return self.current?.line.settings ?? { ...self.lastSettings, ...(self.baudOverride !== null ? { baudRate: self.baudOverride } : {}) };
      },
      async apply(changes): Promise<LinkResult<LineSettings>> {
        const link = self.current;
        if (!link) return linkError('closed', `${self.description}: ${self.downReason()}`);
        const r = await link.line.apply(changes);
        if (r.ok) self.baudOverride = r.value.baudRate;
        return r;
      },
    };
  }

  private makeModem(): ModemLines {
    const down = <T>(): Promise<LinkResult<T>> => Promise.resolve(linkError('closed', `${this.description}: ${this.downReason()}`));
    const on = <T>(f: (m: ModemLines) => Promise<LinkResult<T>>): Promise<LinkResult<T>> => (this.current ? f(this.current.modem) : down<T>());
    return {
      setDtr: (a) => on((m) => m.setDtr(a)),
      setRts: (a) => on((m) => m.setRts(a)),
      read: () => on((m) => m.read()),
      sendBreak: (ms) => on((m) => m.sendBreak(ms)),
    };
  }
}

/** Build and start a ReconnectingLink. */
export function reconnectingLink(options: ReconnectingLinkOptions): ReconnectingLink {
  return new ReconnectingLink(options).start();
}
