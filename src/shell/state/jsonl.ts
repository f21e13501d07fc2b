// Append-only JSON-lines history (used for the fence history): one record per
// line, fsync'ed on every append, with one rotated generation kept.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { errCode, fsyncDir, readTail, StateFileError } from './durableFs';

/** readJsonl never reads more than this from the end of one file. */
export const MAX_JSONL_READ_BYTES = 16 * 1024 * 1024;

const NEWLINE = 0x0a;

async function fileSize(file: string): Promise<number | undefined> {
  try {
    return (await fs.stat(file)).size;
  } catch (err) {
    if (errCode(err) === 'ENOENT') return undefined;
    throw err;
  }
}

/** Whether the last byte of a non-empty file is a newline (false after a torn write). */
async function endsWithNewline(fh: fs.FileHandle, size: number): Promise<boolean> {
  const one = Buffer.alloc(1);
  await fh.read(one, 0, 1, size - 1);
  return one[0] === NEWLINE;
}

/**
 * Appends `line` (which ends in '\n') to `file`. Before a write that would
 * take the file past `maxBytes`, the file becomes `rotated` (replacing the
 * previous one), so a file only exceeds maxBytes when one line alone does.
 */
export async function appendLineDurably(file: string, rotated: string, line: string, maxBytes: number): Promise<void> {
  const dir = path.dirname(file);
  try {
    let size = await fileSize(file);
    const lineBytes = Buffer.byteLength(line);
    if (size !== undefined && size > 0 && size + lineBytes > maxBytes) {
      await fs.rename(file, rotated);
      await fsyncDir(dir);
      size = undefined;
    }
    const fh = await fs.open(file, 'a+', 0o600);
    try {
      // A crash mid-append leaves a torn last line. Start on a fresh line so
      // the torn fragment stays its own (skipped) line instead of corrupting
      // this record as well.
      const prefix = size !== undefined && size > 0 && !(await endsWithNewline(fh, size)) ? '\n' : '';
      await fh.write(prefix + line);
      await fh.sync();
    } finally {
      await fh.close().catch(() => undefined);
    }
    // A new file's directory entry must be durable too.
    if (size === undefined) await fsyncDir(dir);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new StateFileError(file, `cannot append to ${file}: ${message}`);
  }
}

/** Parses JSON lines, skipping blank and unparseable ones (a torn last line). */
export function parseJsonLines(text: string): unknown[] {
  const records: unknown[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line));
    } catch {
      // A torn write; the next line starts fresh (see appendLineDurably).
    }
  }
  return records;
}

/** Reads the rotated file then the current one; returns at most the last `limit` records, newest last. */
export async function readJsonLines(file: string, rotated: string, limit: number): Promise<unknown[]> {
  const records: unknown[] = [];
  for (const f of [rotated, file]) {
    const text = await readTail(f, MAX_JSONL_READ_BYTES);
    if (text !== undefined) records.push(...parseJsonLines(text));
  }
  return limit >= records.length ? records : records.slice(records.length - limit);
}
