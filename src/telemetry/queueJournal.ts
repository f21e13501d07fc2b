// The on-disk line format of the telemetry queue and its replay. One JSON
// object per line; a segment is a file of such lines that starts with a `meta`
// line. Replay never throws: a line that does not parse is counted and skipped,
// and a last line with no newline (a write cut by a crash) is a torn line.

export type QueueKind = 'event' | 'reading';

export interface QueueRecord<T = unknown> {
  /** Increases by one per append and survives restarts. */
  id: number;
  kind: QueueKind;
  /** Readings only: a newer reading with the same key replaces a pending one. */
  key?: string;
  body: T;
}

/** Counters that survive restarts; every meta line carries their absolute values. */
export interface QueueCounters {
  droppedReadings: number;
  coalescedReadings: number;
  refusedEvents: number;
}

export type JournalLine =
  | ({ op: 'meta'; nextId: number } & QueueCounters)
  | { op: 'put'; id: number; kind: QueueKind; key?: string; body: unknown }
  | { op: 'ack'; id: number }
  | { op: 'drop'; id: number; why: 'bound' | 'coalesced' };

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** A parsed line, or null when it is not one of ours. */
export function parseLine(text: string): JournalLine | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  switch (o.op) {
    case 'meta':
      return isCount(o.nextId) && isCount(o.droppedReadings) && isCount(o.coalescedReadings) && isCount(o.refusedEvents) ? (o as JournalLine) : null;
    case 'put':
      if (!isCount(o.id) || (o.kind !== 'event' && o.kind !== 'reading') || !('body' in o)) return null;
      return o.key === undefined || typeof o.key === 'string' ? (o as JournalLine) : null;
    case 'ack':
      return isCount(o.id) ? (o as JournalLine) : null;
    case 'drop':
      return isCount(o.id) && (o.why === 'bound' || o.why === 'coalesced') ? (o as JournalLine) : null;
    default:
      return null;
  }
}

export interface ReplayState {
  live: Map<number, QueueRecord & { segment: number }>;
  counters: QueueCounters;
  nextId: number;
  tornLines: number;
  corruptLines: number;
}

export function emptyReplay(): ReplayState {
  return { live: new Map(), counters: { droppedReadings: 0, coalescedReadings: 0, refusedEvents: 0 }, nextId: 1, tornLines: 0, corruptLines: 0 };
}

/**
 * Applies one segment's text to `state`. Returns the byte length of the complete
 * lines, so the caller can cut a torn tail off the segment it appends to.
 */
export function replaySegment(state: ReplayState, segment: number, text: string): number {
  const end = text.lastIndexOf('\n') + 1;
  if (end < text.length) state.tornLines++;
  for (const raw of text.slice(0, end).split('\n')) {
    if (raw.length === 0) continue;
    const line = parseLine(raw);
    if (!line) {
      state.corruptLines++;
      continue;
    }
    applyLine(state, segment, line);
  }
  return Buffer.byteLength(text.slice(0, end), 'utf8');
}

function applyLine(state: ReplayState, segment: number, line: JournalLine): void {
  switch (line.op) {
    case 'meta':
      // Absolute values written when the segment was opened: they already include every drop before it.
      state.counters = { droppedReadings: line.droppedReadings, coalescedReadings: line.coalescedReadings, refusedEvents: line.refusedEvents };
      state.nextId = Math.max(state.nextId, line.nextId);
      return;
    case 'put':
      state.nextId = Math.max(state.nextId, line.id + 1);
      // A compacted segment repeats records that older segments (not yet deleted) also hold.
      if (!state.live.has(line.id)) {
        const rec: QueueRecord & { segment: number } = { id: line.id, kind: line.kind, body: line.body, segment };
        if (line.key !== undefined) rec.key = line.key;
        state.live.set(line.id, rec);
      }
      return;
    case 'ack':
      state.live.delete(line.id);
      return;
    case 'drop':
      if (state.live.delete(line.id)) {
        if (line.why === 'bound') state.counters.droppedReadings++;
        else state.counters.coalescedReadings++;
      }
      return;
  }
}
