import fc from 'fast-check';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StateStore } from '../../../src/shell/state';
import { parseJsonLines } from '../../../src/shell/state/jsonl';

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'ehj-'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const size = (f: string): number => fs.statSync(path.join(root, f)).size;

describe('StateStore jsonl', () => {
  it('appends records and reads them back newest last, honouring limit', async () => {
    const store = await StateStore.open(root);
    await expect(store.readJsonl('fences')).resolves.toEqual([]);
    for (let i = 1; i <= 5; i++) await store.appendJsonl('fences', { fenceId: i }, { maxBytes: 10_000 });
    expect(fs.readFileSync(path.join(root, 'fences.jsonl'), 'utf8')).toBe(
      [1, 2, 3, 4, 5].map((i) => `{"fenceId":${i}}\n`).join(''),
    );
    await expect(store.readJsonl('fences', { limit: 2 })).resolves.toEqual([{ fenceId: 4 }, { fenceId: 5 }]);
    await expect(store.readJsonl('fences', { limit: 0 })).resolves.toEqual([]);
  });

  it('rotates to <name>.1.jsonl, keeping one old file', async () => {
    const store = await StateStore.open(root);
    // Each line is 14 bytes: {"fenceId":N}\n for one-digit N… and 15 for two digits.
    for (let i = 1; i <= 12; i++) await store.appendJsonl('fences', { fenceId: i }, { maxBytes: 45 });
    expect(fs.readdirSync(root).sort()).toEqual(['fences.1.jsonl', 'fences.jsonl']);
    expect(size('fences.jsonl')).toBeLessThanOrEqual(45);
    expect(size('fences.1.jsonl')).toBeLessThanOrEqual(45);
    const ids = ((await store.readJsonl('fences')) as { fenceId: number }[]).map((r) => r.fenceId);
    // A gap-free suffix of what was written; the oldest rotated out.
    expect(ids[ids.length - 1]).toBe(12);
    expect(ids).toEqual(ids.map((_, k) => (ids[0] as number) + k));
    expect(ids[0]).toBeGreaterThan(1);
  });

  it('skips a torn last line, and the next append does not glue onto it', async () => {
    const store = await StateStore.open(root);
    await store.appendJsonl('fences', { fenceId: 1 }, { maxBytes: 10_000 });
    await store.appendJsonl('fences', { fenceId: 2 }, { maxBytes: 10_000 });
    fs.appendFileSync(path.join(root, 'fences.jsonl'), '{"fenceId":3,"tar'); // crash mid-append
    await expect(store.readJsonl('fences')).resolves.toEqual([{ fenceId: 1 }, { fenceId: 2 }]);
    await store.appendJsonl('fences', { fenceId: 4 }, { maxBytes: 10_000 });
    await expect(store.readJsonl('fences')).resolves.toEqual([{ fenceId: 1 }, { fenceId: 2 }, { fenceId: 4 }]);
  });

  it('rejects bad arguments without touching the file', async () => {
    const store = await StateStore.open(root);
    await expect(store.appendJsonl('fences', {}, { maxBytes: 0 })).rejects.toThrow(
      /maxBytes must be a positive integer/,
    );
    await expect(store.appendJsonl('fences', { n: BigInt(1) }, { maxBytes: 100 })).rejects.toThrow(
      /not JSON-serialisable/,
    );
    expect(fs.readdirSync(root)).toEqual([]);
  });

  it('always reads back a gap-free suffix ending with the last record, files within maxBytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ maxLength: 20 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 40, max: 200 }),
        async (notes, maxBytes) => {
          const dir = fs.mkdtempSync(path.join(root, 'p-'));
          const store = await StateStore.open(dir);
          for (let i = 0; i < notes.length; i++) await store.appendJsonl('h', { i, note: notes[i] }, { maxBytes });
          const got = (await store.readJsonl('h')) as { i: number; note: string }[];
          const first = notes.length - got.length;
          expect(got).toEqual(got.map((_, k) => ({ i: first + k, note: notes[first + k] })));
          expect(got.length).toBeGreaterThanOrEqual(1);
          // Nothing is lost before the first rotation: two files hold at least maxBytes of history.
          const lines = notes.map((note, i) => JSON.stringify({ i, note }) + '\n');
          const totalBytes = lines.reduce((n, l) => n + Buffer.byteLength(l), 0);
          if (totalBytes <= maxBytes) expect(got).toHaveLength(notes.length);
          for (const f of fs.readdirSync(dir)) {
            const text = fs.readFileSync(path.join(dir, f), 'utf8');
            const lineCount = text.split('\n').length - 1;
            // A file only exceeds maxBytes when a single line alone does.
            if (Buffer.byteLength(text) > maxBytes) expect(lineCount).toBe(1);
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('parseJsonLines', () => {
  it('never throws and keeps exactly the parseable lines', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.json(), fc.string())), (lines) => {
        const clean = lines.map((l) => l.replace(/\n/g, ' '));
        const expected = clean.flatMap((l) => {
          if (l.trim() === '') return [];
          try {
            return [JSON.parse(l)];
          } catch {
            return [];
          }
        });
        expect(parseJsonLines(clean.join('\n'))).toEqual(expected);
      }),
    );
  });
});
