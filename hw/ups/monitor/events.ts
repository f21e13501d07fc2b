// What the monitor tells its listeners. Every event carries the monitor's
// time (injected clock) so a log or a test can order them without a wall clock.

import type { UpsReading, UpsStatusToken } from '../model';

export type UpsMonitorEvent =
  | { type: 'reading'; atMs: number; reading: UpsReading }
  | { type: 'status-change'; atMs: number; from: readonly UpsStatusToken[]; to: readonly UpsStatusToken[]; added: UpsStatusToken[]; removed: UpsStatusToken[] }
  | { type: 'poll-failed'; atMs: number; failures: number; reason: string; errorKind: string }
  | { type: 'comm-lost'; atMs: number; failures: number; reason: string; lastStatus: readonly UpsStatusToken[]; lastSeenMs: number | null }
  | { type: 'comm-restored'; atMs: number; downForMs: number }
  | { type: 'critical'; atMs: number; reason: string }
  | { type: 'critical-cleared'; atMs: number; reason: string };

export type UpsMonitorListener = (e: UpsMonitorEvent) => void;

/** Tokens in `to` but not `from`, and the reverse. */
export function statusDiff(from: readonly UpsStatusToken[], to: readonly UpsStatusToken[]): { added: UpsStatusToken[]; removed: UpsStatusToken[] } {
  const before = new Set(from);
  const after = new Set(to);
  return { added: to.filter((t) => !before.has(t)), removed: from.filter((t) => !after.has(t)) };
}
