// The thin reader: real files (temp dir), a missing file, a hanging read
// (injected), a failing read, and the size bound.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBounded, readMdstat, type BoundedFileReader } from '../../../hw/raid/mdstatReader';

const FIXTURE = join(__dirname, 'fixtures', 'mdstat', 'mdstat-failed');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'edge-ha-mdstat-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readMdstat', () => {
  it('reads and parses a file at an injected path', async () => {
    const r = await readMdstat({ path: FIXTURE });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.path).toBe(FIXTURE);
    expect(r.mdstat.arrays.map((a) => [a.name, a.level, a.map])).toEqual([['md0', 'raid5', 'U_U']]);
  });

  it('says not-found for a missing file, naming the path', async () => {
    const path = join(dir, 'nope');
    const r = await readMdstat({ path });
    expect(r).toMatchObject({ ok: false, path, error: { code: 'not-found' } });
    if (!r.ok) expect(r.error.message).toContain(`${path} does not exist`);
  });

  it('says io for a path that cannot be read as a file', async () => {
    const r = await readMdstat({ path: dir });
    expect(r).toMatchObject({ ok: false, error: { code: 'io' } });
    if (!r.ok) expect(r.error.message).toContain(`cannot read ${dir}`);
  });

  it('gives up after timeoutMs when the read hangs', async () => {
    const hang: BoundedFileReader = () => new Promise<Buffer>(() => undefined);
    const started = Date.now();
    const r = await readMdstat({ path: '/proc/mdstat', timeoutMs: 50, readFile: hang });
    expect(r).toEqual({ ok: false, path: '/proc/mdstat', error: { code: 'timeout', message: 'reading /proc/mdstat took longer than 50 ms' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  it('turns a rejected read into an io error', async () => {
    const fail: BoundedFileReader = () => Promise.reject(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }));
    const r = await readMdstat({ readFile: fail });
    expect(r).toEqual({ ok: false, path: '/proc/mdstat', error: { code: 'io', message: 'cannot read /proc/mdstat: EIO: i/o error' } });
  });

  it('parses only maxBytes and says the file was longer', async () => {
    const path = join(dir, 'long');
    writeFileSync(path, `Personalities : [raid1]\n${'#'.repeat(200)}\n`);
    const r = await readMdstat({ path, maxBytes: 30 });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.mdstat.errors[0]).toBe(`${path} is longer than 30 bytes; only the start was parsed`);
    expect(r.mdstat.personalities).toEqual(['raid1']);
  });

  it('does not report truncation for a file of exactly maxBytes', async () => {
    const path = join(dir, 'exact');
    const text = 'Personalities : [raid1]\n';
    writeFileSync(path, text);
    const r = await readMdstat({ path, maxBytes: text.length });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.mdstat.errors).toEqual([]);
  });
});

describe('readBounded', () => {
  it('reads until EOF in chunks and stops at maxBytes', async () => {
    const path = join(dir, 'big');
    writeFileSync(path, Buffer.alloc(200 * 1024, 0x61));
    expect((await readBounded(path, 1024 * 1024)).length).toBe(200 * 1024);
    expect((await readBounded(path, 70 * 1024)).length).toBe(70 * 1024);
  });
});
