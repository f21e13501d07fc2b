import fc from 'fast-check';
import { parseCommand } from '../../src/pair/commands';

describe('parseCommand', () => {
  test.each([
    ['crash a', { kind: 'crash', target: 'a' }],
    ['  crash   active ', { kind: 'crash', target: 'active' }],
    ['freeze b 2.5', { kind: 'freeze', target: 'b', seconds: 2.5 }],
    ['freeze active', { kind: 'freeze', target: 'active', seconds: 5 }],
    ['cut crossover', { kind: 'cut', path: 'crossover' }],
    ['cut all', { kind: 'cut', path: 'all' }],
    ['heal', { kind: 'heal' }],
    ['switchover', { kind: 'switchover' }],
    ['status', { kind: 'status' }],
    ['sleep 0', { kind: 'sleep', seconds: 0 }],
    ['sleep 1.5', { kind: 'sleep', seconds: 1.5 }],
    ['quit', { kind: 'quit' }],
  ])('%j', (line, command) => {
    expect(parseCommand(line)).toEqual({ ok: true, command });
  });

  test.each(['', '   ', '# a comment'])('%j is nothing to do', (line) => {
    expect(parseCommand(line)).toEqual({ ok: true, command: null });
  });

  test.each([
    ['crash c', 'crash: usage: crash a|b|active'],
    ['crash', 'crash: usage: crash a|b|active'],
    ['crash a b', 'crash: usage: crash a|b|active'],
    ['freeze a 0', 'freeze: expected seconds, more than 0 and at most 3600 (e.g. 5 or 0.5), got "0"'],
    ['freeze a -1', 'freeze: expected seconds, more than 0 and at most 3600 (e.g. 5 or 0.5), got "-1"'],
    ['freeze a 1e3', 'freeze: expected seconds, more than 0 and at most 3600 (e.g. 5 or 0.5), got "1e3"'],
    ['sleep 3601', 'sleep: expected seconds, 0 or more and at most 3600 (e.g. 5 or 0.5), got "3601"'],
    ['sleep', 'sleep: usage: sleep <seconds>'],
    ['cut', 'cut: usage: cut <path>|all'],
    ['cut a/b', 'cut: "a/b" is not a path name'],
    ['heal now', 'heal: usage: heal (no arguments)'],
    ['Crash a', expect.stringMatching(/^unknown command "Crash"; commands: crash a\|b\|active, /)],
  ])('%j is refused', (line, error) => {
    expect(parseCommand(line)).toEqual({ ok: false, error });
  });

  test('a line over the bound is refused without being split', () => {
    expect(parseCommand(`cut ${'x'.repeat(2000)}`)).toEqual({ ok: false, error: expect.stringContaining('at most 1000') });
  });

  test('never throws, and what it accepts has a known kind', () => {
    const kinds = ['crash', 'freeze', 'cut', 'heal', 'switchover', 'status', 'sleep', 'quit'];
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.constantFrom('crash ', 'freeze ', 'cut ', 'sleep ').chain((v) => fc.string().map((s) => v + s))), (line) => {
        const r = parseCommand(line);
        if (r.ok && r.command !== null) expect(kinds).toContain(r.command.kind);
        if (!r.ok) expect(r.error.length).toBeGreaterThan(0);
      }),
    );
  });
});
