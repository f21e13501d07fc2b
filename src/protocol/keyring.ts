// Shared heartbeat keys: parsed from the key file, held in memory as raw
// Buffers (parsed once, so no datagram re-parses hex) and looked up by the
// one-byte key id carried in every datagram.

import { promises as fsp } from 'node:fs';

/** The key that signs our outgoing heartbeats (the first key line of the file). */
export interface SigningKey {
  readonly keyId: number;
  readonly key: Buffer;
}

/** Every key that verifies incoming heartbeats, by key id; includes the signing key. */
export interface Keyring {
  readonly signing: SigningKey;
  readonly keys: ReadonlyMap<number, Buffer>;
}

export type KeyFileResult = { ok: true; keyring: Keyring } | { ok: false; error: string };

export const KEY_ID_MIN = 1;
export const KEY_ID_MAX = 255;
/** HMAC-SHA256 keys shorter than the hash output weaken it (RFC 2104 §3). */
export const KEY_MIN_BYTES = 32;
/** A key file is a handful of short lines; anything bigger is not a key file. */
export const KEY_FILE_MAX_BYTES = 64 * 1024;

const EXPECTED_LINE = '"<keyId 1-255> <64+ hex chars>"';
const KEY_ID_TEXT = /^[1-9][0-9]{0,2}$/;
const HEX_TEXT = /^[0-9a-fA-F]+$/;

/**
 * Builds a keyring from keys our own code produced; the first entry signs.
 * Throws RangeError on bad input because that is a bug, not an operator error
 * (operator input goes through parseKeyFile, which returns errors instead).
 */
export function keyringFromKeys(entries: ReadonlyArray<{ keyId: number; key: Buffer }>): Keyring {
  if (entries.length === 0) throw new RangeError('keyringFromKeys: at least one key is needed');
  const keys = new Map<number, Buffer>();
  for (const { keyId, key } of entries) {
    if (!Number.isInteger(keyId) || keyId < KEY_ID_MIN || keyId > KEY_ID_MAX) {
      throw new RangeError(`keyringFromKeys: key id ${keyId} is not an integer in ${KEY_ID_MIN}..${KEY_ID_MAX}`);
    }
    if (key.length < KEY_MIN_BYTES) {
      throw new RangeError(`keyringFromKeys: key ${keyId} has ${key.length} bytes; at least ${KEY_MIN_BYTES} needed`);
    }
    if (keys.has(keyId)) throw new RangeError(`keyringFromKeys: key id ${keyId} appears twice`);
    // Copy so a caller reusing its buffer cannot change our key underneath us.
    keys.set(keyId, Buffer.from(key));
  }
  const first = entries[0]!;
  return { signing: { keyId: first.keyId, key: keys.get(first.keyId)! }, keys };
}

/**
 * Parses a key file body: one `<keyId> <hex>` per line, `#` starts a comment,
 * blank lines are ignored. The first key line signs; every key line verifies.
 * Never throws; errors name the file and line (`keys:3: ...`).
 */
export function parseKeyFile(text: string, fileNameForErrors: string): KeyFileResult {
  if (text.length > KEY_FILE_MAX_BYTES) {
    return { ok: false, error: `${fileNameForErrors}: ${text.length} characters; a key file is at most ${KEY_FILE_MAX_BYTES}` };
  }
  const entries: Array<{ keyId: number; key: Buffer }> = [];
  const lineOfKeyId = new Map<number, number>();
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i]!;
    const hash = raw.indexOf('#');
    const content = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    if (content === '') continue;
    const parsed = parseKeyLine(content);
    if (parsed === null) {
      return { ok: false, error: `${fileNameForErrors}:${lineNo}: expected ${EXPECTED_LINE}, got "${describeBadLine(content)}"` };
    }
    const earlier = lineOfKeyId.get(parsed.keyId);
    if (earlier !== undefined) {
      return {
        ok: false,
        error: `${fileNameForErrors}:${lineNo}: key id ${parsed.keyId} is already defined on line ${earlier}; each key id may appear once`,
      };
    }
    lineOfKeyId.set(parsed.keyId, lineNo);
    entries.push(parsed);
  }
  if (entries.length === 0) {
    return { ok: false, error: `${fileNameForErrors}: no key lines; expected at least one ${EXPECTED_LINE}` };
  }
  return { ok: true, keyring: keyringFromKeys(entries) };
}

function parseKeyLine(content: string): { keyId: number; key: Buffer } | null {
  const parts = content.split(/\s+/);
  if (parts.length !== 2) return null;
  const [idText, hex] = parts as [string, string];
  if (!KEY_ID_TEXT.test(idText)) return null;
  const keyId = Number(idText);
  if (keyId < KEY_ID_MIN || keyId > KEY_ID_MAX) return null;
  if (hex.length < KEY_MIN_BYTES * 2 || hex.length % 2 !== 0 || !HEX_TEXT.test(hex)) return null;
  return { keyId, key: Buffer.from(hex, 'hex') };
}

/**
 * Echoes a rejected line so the operator can find it, but not a long second
 * token: that is most likely a real key with a typo, and error messages end
 * up in logs.
 */
function describeBadLine(content: string): string {
  const SHOW_MAX_CHARS = 16;
  const m = /^(\S+)(\s+)(.*)$/.exec(content);
  if (m === null) return content.length <= SHOW_MAX_CHARS ? content : `${content.slice(0, SHOW_MAX_CHARS)}...`;
  const first = m[1]!.length <= SHOW_MAX_CHARS ? m[1]! : `${m[1]!.slice(0, SHOW_MAX_CHARS)}...`;
  const rest = m[3]!;
  return rest.length <= 8 ? `${first} ${rest}` : `${first} <${rest.length} characters hidden>`;
}

/**
 * Reads and parses the key file named by `heartbeat.keyFile`. Refuses a file
 * that grants any permission to group or others: the key lets anyone on the
 * heartbeat network forge "I am alive" and so block a failover.
 */
export async function loadKeyFile(path: string): Promise<KeyFileResult> {
  const prefix = `heartbeat.keyFile: ${path}`;
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(path, 'r');
  } catch (err) {
    return { ok: false, error: `${prefix}: cannot open (${errorText(err)})` };
  }
  try {
    // fstat on the open handle, so the checked file is the file we read.
    const st = await handle.stat();
    if (!st.isFile()) return { ok: false, error: `${prefix} is not a regular file` };
    const mode = st.mode & 0o7777;
    if ((mode & 0o077) !== 0) {
      const octal = mode.toString(8).padStart(4, '0');
      return { ok: false, error: `${prefix} has mode ${octal}; expected 0600 or stricter (chmod 600 ${path})` };
    }
    if (st.size > KEY_FILE_MAX_BYTES) {
      return { ok: false, error: `${prefix} is ${st.size} bytes; a key file is at most ${KEY_FILE_MAX_BYTES}` };
    }
    const text = await handle.readFile({ encoding: 'utf8' });
    const parsed = parseKeyFile(text, path);
    return parsed.ok ? parsed : { ok: false, error: `heartbeat.keyFile: ${parsed.error}` };
  } catch (err) {
    return { ok: false, error: `${prefix}: cannot read (${errorText(err)})` };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * A fresh key file body holding one key made from `randomBytes` (the caller
 * draws them, e.g. crypto.randomBytes(32), so this stays deterministic).
 */
export function generateKeyFileText(randomBytes: Buffer, keyId = 1): string {
  if (randomBytes.length < KEY_MIN_BYTES) {
    throw new RangeError(`generateKeyFileText: ${randomBytes.length} random bytes; at least ${KEY_MIN_BYTES} needed`);
  }
  if (!Number.isInteger(keyId) || keyId < KEY_ID_MIN || keyId > KEY_ID_MAX) {
    throw new RangeError(`generateKeyFileText: key id ${keyId} is not an integer in ${KEY_ID_MIN}..${KEY_ID_MAX}`);
  }
  return [
    '# edge-ha heartbeat keys: one "<keyId 1-255> <hex key>" per line.',
    '# The first key line signs outgoing heartbeats; every listed key is accepted.',
    '# Install the same file on both nodes with mode 0600 (chmod 600).',
    '# Rotation steps: docs/heartbeat-protocol.md.',
    `${keyId} ${randomBytes.toString('hex')}`,
    '',
  ].join('\n');
}
