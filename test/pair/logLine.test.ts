import fc from 'fast-check';
import { LogLineSplitter, parseDaemonLogLine } from '../../src/pair/logLine';

const ts = '2025-01-02T03:04:05.678Z';

describe('parseDaemonLogLine', () => {
  test('a flat transition line', () => {
    const line = JSON.stringify({ ts, level: 'info', node: 'node-b', event: 'transition', msg: 'standby -> active', from: 'standby', to: 'active', epoch: 2, reason: 'peer fenced', tsMs: 99 });
    expect(parseDaemonLogLine(line)).toEqual({
      ok: true,
      event: { kind: 'transition', node: 'node-b', wallMs: Date.parse(ts), from: 'standby', to: 'active', epoch: 2, reason: 'peer fenced' },
    });
  });

  test('a transition nested as in DaemonEvent, timed by an epoch-like tsMs when ts is missing', () => {
    const line = JSON.stringify({ event: 'transition', tsMs: 1_700_000_000_000, transition: { from: 'waiting', to: 'standby', epoch: 0, reason: 'peer seen', atMs: 5 } });
    const r = parseDaemonLogLine(line);
    expect(r).toEqual({ ok: true, event: expect.objectContaining({ kind: 'transition', from: 'waiting', to: 'standby', epoch: 0, wallMs: 1_700_000_000_000, node: null }) });
  });

  test('a monotonic tsMs is not taken for wall-clock time', () => {
    const r = parseDaemonLogLine(JSON.stringify({ event: 'transition', tsMs: 1234, from: 'waiting', to: 'standby', epoch: 1 }));
    expect(r.ok && r.event.wallMs).toBeNull();
  });

  test.each([
    [{ event: 'transition', from: 'standby', to: 'boss', epoch: 1 }, /without valid from\/to roles/],
    [{ event: 'transition', from: 'standby', to: 'active', epoch: -1 }, /bad epoch: -1/],
    [{ event: 'transition', from: 'standby', to: 'active', epoch: '2' }, /bad epoch: "2"/],
    [{ level: 'info' }, /without a string "event"/],
    [[1, 2], /not an object/],
    [{ event: 'fence', confirmedOff: true }, /fence line without a target/],
  ])('refuses %j', (value, message) => {
    expect(parseDaemonLogLine(JSON.stringify(value))).toEqual({ ok: false, error: expect.stringMatching(message) });
  });

  test('plain text is an error that quotes the start of the line', () => {
    expect(parseDaemonLogLine('17:55:14.123 INFO node-a transition')).toEqual({ ok: false, error: expect.stringContaining('not a JSON log line: "17:55') });
  });

  test('fence, alarm and other events', () => {
    const fence = parseDaemonLogLine(JSON.stringify({ ts, event: 'fence', node: 'node-a', target: 'node-b', confirmedOff: true, reason: 'sim-power: OFF', durationMs: 12 }));
    expect(fence).toEqual({ ok: true, event: expect.objectContaining({ kind: 'fence', phase: 'done', target: 'node-b', confirmedOff: true, reason: 'sim-power: OFF' }) });
    const fired = parseDaemonLogLine(JSON.stringify({ ts, event: 'fence', node: 'node-a', phase: 'fired', target: 'node-b', msg: 'peer lost on all paths' }));
    expect(fired).toEqual({ ok: true, event: expect.objectContaining({ kind: 'fence', phase: 'fired', confirmedOff: false, reason: 'peer lost on all paths' }) });
    const alarm = parseDaemonLogLine(JSON.stringify({ event: 'alarm', alarm: { id: 'path-down:lan', severity: 'warning', message: 'lan silent' }, raised: false }));
    expect(alarm).toEqual({ ok: true, event: expect.objectContaining({ kind: 'alarm', id: 'path-down:lan', message: 'lan silent', raised: false }) });
    const flat = parseDaemonLogLine(JSON.stringify({ event: 'alarm', id: 'path-down:lan', severity: 'warning', raised: true, msg: 'RAISED path-down:lan: no heartbeat for 160 ms' }));
    expect(flat).toEqual({ ok: true, event: expect.objectContaining({ kind: 'alarm', id: 'path-down:lan', message: 'no heartbeat for 160 ms', raised: true }) });
    expect(parseDaemonLogLine(JSON.stringify({ event: 'heartbeat-rejected', level: 'warn' }))).toEqual({
      ok: true,
      event: { kind: 'other', event: 'heartbeat-rejected', level: 'warn', node: null, wallMs: null },
    });
  });

  test('cuts long reasons', () => {
    const r = parseDaemonLogLine(JSON.stringify({ event: 'transition', from: 'standby', to: 'active', epoch: 1, reason: 'x'.repeat(5000) }));
    expect(r.ok && r.event.kind === 'transition' && r.event.reason.length).toBe(500);
  });

  test('never throws', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.json()), (line) => {
      const r = parseDaemonLogLine(line);
      expect(typeof r.ok).toBe('boolean');
    }));
  });
});

describe('LogLineSplitter', () => {
  test('gives the same lines however the stream is chunked', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', minLength: 1 }).filter((s) => !s.includes('\n') && !s.endsWith('\r')), { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 6 }), (lines, cuts) => {
        const bytes = Buffer.from(lines.map((l) => `${l}\n`).join(''));
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const splitter = new LogLineSplitter(1 << 16);
        const out: string[] = [];
        let from = 0;
        for (const p of [...points, bytes.length]) {
          out.push(...splitter.push(bytes.subarray(from, p)));
          from = p;
        }
        expect(out).toEqual(lines);
      }),
    );
  });

  test('skips an overlong line up to its newline, counts it, and goes on', () => {
    const splitter = new LogLineSplitter(10);
    const out = [
      ...splitter.push(Buffer.from('short\nthis line is far too')),
      ...splitter.push(Buffer.from(' long for the bound\nnext\r\n')),
      ...splitter.push(Buffer.from('tail')),
    ];
    expect(out).toEqual(['short', 'next']);
    expect(splitter.dropped).toBe(1);
    expect(splitter.finish()).toBe('tail');
  });
});
