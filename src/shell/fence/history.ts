// The fence history: what the daemon appends to `fence-history.jsonl` in its
// state directory (a `requested` record before a device is touched, a
// `finished` record after), and how `edge-ha fence history` turns those
// records back into one row per fence. The reader trusts nothing in the file:
// a record it cannot use is skipped, never a crash.

import type { FenceAction, FenceOutcome } from './fencer';

export const FENCE_HISTORY_NAME = 'fence-history';

/** Who asked for the fence: the core (the peer was lost) or an operator (`edge-ha fence`). */
export type FenceOrigin = 'core' | 'operator';

export interface FenceRequestRecord {
  /** The core's fence id (a number), or `op-<n>` for an operator's fence. */
  fenceId: number | string;
  origin: FenceOrigin;
  target: string;
  targetIncarnation?: number;
  action: FenceAction;
  reason: string;
  requestedAt: string;
}

/** The fields a `finished` record adds to its request. */
export function finishedFields(o: FenceOutcome): Record<string, unknown> {
  return {
    phase: 'finished',
    result: o.confirmedOff ? 'confirmed' : 'failed',
    device: o.device,
    detail: o.reason,
    durationMs: Math.round(o.durationMs),
    attempts: o.attempts,
    levels: o.levels,
  };
}

export interface FenceHistoryEntry {
  requestedAt: string;
  fenceId: number | string;
  origin: FenceOrigin;
  target: string;
  action: string;
  /** `pending`: requested, no result recorded (still running, or the daemon stopped meanwhile). */
  result: 'confirmed' | 'failed' | 'pending';
  device: string | null;
  durationMs: number | null;
  /** Why the fence was asked for. */
  reason: string;
  /** What the devices did (finished fences only). */
  detail: string | null;
  levels: unknown[];
}

type Rec = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function keyOf(r: Rec): string | null {
  const id = r.fenceId;
  if ((typeof id !== 'number' && typeof id !== 'string') || str(r.requestedAt) === null) return null;
  return `${typeof id}:${String(id)}@${String(r.requestedAt)}`;
}

/** Joins `requested` and `finished` records into one entry per fence, oldest first. */
export function joinFenceHistory(records: readonly unknown[]): FenceHistoryEntry[] {
  const entries = new Map<string, FenceHistoryEntry>();
  for (const raw of records) {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) continue;
    const r = raw as Rec;
    const key = keyOf(r);
    if (key === null) continue;
    let entry = entries.get(key);
    if (entry === undefined) {
      entry = {
        requestedAt: r.requestedAt as string,
        fenceId: r.fenceId as number | string,
        origin: r.origin === 'operator' ? 'operator' : 'core',
        target: str(r.target) ?? '?',
        action: str(r.action) ?? '?',
        result: 'pending',
        device: null,
        durationMs: null,
        reason: str(r.reason) ?? '',
        detail: null,
        levels: [],
      };
      entries.set(key, entry);
    }
    if (r.phase !== 'finished') continue;
    entry.result = r.result === 'confirmed' ? 'confirmed' : 'failed';
    entry.device = str(r.device);
    entry.durationMs = typeof r.durationMs === 'number' && Number.isFinite(r.durationMs) ? r.durationMs : null;
    entry.detail = str(r.detail);
    entry.levels = Array.isArray(r.levels) ? r.levels : [];
  }
  return [...entries.values()];
}

const MAX_CELL_CHARS = 120;

function cell(text: string): string {
  // A reason comes from a device or an agent's stderr: keep one table row one line.
  const flat = text.replace(/[\x00-\x1f\x7f]+/g, ' ');
  return flat.length > MAX_CELL_CHARS ? `${flat.slice(0, MAX_CELL_CHARS - 3)}...` : flat;
}

/** A table for a person: one row per fence; a failure's detail on the line below it. */
export function formatFenceHistory(entries: readonly FenceHistoryEntry[]): string {
  if (entries.length === 0) return 'no fences recorded';
  const header = ['TIME', 'TARGET', 'ACTION', 'RESULT', 'DEVICE', 'DURATION', 'REASON'];
  const rows = entries.map((e) => [
    e.requestedAt,
    e.target,
    e.origin === 'operator' ? `${e.action} (operator)` : e.action,
    e.result,
    e.device ?? '-',
    e.durationMs === null ? '-' : `${e.durationMs} ms`,
    e.reason,
  ].map(cell));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  const out = [line(header)];
  entries.forEach((e, i) => {
    out.push(line(rows[i] ?? []));
    if (e.result === 'failed' && e.detail !== null) out.push(`    ${cell(e.detail)}`);
  });
  return out.join('\n');
}
