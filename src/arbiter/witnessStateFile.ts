// The witness's state file: which node of each cluster holds a grant. It is
// written (and fsynced) before a grant goes to a new holder, so after a
// restart the witness knows every holder that could still be live and can
// keep renewing it, instead of refusing everyone for one lease and so resetting
// a node that runs alone. Renewals are not written: a restored holder is given
// a full lease from the restart, which covers any renewal made before it.
// Removals (release, expiry) may be written late; a stale holder in the file
// only makes the witness wait one lease for it, which is safe.

import fs from 'node:fs';
import path from 'node:path';
import { ID_PATTERN } from '../protocol/heartbeatCodec';

export const STATE_FILE_MAX_BYTES = 1024 * 1024;
const STATE_VERSION = 1;

export interface WitnessStateContent {
  leaseMs: number;
  holders: Array<{ clusterId: string; nodeId: string }>;
}

export type StateReadResult = { ok: true; state: WitnessStateContent } | { ok: false; error: string };

/** Reads and checks the state file; any problem is an error naming the file (the witness then holds for one lease). */
export function readWitnessState(file: string): StateReadResult {
  let text: string;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return { ok: false, error: `${file} is not a regular file` };
    if (st.size > STATE_FILE_MAX_BYTES) return { ok: false, error: `${file} is ${st.size} bytes; a witness state file is at most ${STATE_FILE_MAX_BYTES}` };
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, error: code === 'ENOENT' ? `${file} does not exist yet` : `cannot read ${file} (${(err as Error).message})` };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `${file} is not valid JSON (${(err as Error).message})` };
  }
  return checkState(data, file);
}

function checkState(data: unknown, file: string): StateReadResult {
  if (typeof data !== 'object' || data === null) return { ok: false, error: `${file}: expected a JSON object` };
  const d = data as Record<string, unknown>;
  if (d.version !== STATE_VERSION) return { ok: false, error: `${file}: version ${JSON.stringify(d.version)}; expected ${STATE_VERSION}` };
  if (typeof d.leaseMs !== 'number' || !Number.isInteger(d.leaseMs) || d.leaseMs < 1) {
    return { ok: false, error: `${file}: leaseMs ${JSON.stringify(d.leaseMs)} is not a positive integer` };
  }
  if (!Array.isArray(d.holders)) return { ok: false, error: `${file}: holders is not a list` };
  const holders: WitnessStateContent['holders'] = [];
  for (const [i, h] of d.holders.entries()) {
    const { clusterId, nodeId } = (h ?? {}) as Record<string, unknown>;
    if (typeof clusterId !== 'string' || !ID_PATTERN.test(clusterId) || typeof nodeId !== 'string' || !ID_PATTERN.test(nodeId)) {
      return { ok: false, error: `${file}: holders[${i}] needs a clusterId and a nodeId matching ${ID_PATTERN}` };
    }
    holders.push({ clusterId, nodeId });
  }
  return { ok: true, state: { leaseMs: d.leaseMs, holders } };
}

/**
 * Replaces the state file atomically (temp file, fsync, rename, fsync of the
 * directory) so a crash leaves either the old or the new content. Returns an
 * error text instead of throwing.
 */
export function writeWitnessState(file: string, state: WitnessStateContent): string | null {
  const tmp = `${file}.tmp-${process.pid}`;
  const body = `${JSON.stringify({ version: STATE_VERSION, leaseMs: state.leaseMs, holders: state.holders }, null, 1)}\n`;
  try {
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      fs.writeSync(fd, body);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
    syncDirectory(path.dirname(file));
    return null;
  } catch (err) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // The temp file may not exist; nothing else to undo.
    }
    return `cannot write the witness state file ${file} (${(err as Error).message})`;
  }
}

function syncDirectory(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
