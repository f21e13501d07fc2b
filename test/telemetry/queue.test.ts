import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { DiskQueue, type QueueFs, type QueueOptions } from '../../src/telemetry/queue';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-ha-queue-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function open(opts: Partial<QueueOptions> = {}): DiskQueue {
  const r = DiskQueue.open({ dir, ...opts });
  if (!r.ok) throw new Error(r.error);
  return r.value;
}
const bodies = (q: DiskQueue) => q.peek().map((r) => r.body);
const segmentFiles = () => fs.readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort();

describe('DiskQueue', () => {
  test('delivers in append order with increasing ids; ack removes', () => {
    const q = open();
    const ids = ['a', 'b', 'c'].map((b) => {
      const r = q.append('event', b);
      if (!r.ok) throw new Error(r.error);
      return r.id;
    });
    expect(ids).toEqual([1, 2, 3]);
    expect(bodies(q)).toEqual(['a', 'b', 'c']);
    expect(q.peek(2).map((r) => r.id)).toEqual([1, 2]);
    expect(q.ack(2)).toBe(true);
    expect(q.ack(2)).toBe(false);
    expect(q.ack(99)).toBe(false);
    expect(bodies(q)).toEqual(['a', 'c']);
  });

  test('survives a restart: pending records, their order, ids and acks', () => {
    const q = open();
    for (const b of ['a', 'b', 'c', 'd']) q.append('event', { b });
    q.ack(1);
    q.ack(3);
    q.close();
    const q2 = open();
    expect(q2.peek()).toEqual([
      { id: 2, kind: 'event', body: { b: 'b' } },
      { id: 4, kind: 'event', body: { b: 'd' } },
    ]);
    expect(q2.append('event', 'e')).toMatchObject({ ok: true, id: 5 });
  });

  test('a torn last line is dropped and cut off, and later appends read back cleanly', () => {
    const q = open();
    q.append('event', 'kept');
    q.close();
    const [seg] = segmentFiles();
    // longer than the line appended later, so only cutting it off leaves a clean file
    fs.appendFileSync(path.join(dir, seg!), '{"op":"put","id":2,"kind":"event","body":"' + 'x'.repeat(200));
    const q2 = open();
    expect(bodies(q2)).toEqual(['kept']);
    expect(q2.stats().tornLines).toBe(1);
    expect(q2.append('event', 'after')).toMatchObject({ ok: true, id: 2 });
    q2.close();
    const q3 = open();
    expect(bodies(q3)).toEqual(['kept', 'after']);
    expect(q3.stats()).toMatchObject({ tornLines: 0, corruptLines: 0 });
  });

  test('a corrupt line in the middle is counted and skipped', () => {
    const q = open();
    q.append('event', 'a');
    q.close();
    fs.appendFileSync(path.join(dir, segmentFiles()[0]!), 'not json\n{"op":"put","id":"x"}\n');
    const q2 = open();
    q2.append('event', 'b');
    q2.close();
    const q3 = open();
    expect(bodies(q3)).toEqual(['a', 'b']);
    expect(q3.stats().corruptLines).toBe(2);
  });

  test('at the bound the oldest reading goes first and is counted; events are kept', () => {
    const q = open({ maxRecords: 4 });
    q.append('event', 'e1');
    q.append('reading', 'r1');
    q.append('event', 'e2');
    q.append('reading', 'r2');
    expect(q.append('event', 'e3')).toMatchObject({ ok: true, droppedIds: [2] });
    expect(bodies(q)).toEqual(['e1', 'e2', 'r2', 'e3']);
    expect(q.append('reading', 'r3')).toMatchObject({ ok: true, droppedIds: [4] });
    expect(bodies(q)).toEqual(['e1', 'e2', 'e3', 'r3']);
    expect(q.stats()).toMatchObject({ droppedReadings: 2, events: 3, readings: 1 });
  });

  test('a queue full of events refuses an event and drops a new reading, counting both, across a restart', () => {
    const q = open({ maxRecords: 2 });
    q.append('event', 'e1');
    q.append('event', 'e2');
    expect(q.append('event', 'e3')).toMatchObject({ ok: false, error: expect.stringContaining('event was refused') });
    expect(q.append('reading', 'r')).toMatchObject({ ok: false, error: expect.stringContaining('reading was dropped') });
    expect(bodies(q)).toEqual(['e1', 'e2']);
    q.close();
    const q2 = open({ maxRecords: 2 });
    expect(q2.stats()).toMatchObject({ refusedEvents: 1, droppedReadings: 1, pending: 2 });
    q2.ack(1);
    expect(q2.append('event', 'e3')).toMatchObject({ ok: true, id: 3 });
  });

  test('readings with the same key coalesce to the latest value', () => {
    const q = open();
    q.append('reading', { v: 1 }, 'ups/charge');
    q.append('event', 'e');
    q.append('reading', { v: 2 }, 'ups/charge');
    q.append('reading', { v: 9 }, 'raid/state');
    expect(bodies(q)).toEqual(['e', { v: 2 }, { v: 9 }]);
    q.close();
    expect(open().stats()).toMatchObject({ coalescedReadings: 1, pending: 3 });
  });

  test('records too large or not JSON are refused', () => {
    const q = open({ maxRecordBytes: 10 });
    expect(q.append('event', 'x'.repeat(20))).toMatchObject({ ok: false, error: expect.stringContaining('exceeds the 10-byte') });
    expect(q.append('event', undefined)).toMatchObject({ ok: false, error: expect.stringContaining('JSON') });
    expect(q.peek()).toEqual([]);
  });

  test('segments roll over, fully acked old segments are deleted, a stuck record forces compaction', () => {
    const q = open({ segmentBytes: 200, maxSegments: 3 });
    for (let i = 0; i < 30; i++) q.append('event', `event-${i}`);
    expect(segmentFiles().length).toBeLessThanOrEqual(4);
    // ack all but the first: it pins the head segment, so compaction must bound the files
    for (let i = 2; i <= 30; i++) q.ack(i);
    for (let i = 0; i < 30; i++) {
      const r = q.append('event', `more-${i}`);
      if (r.ok) q.ack(r.id);
    }
    expect(segmentFiles().length).toBeLessThanOrEqual(4);
    expect(bodies(q)).toEqual(['event-0']);
    q.close();
    const q2 = open({ segmentBytes: 200, maxSegments: 3 });
    expect(bodies(q2)).toEqual(['event-0']);
    expect(q2.append('event', 'next')).toMatchObject({ ok: true, id: 61 });
  });

  test('a failed write leaves no partial line and reports the file', () => {
    let failNext = false;
    const faulty: QueueFs = {
      ...fs,
      writeSync: ((fd: number, buf: Buffer, off: number, len: number, pos: number) => {
        if (failNext) {
          failNext = false;
          fs.writeSync(fd, buf, off, Math.floor(len / 2), pos); // half a line reaches the disk
          throw new Error('ENOSPC: no space left on device');
        }
        return fs.writeSync(fd, buf, off, len, pos);
      }) as QueueFs['writeSync'],
    };
    const q = open({ fs: faulty });
    q.append('event', 'a');
    failNext = true;
    expect(q.append('event', 'b')).toMatchObject({ ok: false, error: expect.stringMatching(/seg-00000001\.jsonl failed: ENOSPC/) });
    q.close();
    const q2 = open({ fs: faulty });
    expect(bodies(q2)).toEqual(['a']);
    expect(q2.stats()).toMatchObject({ tornLines: 0, corruptLines: 0 });
    q2.append('event', 'c');
    q2.close();
    expect(bodies(open())).toEqual(['a', 'c']);
  });

  test('property: after any mix of appends, acks and restarts, the pending list matches a model', () => {
    type Op = { t: 'event' | 'reading'; v: number } | { t: 'ack'; i: number } | { t: 'restart' };
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ t: fc.constantFrom('event' as const, 'reading' as const), v: fc.nat(1000) }),
      fc.record({ t: fc.constant('ack' as const), i: fc.nat(20) }),
      fc.constant({ t: 'restart' as const }),
    );
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), (ops) => {
        fs.rmSync(dir, { recursive: true, force: true });
        const opts = { maxRecords: 6, segmentBytes: 150, maxSegments: 2 };
        let q = open(opts);
        let model: { id: number; kind: string; body: number }[] = [];
        let nextId = 1;
        for (const op of ops) {
          if (op.t === 'restart') {
            q.close();
            q = open(opts);
          } else if (op.t === 'ack') {
            const target = model[op.i % Math.max(model.length, 1)];
            if (target) {
              expect(q.ack(target.id)).toBe(true);
              model = model.filter((m) => m !== target);
            }
          } else {
            const r = q.append(op.t, op.v);
            if (model.length >= opts.maxRecords) {
              const oldest = model.find((m) => m.kind === 'reading');
              if (!oldest) {
                expect(r.ok).toBe(false);
                continue;
              }
              model = model.filter((m) => m !== oldest);
            }
            expect(r).toMatchObject({ ok: true, id: nextId });
            model.push({ id: nextId++, kind: op.t, body: op.v });
          }
          expect(q.peek()).toEqual(model);
        }
        q.close();
      }),
      { numRuns: 60 },
    );
  });
});

describe('group commit (syncMode: group)', () => {
  test('appends are handed out only after sync(), and one sync covers a burst', async () => {
    let fsyncs = 0;
    const q = open({ syncMode: 'group', fsyncAsync: (fd, cb) => (fsyncs++, fs.fsync(fd, cb)) });
    for (let i = 0; i < 5; i++) expect(q.append('event', { i }).ok).toBe(true);
    expect(q.peekDurable()).toEqual([]);
    expect(q.peek()).toHaveLength(5);
    await Promise.all([q.sync(), q.sync(), q.sync()]);
    expect(q.peekDurable().map((r) => r.body)).toEqual([0, 1, 2, 3, 4].map((i) => ({ i })));
    expect(fsyncs).toBe(1);
    q.close();
  });

  test('a failing fsync keeps the records pending and unpublished; a later sync releases them', async () => {
    let fail = true;
    const q = open({ syncMode: 'group', fsyncAsync: (fd, cb) => (fail ? cb(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' })) : fs.fsync(fd, cb)) });
    q.append('event', { n: 1 });
    await expect(q.sync()).rejects.toThrow(/EIO/);
    expect(q.peekDurable()).toEqual([]);
    fail = false;
    await q.sync();
    expect(q.peekDurable()).toHaveLength(1);
    q.close();
  });

  test('records appended in group mode survive a close and reopen', () => {
    const q = open({ syncMode: 'group' });
    q.append('event', { n: 1 });
    q.close();
    const again = open({ syncMode: 'group' });
    expect(again.peekDurable().map((r) => r.body)).toEqual([{ n: 1 }]);
    again.close();
  });
});
