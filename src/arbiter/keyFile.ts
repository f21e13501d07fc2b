// The arbiter's key file has the heartbeat key file's format and rules
// (parseKeyFile in src/protocol/keyring.ts); this loader only names the file
// by the option it came from, so an error says "witness --key-file", not
// "heartbeat.keyFile".

import fs from 'node:fs';
import { KEY_FILE_MAX_BYTES, parseKeyFile, type KeyFileResult } from '../protocol/keyring';

/** Reads, permission-checks and parses a key file. Never throws. */
export function loadArbiterKeyFile(file: string, label: string): KeyFileResult {
  const prefix = `${label}: ${file}`;
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    return { ok: false, error: `${prefix}: cannot open (${(err as Error).message})` };
  }
  try {
    // fstat on the open descriptor, so the file checked is the file read.
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return { ok: false, error: `${prefix} is not a regular file` };
    const mode = st.mode & 0o7777;
    if ((mode & 0o077) !== 0) {
      // Anyone who can read the key can forge grants and refusals.
      return { ok: false, error: `${prefix} has mode ${mode.toString(8).padStart(4, '0')}; expected 0600 or stricter (chmod 600 ${file})` };
    }
    if (st.size > KEY_FILE_MAX_BYTES) return { ok: false, error: `${prefix} is ${st.size} bytes; a key file is at most ${KEY_FILE_MAX_BYTES}` };
    const parsed = parseKeyFile(fs.readFileSync(fd, 'utf8'), file);
    return parsed.ok ? parsed : { ok: false, error: `${label}: ${parsed.error}` };
  } catch (err) {
    return { ok: false, error: `${prefix}: cannot read (${(err as Error).message})` };
  } finally {
    fs.closeSync(fd);
  }
}
