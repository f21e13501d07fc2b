// The ioctl helper: its reply parser (untrusted text), and the real C
// program built with build.sh run against a file that is not a watchdog
// (it must fail cleanly with ENOTTY). Skips the native part without cc.

import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { locateWdctl, parseWdctlLine, spawnWdctl } from '../../../hw/watchdog/wdctl';

const BUILD = join(__dirname, '..', '..', '..', 'hw', 'watchdog', 'native', 'build.sh');

describe('parseWdctlLine', () => {
  it('reads ok fields, quoted values and escapes', () => {
    const r = parseWdctlLine('ok options=0x8180 firmware=0 identity="Soft \\"dog\\x21" timeout=60 timeleft=unsupported');
    expect(r).toEqual({ ok: true, fields: { options: '0x8180', firmware: '0', identity: 'Soft "dog!', timeout: '60', timeleft: 'unsupported' } });
  });

  it('reads an error line', () => {
    const r = parseWdctlLine('error op="WDIOC_GETSUPPORT" errno=ENOTTY errnum=25 message="not a watchdog"');
    expect(r).toEqual({ ok: false, op: 'WDIOC_GETSUPPORT', errno: 'ENOTTY', message: 'not a watchdog' });
  });

  it('rejects other text with a reason', () => {
    expect(parseWdctlLine('hello')).toMatchObject({ ok: false, op: 'parse-reply', message: expect.stringContaining('does not start with') });
    expect(parseWdctlLine('ok a="open')).toMatchObject({ ok: false, message: expect.stringContaining('unterminated') });
    expect(parseWdctlLine(`ok ${'x'.repeat(2000)}`)).toMatchObject({ ok: false, message: expect.stringContaining('longer than') });
  });

  it('never throws and round-trips quoted values', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => void parseWdctlLine(s)));
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (v) => {
        const quoted = [...v].map((c) => (c === '"' || c === '\\' ? `\\${c}` : c.charCodeAt(0) < 0x20 || c.charCodeAt(0) > 0x7e ? `\\x${(c.charCodeAt(0) & 0xff).toString(16).padStart(2, '0')}` : c)).join('');
        const r = parseWdctlLine(`ok identity="${quoted}"`);
        expect(r.ok).toBe(true);
        if (r.ok) expect(r.fields.identity).toBe([...v].map((c) => String.fromCharCode(c.charCodeAt(0) > 0x7e ? c.charCodeAt(0) & 0xff : c.charCodeAt(0))).join(''));
      }),
    );
  });
});

describe('locateWdctl', () => {
  it('says where it looked and how to build when the helper is missing', async () => {
    const r = await locateWdctl({ path: '/nonexistent/edge-ha-wdctl' });
    expect(r.available).toBe(false);
    if (!r.available) {
      expect(r.why).toContain('/nonexistent/edge-ha-wdctl');
      expect(r.why).toMatch(/build\.sh|no C compiler/);
    }
  });
});

const HAVE_CC = spawnSync('sh', ['-c', 'command -v cc']).status === 0;

(HAVE_CC ? describe : describe.skip)('edge-ha-wdctl (native; needs cc)', () => {
  let dir: string;
  let binary: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'edge-ha-wdctl-'));
    binary = execFileSync(BUILD, { encoding: 'utf8' }).trim();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const native = it;

  native('build.sh produces a binary that locateWdctl finds by default', async () => {
    const r = await locateWdctl();
    expect(r.available).toBe(true);
    if (r.available) expect(r.helper.path).toBe(binary);
  });

  native('fails cleanly with ENOTTY on a file that is not a watchdog (fd passed from Node)', async () => {
    const file = join(dir, 'not-a-watchdog');
    writeFileSync(file, '');
    const fd = openSync(file, 'w');
    try {
      const helper = spawnWdctl(binary);
      for (const args of [['info'], ['get-timeout'], ['get-bootstatus'], ['set-timeout', '30']]) {
        const r = await helper.run(fd, args);
        expect(r).toMatchObject({ ok: false, errno: 'ENOTTY' });
        if (!r.ok) expect(r.message).toContain('not a watchdog device');
      }
      const bad = await helper.run(fd, ['set-timeout', '0']);
      expect(bad).toMatchObject({ ok: false, op: 'parse', errno: 'EINVAL' });
      const ka = await helper.run(fd, ['keepalive']);
      expect(ka).toEqual({ ok: true, fields: { keepalive: '1' } });
    } finally {
      closeSync(fd);
    }
  });

  native('serve mode answers one line per command and ends on V with a magic close', async () => {
    const file = join(dir, 'served');
    writeFileSync(file, '');
    const out = execFileSync(binary, ['--dev', file, 'serve'], { input: 'k\ng\nbogus\nk\nV\nk\n', encoding: 'utf8' });
    const lines = out.trim().split('\n').map(parseWdctlLine);
    expect(lines.map((l) => l.ok)).toEqual([true, false, false, true, true]);
    expect(lines[4]).toEqual({ ok: true, fields: { released: '1' } });
    // Keepalives then the magic 'V' last; nothing after V was processed.
    expect(readFileSync(file, 'utf8')).toBe('kkV');
  });

  native('names the path when the device cannot be opened', async () => {
    let text = '';
    try {
      execFileSync(binary, ['--dev', join(dir, 'missing'), 'info'], { encoding: 'utf8' });
    } catch (err) {
      text = (err as { stdout: string }).stdout;
    }
    expect(parseWdctlLine(text)).toMatchObject({ ok: false, errno: 'ENOENT', op: `open ${join(dir, 'missing')}` });
  });
});
