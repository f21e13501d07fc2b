// A bounded on-disk queue for telemetry that must survive broker outages and
// daemon restarts. Records are appended (and fsynced) to JSONL segments before
// they are published and removed by `ack` once the broker acknowledged them;
// `peek` delivers them in append order. When the bound is hit the oldest
// reading goes first and is counted; an event is never dropped: `append`
// refuses it and the caller raises an alarm. Synchronous fs calls on purpose:
// an append is durable when it returns, and the order of lines is the order of calls.

import * as nodeFs from 'node:fs';
import * as path from 'node:path';
import { emptyReplay, replaySegment, type JournalLine, type QueueCounters, type QueueKind, type QueueRecord, type ReplayState } from './queueJournal';

export type { QueueKind, QueueRecord, QueueCounters } from './queueJournal';

/** The node:fs calls the queue makes, so tests can inject failures. */
export type QueueFs = Pick<typeof nodeFs, 'mkdirSync' | 'readdirSync' | 'readFileSync' | 'statSync' | 'openSync' | 'writeSync' | 'fsyncSync' | 'closeSync' | 'ftruncateSync' | 'unlinkSync' | 'renameSync'>;

export interface QueueOptions {
  dir: string;
  /** Pending records (events + readings) at most. */
  maxRecords: number;
  /** Start a new segment once the current one is this large. */
  segmentBytes: number;
  /** A record whose JSON is larger is refused. */
  maxRecordBytes: number;
  /** Rewrite the live records into one segment when there are more segments than this. */
  maxSegments: number;
  /**
   * `each`: every append is fsynced before it returns. `group`: appends only
   * write (page cache) and `sync()` fsyncs them together off the event loop
   * (libuv's thread pool); `peekDurable` hands out only fsynced records, so a
   * record is still never published before it is on disk, and a burst of
   * events costs one fsync instead of one each, with the event loop (and the
   * heartbeats on it) never blocked on the disk.
   */
  syncMode?: 'each' | 'group';
  fs?: QueueFs;
  /** Async fsync used by `sync()` in group mode; default node:fs `fsync`. */
  fsyncAsync?: (fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => void;
}

export const DEFAULT_QUEUE_OPTIONS: Omit<QueueOptions, 'dir'> = { maxRecords: 10_000, segmentBytes: 1 << 20, maxRecordBytes: 64 * 1024, maxSegments: 8 };

export type AppendResult = { ok: true; id: number; droppedIds: number[] } | { ok: false; error: string };

export interface QueueStats extends QueueCounters {
  pending: number;
  events: number;
  readings: number;
  segments: number;
  tornLines: number;
  corruptLines: number;
}

const SEGMENT = /^seg-(\d{8})\.jsonl$/;
const segmentName = (n: number) => `seg-${String(n).padStart(8, '0')}.jsonl`;

type Live = QueueRecord & { segment: number };

export class DiskQueue {
  private fd = -1;
  private segment = 0;
  private sizeBytes = 0;
  private segments: number[] = [];
  /** Records with an id below this are fsynced. */
  private durableNextId = 0;
  private syncing: Promise<void> | null = null;

  private constructor(
    private readonly opts: QueueOptions,
    private readonly fs: QueueFs,
    private readonly st: ReplayState,
  ) {}

  /** Opens (and replays) the queue in `dir`, creating it if needed. */
  static open(options: Partial<QueueOptions> & { dir: string }): { ok: true; value: DiskQueue } | { ok: false; error: string } {
    const opts: QueueOptions = { ...DEFAULT_QUEUE_OPTIONS, ...options };
    const fs = opts.fs ?? nodeFs;
    try {
      fs.mkdirSync(opts.dir, { recursive: true });
      const names = fs.readdirSync(opts.dir);
      // A compaction cut short by a crash leaves a .tmp file; the segments it copied are all still there.
      for (const f of names) if (/^seg-\d{8}\.jsonl\.tmp$/.test(f)) fs.unlinkSync(path.join(opts.dir, f));
      const found = names.flatMap((f) => (SEGMENT.test(f) ? [Number(SEGMENT.exec(f)![1])] : [])).sort((a, b) => a - b);
      const st = emptyReplay();
      const q = new DiskQueue(opts, fs, st);
      const limit = opts.segmentBytes + opts.maxRecords * (opts.maxRecordBytes + 128);
      let goodBytes = 0;
      for (const n of found) {
        const file = path.join(opts.dir, segmentName(n));
        const size = fs.statSync(file).size;
        if (size > limit) return { ok: false, error: `queue segment ${file} is ${size} bytes, more than the ${limit} this queue can write` };
        goodBytes = replaySegment(st, n, fs.readFileSync(file, 'utf8'));
      }
      q.segments = found;
      const last = found[found.length - 1];
      if (last === undefined) q.startSegment(1);
      else q.reopen(last, goodBytes);
      q.durableNextId = st.nextId;
      return { ok: true, value: q };
    } catch (e) {
      return { ok: false, error: `queue in ${opts.dir}: ${(e as Error).message}` };
    }
  }

  private file(n: number): string {
    return path.join(this.opts.dir, segmentName(n));
  }

  /** Append to the last segment, cutting a torn tail first so the next line starts clean. */
  private reopen(n: number, goodBytes: number): void {
    this.fd = this.fs.openSync(this.file(n), 'r+');
    this.fs.ftruncateSync(this.fd, goodBytes);
    this.segment = n;
    this.sizeBytes = goodBytes;
  }

  private startSegment(n: number): void {
    // Open the new segment before closing the old one, so a failure leaves the queue writable.
    const fd = this.fs.openSync(this.file(n), 'w');
    if (this.fd >= 0) {
      // Group mode may leave unsynced appends in the segment being closed.
      this.fs.fsyncSync(this.fd);
      this.durableNextId = this.st.nextId;
      this.fs.closeSync(this.fd);
    }
    this.fd = fd;
    this.segment = n;
    this.sizeBytes = 0;
    this.segments.push(n);
    this.write([this.meta()], true);
  }

  private meta(): JournalLine {
    return { op: 'meta', nextId: this.st.nextId, ...this.st.counters };
  }

  /** Writes whole lines or nothing: on a failed write the file is cut back to where it was. */
  private write(lines: JournalLine[], sync: boolean): void {
    const data = Buffer.from(lines.map((l) => JSON.stringify(l) + '\n').join(''), 'utf8');
    try {
      let off = 0;
      while (off < data.length) off += this.fs.writeSync(this.fd, data, off, data.length - off, this.sizeBytes + off);
      if (sync) this.fs.fsyncSync(this.fd);
    } catch (e) {
      this.fs.ftruncateSync(this.fd, this.sizeBytes);
      throw e;
    }
    this.sizeBytes += data.length;
  }

  append<T>(kind: QueueKind, body: T, key?: string): AppendResult {
    const json = JSON.stringify(body);
    if (json === undefined) return { ok: false, error: `a ${kind} body must be JSON-serialisable` };
    if (json.length > this.opts.maxRecordBytes) return { ok: false, error: `${kind} of ${json.length} bytes exceeds the ${this.opts.maxRecordBytes}-byte record limit` };
    const lines: JournalLine[] = [];
    const drops: { rec: Live; why: 'bound' | 'coalesced' }[] = [];
    if (kind === 'reading' && key !== undefined) {
      for (const r of this.st.live.values()) if (r.kind === 'reading' && r.key === key) drops.push({ rec: r, why: 'coalesced' });
    }
    if (this.st.live.size - drops.length >= this.opts.maxRecords) {
      const oldest = [...this.st.live.values()].find((r) => r.kind === 'reading' && !drops.some((d) => d.rec === r));
      if (!oldest) return this.refuse(kind);
      drops.push({ rec: oldest, why: 'bound' });
    }
    const id = this.st.nextId;
    for (const d of drops) lines.push({ op: 'drop', id: d.rec.id, why: d.why });
    const put: JournalLine = { op: 'put', id, kind, body: JSON.parse(json) as unknown };
    if (key !== undefined) put.key = key;
    lines.push(put);
    const group = this.opts.syncMode === 'group';
    try {
      this.write(lines, !group);
    } catch (e) {
      return { ok: false, error: `${kind} not queued: writing ${this.file(this.segment)} failed: ${(e as Error).message}` };
    }
    this.st.nextId = id + 1;
    if (!group) this.durableNextId = this.st.nextId;
    for (const d of drops) {
      this.st.live.delete(d.rec.id);
      if (d.why === 'bound') this.st.counters.droppedReadings++;
      else this.st.counters.coalescedReadings++;
    }
    const rec: Live = { id, kind, body: put.body, segment: this.segment };
    if (key !== undefined) rec.key = key;
    this.st.live.set(id, rec);
    this.maintain();
    return { ok: true, id, droppedIds: drops.map((d) => d.rec.id) };
  }

  private refuse(kind: QueueKind): AppendResult {
    if (kind === 'reading') this.st.counters.droppedReadings++;
    else this.st.counters.refusedEvents++;
    try {
      // Nothing else records this loss on disk; a meta line carries the counters' absolute values.
      this.write([this.meta()], false);
    } catch {
      // The counter is still right in memory and goes to disk with the next meta line.
    }
    if (kind === 'reading') return { ok: false, error: `queue full: ${this.st.live.size} events pending, the reading was dropped` };
    return { ok: false, error: `queue full: ${this.st.live.size} events pending, the event was refused (raise an alarm)` };
  }

  /**
   * Group mode: fsync everything appended so far, off the event loop. Calls
   * made while one runs share the next one. Resolves once durable; rejects
   * with the fsync error (the records stay pending and are not handed out).
   */
  sync(): Promise<void> {
    if (this.durableNextId >= this.st.nextId) return Promise.resolve();
    if (this.syncing) return this.syncing.then(() => this.sync());
    const target = this.st.nextId;
    const fd = this.fd;
    const fsync = this.opts.fsyncAsync ?? nodeFs.fsync;
    const run = new Promise<void>((resolve, reject) => {
      fsync(fd, (err) => {
        if (err) return reject(err);
        this.durableNextId = Math.max(this.durableNextId, target);
        resolve();
      });
    });
    // Cleared when settled, whether the fsync answered at once or later.
    const settled = run.finally(() => {
      if (this.syncing === settled) this.syncing = null;
    });
    this.syncing = settled;
    return this.syncing;
  }

  /** Like `peek`, but only records already on disk (all of them in `each` mode). */
  peekDurable(max = Infinity): QueueRecord[] {
    return this.peek(max).filter((r) => r.id < this.durableNextId);
  }

  /** Up to `max` pending records, oldest first. */
  peek(max = Infinity): QueueRecord[] {
    const out: QueueRecord[] = [];
    for (const r of this.st.live.values()) {
      if (out.length >= max) break;
      const { segment: _segment, ...rec } = r;
      out.push(rec);
    }
    return out;
  }

  /**
   * The broker acknowledged record `id`; false if it was not pending (already
   * acked, or a reading dropped meanwhile). Not fsynced: a crash right after
   * may deliver the record again, which the id lets a consumer recognise.
   */
  ack(id: number): boolean {
    if (!this.st.live.has(id)) return false;
    try {
      this.write([{ op: 'ack', id }], false);
    } catch {
      return false;
    }
    this.st.live.delete(id);
    this.maintain();
    return true;
  }

  stats(): QueueStats {
    let events = 0;
    for (const r of this.st.live.values()) if (r.kind === 'event') events++;
    return { ...this.st.counters, pending: this.st.live.size, events, readings: this.st.live.size - events, segments: this.segments.length, tornLines: this.st.tornLines, corruptLines: this.st.corruptLines };
  }

  close(): void {
    if (this.fd >= 0 && this.durableNextId < this.st.nextId) {
      try {
        this.fs.fsyncSync(this.fd);
      } catch {
        // Closing anyway; replay keeps whatever reached the disk.
      }
    }
    if (this.fd >= 0) this.fs.closeSync(this.fd);
    this.fd = -1;
  }

  /** Roll to a new segment when full; delete old segments with nothing pending; compact when too many remain. */
  private maintain(): void {
    try {
      if (this.sizeBytes >= this.opts.segmentBytes) this.startSegment(this.segment + 1);
      this.deleteEmptyHead();
      if (this.segments.length > this.opts.maxSegments) this.compact();
    } catch {
      // Housekeeping only: the journal stays correct without it and the next append retries.
    }
  }

  /**
   * Only from the oldest end: a later segment may hold the acks of records in an
   * earlier one, so it must outlive them.
   */
  private deleteEmptyHead(): void {
    const used = new Set<number>();
    for (const r of this.st.live.values()) used.add(r.segment);
    while (this.segments.length > 1 && !used.has(this.segments[0]!)) {
      this.fs.unlinkSync(this.file(this.segments.shift()!));
    }
  }

  /** Makes a rename durable before the files it replaces are deleted. */
  private syncDir(): void {
    const dfd = this.fs.openSync(this.opts.dir, 'r');
    try {
      this.fs.fsyncSync(dfd);
    } finally {
      this.fs.closeSync(dfd);
    }
  }

  /** Rewrites the pending records into one new segment, then deletes every older one. */
  private compact(): void {
    const n = this.segment + 1;
    const tmp = this.file(n) + '.tmp';
    const fd = this.fs.openSync(tmp, 'w');
    const lines: JournalLine[] = [this.meta()];
    for (const r of this.st.live.values()) {
      const put: JournalLine = { op: 'put', id: r.id, kind: r.kind, body: r.body };
      if (r.key !== undefined) put.key = r.key;
      lines.push(put);
    }
    const data = Buffer.from(lines.map((l) => JSON.stringify(l) + '\n').join(''), 'utf8');
    try {
      for (let off = 0; off < data.length; ) off += this.fs.writeSync(fd, data, off, data.length - off, off);
      this.fs.fsyncSync(fd);
    } finally {
      this.fs.closeSync(fd);
    }
    this.fs.renameSync(tmp, this.file(n));
    this.syncDir();
    const next = this.fs.openSync(this.file(n), 'r+');
    this.fs.closeSync(this.fd);
    this.fd = next;
    this.segment = n;
    this.sizeBytes = data.length;
    for (const r of this.st.live.values()) r.segment = n;
    for (const old of this.segments) this.fs.unlinkSync(this.file(old));
    this.segments = [n];
  }
}
