// Secrets for fence devices (an IPMI or PDU password) come from a file that
// only its owner can read, never from the command line, where `ps` and the
// shell history would show them.

import { closeSync, fstatSync, openSync, readSync, constants } from 'node:fs';

/** A password is a line, not a document. */
export const MAX_SECRET_FILE_BYTES = 4096;

export type SecretResult = { ok: true; secret: string } | { ok: false; reason: string };

/** Reads the first line of `path`, refusing a file that group or others may access. Never throws. */
export function readSecretFile(path: string, what = 'password file'): SecretResult {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not hang the command; fstat below refuses it anyway.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    return { ok: false, reason: `${what} ${path} cannot be opened (${(err as NodeJS.ErrnoException).code ?? String(err)})` };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { ok: false, reason: `${what} ${path} is not a regular file` };
    const mode = st.mode & 0o7777;
    if ((mode & 0o077) !== 0) {
      const octal = mode.toString(8).padStart(4, '0');
      return { ok: false, reason: `${what} ${path} has mode ${octal}; expected 0600 or stricter (chmod 600 ${path})` };
    }
    if (st.size > MAX_SECRET_FILE_BYTES) {
      return { ok: false, reason: `${what} ${path} is ${st.size} bytes; expected at most ${MAX_SECRET_FILE_BYTES}` };
    }
    const buf = Buffer.alloc(MAX_SECRET_FILE_BYTES + 1);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const secret = buf.toString('utf8', 0, n).split(/\r?\n/)[0] ?? '';
    if (secret === '') return { ok: false, reason: `${what} ${path} is empty; expected the secret on its first line` };
    if (secret.includes('\0')) return { ok: false, reason: `${what} ${path} contains a NUL byte` };
    return { ok: true, secret };
  } catch (err) {
    return { ok: false, reason: `${what} ${path} cannot be read (${(err as Error).message})` };
  } finally {
    closeSync(fd);
  }
}

/** `text` with every occurrence of `secret` replaced, for anything printed or logged. */
export function redact(text: string, secret: string | null): string {
  if (secret === null || secret === '') return text;
  return text.split(secret).join('***');
}
