process.env.TZ = 'UTC'; // pretty lines show local time

import fc from 'fast-check';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger, type LoggerOptions, MAX_RATE_KEYS, RateLimiter } from '../../../src/shell/log';

const T0 = Date.UTC(2024, 0, 2, 17, 55, 14, 123);

function capture(isTTY = false): { lines: string[]; stream: { write(s: string): boolean; isTTY: boolean } } {
  const lines: string[] = [];
  return { lines, stream: { isTTY, write: (s: string) => (lines.push(s), true) } };
}

function logger(over: Partial<LoggerOptions> = {}, isTTY = false) {
  const cap = capture(isTTY);
  let now = T0;
  const log = createLogger({
    level: 'debug',
    format: 'json',
    node: 'node-a',
    stream: cap.stream,
    clock: () => now,
    ...over,
  });
  return { log, lines: cap.lines, setNow: (ms: number) => (now = ms) };
}

describe('JSON format', () => {
  it('writes one line with ts, level, node, event first, then child fields, then call fields', () => {
    const { log, lines } = logger();
    log.child({ component: 'core' }).info('transition', { msg: 'standby -> active', 404: 'x', epoch: 4 });
    expect(lines).toEqual([
      '{"ts":"2024-01-02T17:55:14.123Z","level":"info","node":"node-a","event":"transition",' +
        // JavaScript itself enumerates the integer-like key 404 first within the call's fields.
        '"component":"core","404":"x","msg":"standby -> active","epoch":4}\n',
    ]);
  });

  it('keeps a field named like a fixed key under another name instead of overwriting it', () => {
    const { log, lines } = logger();
    log.warn('x', { level: 'fake', ts: 1 });
    expect(JSON.parse(lines[0] as string)).toMatchObject({ level: 'warn', _level: 'fake', _ts: 1 });
  });

  it('never throws and always writes one parseable line, whatever the fields hold', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const err = Object.assign(new Error('boom', { cause: new Error('root') }), { code: 'EIO' });
    const { log, lines } = logger();
    log.error('weird', { big: BigInt(12), cyclic, err, nan: NaN, fn: () => 1, buf: Buffer.from([1, 2]), u: undefined });
    const parsed = JSON.parse(lines[0] as string);
    expect(parsed).toMatchObject({
      big: '12',
      cyclic: { a: 1, self: '[Circular]' },
      err: { name: 'Error', message: 'boom', code: 'EIO', cause: { message: 'root' } },
      nan: 'NaN',
      buf: '0102',
    });
    expect('u' in parsed).toBe(false);
    fc.assert(
      fc.property(fc.string(), fc.dictionary(fc.string(), fc.anything()), (event, fields) => {
        const before = lines.length;
        log.info(event, fields);
        expect(lines.length).toBe(before + 1);
        const line = lines[lines.length - 1] as string;
        expect(line.endsWith('\n') && !line.slice(0, -1).includes('\n')).toBe(true);
        expect(line).toMatch(/^\{"ts":"[^"]+","level":"info","node":"node-a","event":/);
        expect(JSON.parse(line).event).toBe(event);
      }),
    );
  });
});

describe('pretty format', () => {
  it('renders time, padded level, node, event and "msg: reason", then other fields', () => {
    const { log, lines } = logger({ format: 'pretty' });
    log.info('transition', { reason: 'peer lost on all paths', msg: 'standby -> active', epoch: 4, path: 'lan a' });
    expect(lines).toEqual([
      '17:55:14.123 INFO  node-a transition standby -> active: peer lost on all paths epoch=4 path="lan a"\n',
    ]);
  });

  it('uses colour only on a TTY, and auto picks pretty on a TTY and JSON elsewhere', () => {
    const tty = logger({ format: 'auto' }, true);
    tty.log.warn('x', { msg: 'y' });
    expect(tty.log.format).toBe('pretty');
    expect(tty.lines[0]).toContain('\x1b[33mWARN \x1b[0m');

    const pipe = logger({ format: 'auto' }, false);
    pipe.log.warn('x');
    expect(pipe.log.format).toBe('json');
    expect(JSON.parse(pipe.lines[0] as string).level).toBe('warn');

    const forced = logger({ format: 'pretty' }, false);
    forced.log.warn('x');
    expect(forced.lines[0]).not.toContain('\x1b');
  });

  it('escapes control characters so one event stays one line and cannot drive the terminal', () => {
    const { log, lines } = logger({ format: 'pretty' }, true);
    log.error('bad-datagram', { msg: 'from peer\n\x1b[2Jhi' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('from peer\\x0a\\x1b[2Jhi');
    expect((lines[0] as string).slice(0, -1)).not.toContain('\n');
  });
});

describe('levels', () => {
  it('drops lines below the level; setLevel on a child applies to the whole family', () => {
    const { log, lines } = logger({ level: 'warn' });
    const child = log.child({ c: 1 });
    log.debug('a');
    child.info('b');
    log.warn('c');
    child.error('d');
    expect(lines.map((l) => JSON.parse(l).event)).toEqual(['c', 'd']);
    child.setLevel('debug');
    log.debug('e');
    expect(log.level).toBe('debug');
    expect(lines.map((l) => JSON.parse(l).event)).toEqual(['c', 'd', 'e']);
    expect(() => createLogger({ level: 'loud' as never, format: 'json' })).toThrow(/unknown log level "loud"/);
  });
});

describe('rate limiting', () => {
  it('allows one line per interval and reports how many were held back on the next allowed line', () => {
    const { log, lines, setNow } = logger();
    const attempt = (): void => {
      if (log.rateLimit('path-down:lan', 1000)) log.warn('path-down', { path: 'lan' });
    };
    attempt();
    for (let i = 1; i <= 12; i++) {
      setNow(T0 + i * 50);
      attempt();
    }
    setNow(T0 + 1000);
    attempt();
    setNow(T0 + 2500);
    attempt();
    const parsed = lines.map((l) => JSON.parse(l));
    expect(parsed).toHaveLength(3);
    expect(parsed[0].suppressed).toBeUndefined();
    expect(parsed[1].suppressed).toBe(12);
    expect(parsed[2].suppressed).toBeUndefined();
    // Keys are independent.
    expect(log.rateLimit('other', 1000)).toBe(true);
  });

  it('does not attach the count to an unrelated later line', async () => {
    const { log, lines, setNow } = logger();
    log.rateLimit('k', 1000);
    log.rateLimit('k', 1000);
    setNow(T0 + 1000);
    expect(log.rateLimit('k', 1000)).toBe(true); // allowed, but the caller logs nothing now
    await Promise.resolve();
    log.info('later');
    expect(JSON.parse(lines[0] as string).suppressed).toBeUndefined();
  });

  it('lets a line through when the clock steps backwards, and bounds the number of keys', () => {
    const limiter = new RateLimiter();
    expect(limiter.check('k', 1000, 5000)).toEqual({ allowed: true, suppressed: 0 });
    expect(limiter.check('k', 1000, 5500)).toEqual({ allowed: false });
    expect(limiter.check('k', 1000, 1000)).toEqual({ allowed: true, suppressed: 1 });
    for (let i = 0; i < MAX_RATE_KEYS + 50; i++) limiter.check(`key-${i}`, 1000, 0);
    expect(limiter.size).toBe(MAX_RATE_KEYS);
  });
});

describe('output', () => {
  it('writes synchronously to the descriptor when the stream has one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ehl-'));
    const file = path.join(dir, 'log');
    const fd = fs.openSync(file, 'a');
    const write = jest.fn();
    try {
      const log = createLogger({ level: 'info', format: 'json', stream: { fd, write }, clock: () => T0 });
      log.info('started', { pid: 1 });
      expect(fs.readFileSync(file, 'utf8')).toBe(
        '{"ts":"2024-01-02T17:55:14.123Z","level":"info","event":"started","pid":1}\n',
      );
      expect(write).not.toHaveBeenCalled();
    } finally {
      fs.closeSync(fd);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('counts a line it could not write instead of throwing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ehl-'));
    const fd = fs.openSync(path.join(dir, 'log'), 'a');
    fs.closeSync(fd); // writes now fail with EBADF
    fs.rmSync(dir, { recursive: true, force: true });
    const log = createLogger({ level: 'info', format: 'json', stream: { fd, write: () => true } });
    expect(() => log.error('x')).not.toThrow();
    expect(log.droppedLines()).toBe(1);
  });
});
