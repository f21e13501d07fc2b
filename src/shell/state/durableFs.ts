// Small durable-file primitives for the state store. The daemon persists its
// epoch and fence records here; losing a write that was reported as done
// could let two nodes own the service, so every step that makes data durable
// (fsync of the file, rename, fsync of the directory) is checked.
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** A state file could not be read, parsed, validated or written. `file` is its absolute path. */
export class StateFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = 'StateFileError';
  }
}

export function errCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** fsync a directory so a rename or a new entry in it survives a power cut. */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await fs.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Runs one step of a write; a failure names the file and the step. */
async function step<T>(file: string, what: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    throw new StateFileError(file, `cannot save state file ${file}: ${what} failed: ${errMessage(err)}`);
  }
}

/**
 * Replaces `file` atomically and durably: write `<file>.tmp` (0600), fsync
 * it, rename it over `file`, fsync the directory. A crash at any point leaves
 * either the old content or the new one, plus perhaps a stray .tmp file.
 */
export async function writeFileDurably(file: string, data: string): Promise<void> {
  const tmp = `${file}.tmp`;
  try {
    const fh = await step(file, `creating ${tmp}`, () => fs.open(tmp, 'w', 0o600));
    try {
      await step(file, `writing ${tmp}`, () => fh.writeFile(data, 'utf8'));
      await step(file, `fsync of ${tmp}`, () => fh.sync());
    } finally {
      await fh.close().catch(() => undefined); // an earlier step's error is the one to report
    }
    await step(file, `renaming ${tmp}`, () => fs.rename(tmp, file));
  } catch (err) {
    await fs.unlink(tmp).catch(() => undefined);
    throw err;
  }
  await step(file, `fsync of directory ${path.dirname(file)}`, () => fsyncDir(path.dirname(file)));
}

/**
 * Reads a whole file as UTF-8 if it exists and is at most `maxBytes`.
 * Returns undefined if it does not exist.
 */
export async function readFileBounded(file: string, maxBytes: number): Promise<string | undefined> {
  let fh;
  try {
    fh = await fs.open(file, 'r');
  } catch (err) {
    if (errCode(err) === 'ENOENT') return undefined;
    throw new StateFileError(file, `cannot read state file ${file}: ${errMessage(err)}`);
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new StateFileError(file, `state file ${file} is not a regular file`);
    if (st.size > maxBytes) {
      throw new StateFileError(file, `state file ${file} is ${st.size} bytes, more than the ${maxBytes}-byte limit`);
    }
    const buf = Buffer.alloc(st.size);
    const { bytesRead } = await fh.read(buf, 0, st.size, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } catch (err) {
    if (err instanceof StateFileError) throw err;
    throw new StateFileError(file, `cannot read state file ${file}: ${errMessage(err)}`);
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/**
 * Reads at most the last `maxBytes` of a file (undefined if missing). When
 * the file is longer, the partial first line of the tail is dropped.
 */
export async function readTail(file: string, maxBytes: number): Promise<string | undefined> {
  let fh;
  try {
    fh = await fs.open(file, 'r');
  } catch (err) {
    if (errCode(err) === 'ENOENT') return undefined;
    throw new StateFileError(file, `cannot read ${file}: ${errMessage(err)}`);
  }
  try {
    const st = await fh.stat();
    const start = Math.max(0, st.size - maxBytes);
    const buf = Buffer.alloc(st.size - start);
    const { bytesRead } = await fh.read(buf, 0, buf.length, start);
    let text = buf.subarray(0, bytesRead).toString('utf8');
    if (start > 0) text = text.slice(text.indexOf('\n') + 1);
    return text;
  } catch (err) {
    throw new StateFileError(file, `cannot read ${file}: ${errMessage(err)}`);
  } finally {
    await fh.close().catch(() => undefined);
  }
}
