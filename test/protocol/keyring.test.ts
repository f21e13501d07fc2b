import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  generateKeyFileText,
  keyringFromKeys,
  loadKeyFile,
  parseKeyFile,
  type KeyFileResult,
} from '../../src/protocol/keyring';

const HEX1 = '11'.repeat(32);
const HEX2 = 'aB'.repeat(40);

function errorOf(r: KeyFileResult): string {
  if (r.ok) throw new Error('expected an error');
  return r.error;
}

describe('parseKeyFile', () => {
  it('first key line signs, every key line verifies; comments, blank lines and CRLF are ignored', () => {
    const text = `# heartbeat keys\n\n  7 ${HEX2}   # new key\r\n3 ${HEX1}\n`;
    const r = parseKeyFile(text, 'keys');
    if (!r.ok) throw new Error(r.error);
    expect(r.keyring.signing.keyId).toBe(7);
    expect(r.keyring.signing.key.equals(Buffer.from(HEX2, 'hex'))).toBe(true);
    expect([...r.keyring.keys.keys()]).toEqual([7, 3]);
    expect(r.keyring.keys.get(3)!.equals(Buffer.alloc(32, 0x11))).toBe(true);
  });

  it('names the line and shows what it got', () => {
    const text = `# c\n1 ${HEX1}\n7 abc\n`;
    expect(errorOf(parseKeyFile(text, 'keys'))).toBe('keys:3: expected "<keyId 1-255> <64+ hex chars>", got "7 abc"');
  });

  it.each([
    ['key id 0', `0 ${HEX1}`],
    ['key id 256', `256 ${HEX1}`],
    ['key id with a leading zero', `01 ${HEX1}`],
    ['key id not a number', `x ${HEX1}`],
    ['key of 31 bytes', `1 ${'ab'.repeat(31)}`],
    ['odd number of hex digits', `1 ${HEX1}a`],
    ['non-hex character', `1 ${HEX1.slice(0, -1)}g`],
    ['a third token', `1 ${HEX1} extra`],
    ['no key', '1'],
  ])('rejects %s', (_name, line) => {
    expect(errorOf(parseKeyFile(`${line}\n`, '/etc/edge-ha/keys'))).toMatch(/^\/etc\/edge-ha\/keys:1: expected /);
  });

  it('does not echo a long token that may be a real key into the error', () => {
    const almostKey = 'c0ffee'.repeat(10) + 'abc'; // 63 hex chars
    const err = errorOf(parseKeyFile(`1 ${almostKey}\n`, 'keys'));
    expect(err).not.toContain('c0ffee');
    expect(err).toContain('63 characters hidden');
  });

  it('rejects a duplicate key id and names both lines', () => {
    const err = errorOf(parseKeyFile(`1 ${HEX1}\n\n1 ${HEX2}\n`, 'keys'));
    expect(err).toBe('keys:3: key id 1 is already defined on line 1; each key id may appear once');
  });

  it('rejects a file without key lines and an oversized text', () => {
    expect(errorOf(parseKeyFile('# only a comment\n\n', 'keys'))).toContain('keys: no key lines');
    expect(errorOf(parseKeyFile('#'.repeat(70_000), 'keys'))).toContain('at most');
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const r = parseKeyFile(text, 'keys');
        if (r.ok) expect(r.keyring.keys.size).toBeGreaterThan(0);
        else expect(r.error.startsWith('keys')).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('generateKeyFileText', () => {
  it('produces a file that parses back to the given key', () => {
    const random = Buffer.from(Array.from({ length: 32 }, (_, i) => i * 7));
    const r = parseKeyFile(generateKeyFileText(random, 4), 'keys');
    if (!r.ok) throw new Error(r.error);
    expect(r.keyring.signing.keyId).toBe(4);
    expect(r.keyring.signing.key.equals(random)).toBe(true);
  });

  it('refuses too few random bytes or a bad key id', () => {
    expect(() => generateKeyFileText(Buffer.alloc(31))).toThrow(RangeError);
    expect(() => generateKeyFileText(Buffer.alloc(32), 0)).toThrow(RangeError);
  });
});

describe('keyringFromKeys', () => {
  it('copies the key material and refuses bad input', () => {
    const key = Buffer.alloc(32, 1);
    const ring = keyringFromKeys([{ keyId: 1, key }]);
    key.fill(2);
    expect(ring.signing.key.equals(Buffer.alloc(32, 1))).toBe(true);
    expect(() => keyringFromKeys([])).toThrow(RangeError);
    expect(() => keyringFromKeys([{ keyId: 1, key: Buffer.alloc(16) }])).toThrow(RangeError);
    expect(() => keyringFromKeys([{ keyId: 1, key }, { keyId: 1, key }])).toThrow(RangeError);
  });
});

describe('loadKeyFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'edge-ha-keys-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function keyFile(name: string, text: string, mode: number): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, text);
    await chmod(path, mode);
    return path;
  }

  it.each([0o600, 0o400])('loads a file with mode %o', async (mode) => {
    const path = await keyFile(`ok-${mode.toString(8)}`, `2 ${HEX1}\n`, mode);
    const r = await loadKeyFile(path);
    expect(r.ok && r.keyring.signing.keyId).toBe(2);
  });

  it('refuses a file readable by others, with the fix in the message', async () => {
    const path = await keyFile('open', `2 ${HEX1}\n`, 0o644);
    expect(errorOf(await loadKeyFile(path))).toBe(
      `heartbeat.keyFile: ${path} has mode 0644; expected 0600 or stricter (chmod 600 ${path})`,
    );
  });

  it.each([0o640, 0o604, 0o610, 0o601])('refuses mode %o', async (mode) => {
    const path = await keyFile(`bad-${mode.toString(8)}`, `2 ${HEX1}\n`, mode);
    expect(errorOf(await loadKeyFile(path))).toContain(`has mode 0${mode.toString(8)}`);
  });

  it('reports parse errors with the path and line', async () => {
    const path = await keyFile('garbled', `# k\n2 nothex\n`, 0o600);
    expect(errorOf(await loadKeyFile(path))).toBe(
      `heartbeat.keyFile: ${path}:2: expected "<keyId 1-255> <64+ hex chars>", got "2 nothex"`,
    );
  });

  it('reports a missing file and a directory', async () => {
    const missing = join(dir, 'missing');
    expect(errorOf(await loadKeyFile(missing))).toMatch(new RegExp(`^heartbeat\\.keyFile: ${missing}: cannot open \\(.*ENOENT`));
    const sub = join(dir, 'sub');
    await mkdir(sub, { mode: 0o700 });
    expect(errorOf(await loadKeyFile(sub))).toBe(`heartbeat.keyFile: ${sub} is not a regular file`);
  });
});
