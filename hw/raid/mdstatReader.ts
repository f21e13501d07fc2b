// Thin I/O shell around parseMdstat: read /proc/mdstat (or an injected path)
// with a size bound and a timeout, and hand back the parse or a typed error.
// It never throws; a missing file means the md driver is not loaded.

import { open } from 'node:fs/promises';
import { MDSTAT_MAX_CHARS, parseMdstat } from './mdstat';
import type { MdstatResult } from './mdstatTypes';

export const MDSTAT_PATH = '/proc/mdstat';
export const MDSTAT_READ_TIMEOUT_MS = 2000;

export type MdstatReadErrorCode = 'not-found' | 'timeout' | 'io';

export interface MdstatReadError {
  code: MdstatReadErrorCode;
  message: string;
}

export type MdstatReadResult =
  | { ok: true; path: string; mdstat: MdstatResult }
  | { ok: false; path: string; error: MdstatReadError };

/** Reads at most maxBytes of a file; the default is a bounded FileHandle read loop. */
export type BoundedFileReader = (path: string, maxBytes: number) => Promise<Buffer>;

export interface MdstatReaderOptions {
  path?: string;
  timeoutMs?: number;
  maxBytes?: number;
  /** Injected for tests (a reader that hangs, fails or returns canned text). */
  readFile?: BoundedFileReader;
}

/**
 * Read at most maxBytes. /proc files report size 0, so read until EOF
 * instead of trusting stat. The handle is closed even when the caller has
 * given up on a timeout (close waits for the pending read, so do not await it there).
 */
export const readBounded: BoundedFileReader = async (path, maxBytes) => {
  const handle = await open(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    while (total < maxBytes) {
      const chunk = Buffer.alloc(Math.min(64 * 1024, maxBytes - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
    }
    return Buffer.concat(chunks, total);
  } finally {
    void handle.close().catch(() => undefined);
  }
};

export async function readMdstat(options: MdstatReaderOptions = {}): Promise<MdstatReadResult> {
  const path = options.path ?? MDSTAT_PATH;
  const timeoutMs = options.timeoutMs ?? MDSTAT_READ_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? MDSTAT_MAX_CHARS;
  const reader = options.readFile ?? readBounded;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    // One byte more than allowed tells "exactly maxBytes" from "cut off".
    const outcome = await Promise.race([reader(path, maxBytes + 1), timeout]);
    if (outcome === 'timeout') {
      return { ok: false, path, error: { code: 'timeout', message: `reading ${path} took longer than ${timeoutMs} ms` } };
    }
    const mdstat = parseMdstat(outcome.subarray(0, maxBytes).toString('utf8'));
    if (outcome.length > maxBytes) mdstat.errors.unshift(`${path} is longer than ${maxBytes} bytes; only the start was parsed`);
    return { ok: true, path, mdstat };
  } catch (err) {
    return { ok: false, path, error: describeReadError(path, err) };
  } finally {
    clearTimeout(timer);
  }
}

function describeReadError(path: string, err: unknown): MdstatReadError {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const detail = err instanceof Error ? err.message : String(err);
  if (code === 'ENOENT') {
    return { code: 'not-found', message: `${path} does not exist (md driver not loaded, or wrong path): ${detail}` };
  }
  return { code: 'io', message: `cannot read ${path}: ${detail}` };
}
