import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MAX_SECRET_FILE_BYTES, readSecretFile, redact } from '../../../src/shell/fence/secretFile';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-ha-secret-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer, mode: number): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  fs.chmodSync(p, mode);
  return p;
}

test('the first line of an owner-only file is the secret (0600 and 0400 both accepted)', () => {
  expect(readSecretFile(file('a', 's3cret pass\r\nsecond line\n', 0o600))).toEqual({ ok: true, secret: 's3cret pass' });
  expect(readSecretFile(file('b', 'x', 0o400))).toEqual({ ok: true, secret: 'x' });
});

test.each([
  ['0640', 0o640],
  ['0604', 0o604],
  ['0610', 0o610],
])('mode %s is refused with the chmod to run', (octal, mode) => {
  const p = file(`loose-${octal}`, 'pw\n', mode);
  expect(readSecretFile(p)).toEqual({ ok: false, reason: `password file ${p} has mode ${octal}; expected 0600 or stricter (chmod 600 ${p})` });
});

test('missing, empty, oversized, directory and FIFO are each refused with a reason', () => {
  expect(readSecretFile(path.join(dir, 'none'))).toMatchObject({ ok: false, reason: expect.stringContaining('cannot be opened (ENOENT)') });
  expect(readSecretFile(file('empty', '\nnext', 0o600))).toMatchObject({ ok: false, reason: expect.stringContaining('is empty') });
  expect(readSecretFile(file('big', Buffer.alloc(MAX_SECRET_FILE_BYTES + 1, 0x61), 0o600))).toMatchObject({
    ok: false,
    reason: expect.stringContaining(`expected at most ${MAX_SECRET_FILE_BYTES}`),
  });
  expect(readSecretFile(dir)).toMatchObject({ ok: false });
  const fifo = path.join(dir, 'fifo');
  execFileSync('mkfifo', ['-m', '600', fifo]);
  expect(readSecretFile(fifo)).toMatchObject({ ok: false, reason: expect.stringContaining('is not a regular file') });
});

test('redact replaces every occurrence and leaves text without the secret alone', () => {
  expect(redact('pw=abc; again abc', 'abc')).toBe('pw=***; again ***');
  expect(redact('nothing here', 'abc')).toBe('nothing here');
  expect(redact('abc', null)).toBe('abc');
});
