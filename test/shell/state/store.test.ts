import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StateFileError, StateStore, type Validator } from '../../../src/shell/state';

interface Epoch {
  epoch: number;
}
const validateEpoch: Validator<Epoch> = (x) => {
  const e = (x as { epoch?: unknown } | null)?.epoch;
  return typeof e === 'number' && Number.isInteger(e) && e >= 0 ? { epoch: e } : 'epoch must be a non-negative integer';
};

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'ehs-'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('StateStore.open', () => {
  it('creates a missing directory (and its parents) with mode 0700', async () => {
    const dir = path.join(root, 'a', 'state');
    const store = await StateStore.open(dir);
    expect(store.dir).toBe(dir);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.readdirSync(dir)).toEqual([]); // the write probe is gone
  });

  it('refuses a path that is a file', async () => {
    const file = path.join(root, 'f');
    fs.writeFileSync(file, '');
    await expect(StateStore.open(file)).rejects.toThrow(`state directory ${file} exists but is not a directory`);
  });

  it('refuses a directory it cannot write to', async () => {
    const isRoot = process.getuid?.() === 0;
    // root ignores mode bits, but not sysfs permissions.
    const dir = isRoot ? '/sys/kernel' : path.join(root, 'ro');
    if (!isRoot) fs.mkdirSync(dir, { mode: 0o500 });
    if (!fs.existsSync(dir)) return;
    await expect(StateStore.open(dir)).rejects.toThrow(`state directory ${dir} is not writable: `);
  });
});

describe('StateStore load/save', () => {
  it('returns undefined for a missing record and round-trips a saved one as 0600', async () => {
    const store = await StateStore.open(root);
    await expect(store.load('state', validateEpoch)).resolves.toBeUndefined();
    await store.save('state', { epoch: 7 });
    await expect(store.load('state', validateEpoch)).resolves.toEqual({ epoch: 7 });
    expect(fs.statSync(path.join(root, 'state.json')).mode & 0o777).toBe(0o600);
  });

  it('ignores and removes a .tmp left by a crash mid-write, keeping the last complete value', async () => {
    const store = await StateStore.open(root);
    await store.save('state', { epoch: 3 });
    fs.writeFileSync(path.join(root, 'state.json.tmp'), '{"epoch": 4'); // torn, never renamed
    const reopened = await StateStore.open(root);
    await expect(reopened.load('state', validateEpoch)).resolves.toEqual({ epoch: 3 });
    expect(fs.existsSync(path.join(root, 'state.json.tmp'))).toBe(false);
  });

  it('removes a leftover .tmp even when the record itself was never written', async () => {
    fs.writeFileSync(path.join(root, 'state.json.tmp'), '{"epoch": 9}');
    const store = await StateStore.open(root);
    await expect(store.load('state', validateEpoch)).resolves.toBeUndefined();
    expect(fs.readdirSync(root)).toEqual([]);
  });

  it.each([
    ['corrupt JSON', '{"epoch": 1', /is corrupt: invalid JSON: /],
    ['an empty file', '', /is empty/],
    ['a failed validation', '{"epoch": -1}', /is invalid: epoch must be a non-negative integer/],
  ])('refuses %s with an error naming the file', async (_what, content, pattern) => {
    const file = path.join(root, 'state.json');
    fs.writeFileSync(file, content);
    const store = await StateStore.open(root);
    const err = await store.load('state', validateEpoch).catch((e) => e);
    expect(err).toBeInstanceOf(StateFileError);
    expect(err.file).toBe(file);
    expect(err.message).toContain(`state file ${file} `);
    expect(err.message).toMatch(pattern);
  });

  it('reports a validator that throws, an oversize file and a directory in place of the file', async () => {
    const store = await StateStore.open(root);
    fs.writeFileSync(path.join(root, 'a.json'), '{}');
    await expect(
      store.load('a', () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow(/a\.json is invalid: boom/);
    fs.writeFileSync(path.join(root, 'b.json'), ' '.repeat(1024 * 1024 + 1));
    await expect(store.load('b', validateEpoch)).rejects.toThrow(
      /b\.json is 1048577 bytes, more than the 1048576-byte limit/,
    );
    fs.mkdirSync(path.join(root, 'c.json'));
    await expect(store.load('c', validateEpoch)).rejects.toThrow(/c\.json is not a regular file/);
  });

  it('rejects names that could escape the directory', async () => {
    const store = await StateStore.open(root);
    await expect(store.load('../x', validateEpoch)).rejects.toThrow(/invalid state name/);
    await expect(store.save('a/b', {})).rejects.toThrow(/invalid state name/);
    await expect(store.appendJsonl('.hidden', {}, { maxBytes: 10 })).rejects.toThrow(/invalid state name/);
  });

  it('runs saves and loads one at a time in call order', async () => {
    const store = await StateStore.open(root);
    const saves: Promise<void>[] = [];
    const seen: Promise<Epoch | undefined>[] = [];
    for (let i = 0; i < 20; i++) {
      saves.push(store.save('state', { epoch: i }));
      seen.push(store.load('state', validateEpoch));
    }
    await Promise.all(saves);
    expect((await Promise.all(seen)).map((e) => e?.epoch)).toEqual([...Array(20).keys()]);
    expect(fs.readdirSync(root)).toEqual(['state.json']);
  });

  it('reports a failed save, keeps the old value, cleans up, and keeps working afterwards', async () => {
    const store = await StateStore.open(root);
    await store.save('state', { epoch: 1 });
    // A non-empty directory where the rename must land makes rename(2) fail.
    fs.mkdirSync(path.join(root, 'other.json'));
    fs.writeFileSync(path.join(root, 'other.json', 'x'), '');
    const err = await store.save('other', { epoch: 2 }).catch((e) => e);
    expect(err).toBeInstanceOf(StateFileError);
    expect(err.message).toContain(`cannot save state file ${root}/other.json: renaming ${root}/other.json.tmp failed`);
    expect(fs.existsSync(path.join(root, 'other.json.tmp'))).toBe(false);
    await store.save('state', { epoch: 5 });
    await expect(store.load('state', validateEpoch)).resolves.toEqual({ epoch: 5 });
  });

  it('rejects a value JSON cannot represent', async () => {
    const store = await StateStore.open(root);
    await expect(store.save('state', { n: BigInt(1) })).rejects.toThrow(/value is not JSON-serialisable/);
    await expect(store.save('state', undefined)).rejects.toThrow(/value is not JSON/);
  });
});
