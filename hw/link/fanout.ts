// Delivery of received bytes to the link's subscribers. Devices talk first (a
// banner, a login prompt) often before a session subscribes, so bytes that
// arrive with nobody listening are kept up to a bound and handed to the first
// subscriber; beyond the bound they are dropped and counted, never queued
// without limit. A listener that throws must not take the link down with it.

import type { DataListener, Unsubscribe } from '../ups/transport';
import { DEFAULT_MAX_EARLY_BYTES } from './types';

export class DataFanout {
  private readonly listeners = new Set<DataListener>();
  private early: Uint8Array[] = [];
  private earlyBytes = 0;
  private dropped = 0;
  private listenerFailures = 0;
  private stopped = false;

  constructor(private readonly maxEarlyBytes = DEFAULT_MAX_EARLY_BYTES) {}

  get droppedBytes(): number {
    return this.dropped;
  }

  /** Times a subscriber threw while handling bytes (the error itself is swallowed). */
  get listenerErrors(): number {
    return this.listenerFailures;
  }

  get pendingEarlyBytes(): number {
    return this.earlyBytes;
  }

  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  subscribe(listener: DataListener): Unsubscribe {
    if (this.stopped) return () => undefined;
    this.listeners.add(listener);
    if (this.early.length > 0) {
      const pending = concat(this.early, this.earlyBytes);
      this.early = [];
      this.earlyBytes = 0;
      // Later, not inside onData: a session may subscribe before it has set up its own state.
      queueMicrotask(() => {
        if (!this.stopped && this.listeners.has(listener)) this.call(listener, pending);
      });
    }
    return () => {
      this.listeners.delete(listener);
    };
  }

  deliver(bytes: Uint8Array): void {
    if (this.stopped || bytes.length === 0) return;
    if (this.listeners.size === 0) {
      const room = Math.max(0, this.maxEarlyBytes - this.earlyBytes);
      const kept = Math.min(room, bytes.length);
      this.dropped += bytes.length - kept;
      if (kept > 0) {
        this.early.push(Uint8Array.from(bytes.subarray(0, kept)));
        this.earlyBytes += kept;
      }
      return;
    }
    const copy = Uint8Array.from(bytes);
    for (const l of [...this.listeners]) this.call(l, copy);
  }

  /** No more deliveries; kept bytes are discarded. */
  stop(): void {
    this.stopped = true;
    this.listeners.clear();
    this.early = [];
    this.earlyBytes = 0;
  }

  private call(listener: DataListener, bytes: Uint8Array): void {
    try {
      listener(bytes);
    } catch {
      this.listenerFailures++;
    }
  }
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** A set of close listeners that fires once, with the first reason. */
export class CloseNotifier {
  private readonly listeners = new Set<(reason: string) => void>();
  private firedReason: string | null = null;

  get reason(): string | null {
    return this.firedReason;
  }

  subscribe(listener: (reason: string) => void): Unsubscribe {
    if (this.firedReason !== null) {
      const reason = this.firedReason;
      queueMicrotask(() => listener(reason));
      return () => undefined;
    }
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  fire(reason: string): void {
    if (this.firedReason !== null) return;
    this.firedReason = reason;
    for (const l of [...this.listeners]) {
      try {
        l(reason);
      } catch {
        // A listener's failure is its own; the others still learn the link is gone.
      }
    }
    this.listeners.clear();
  }
}
