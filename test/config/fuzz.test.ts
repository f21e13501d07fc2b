// Untrusted input: whatever the file holds, parseConfigText returns a result
// (it never throws), and every error is a non-empty single line.

import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { formatHostPort, parseHostPort } from '../../src/config/hostPort';
import { parseConfigText, type LoadResult } from '../../src/config/load';
import { toFileForm } from '../../src/config/render';
import { MINIMAL_YAML } from './fixtures';

function expectWellFormed(result: LoadResult): void {
  const lines = result.ok ? result.warnings : result.errors;
  if (!result.ok) expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) {
    expect(typeof line).toBe('string');
    expect(line.length).toBeGreaterThan(0);
    expect(line).not.toContain('\n');
  }
}

const yamlChars = fc.constantFrom(
  ...'abcxyz019 :-[]{},&*!#"\'|>%@?\n\n\n  \t.~=\\'.split(''),
  'cluster', 'heartbeat', 'paths', 'id: ', '- ', '<<: ', '!!map', '!!binary', '&a ', '*a', '---\n', '...\n', 'null',
);
const yamlIsh = fc.array(yamlChars, { maxLength: 200 }).map((parts) => parts.join(''));

test('random YAML-ish text never throws', () => {
  fc.assert(
    fc.property(yamlIsh, (text) => expectWellFormed(parseConfigText(text, '/etc/edge-ha', 'f.yaml'))),
    { numRuns: 300 },
  );
});

test('random edits of a valid file never throw', () => {
  const edit = fc.record({ at: fc.nat(MINIMAL_YAML.length), cut: fc.nat(20), insert: yamlIsh });
  fc.assert(
    fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
      let text = MINIMAL_YAML;
      for (const e of edits) text = text.slice(0, e.at) + e.insert + text.slice(e.at + e.cut);
      expectWellFormed(parseConfigText(text, '/etc/edge-ha', 'f.yaml'));
    }),
    { numRuns: 300 },
  );
});

/** Every [path, leaf] of a data tree, so a property can replace one of them. */
function leafPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [path];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [path, ...entries.flatMap(([k, v]) => leafPaths(v, [...path, k]))];
}

const TOP_KEY_PREFIX =
  /^(\(top level\)|cluster|node|peer|heartbeat|fencing|resource|stateDir|controlSocket|timeouts|logging|testing)[.[:]/;

test('any value at any key of a valid file gives a result, not an exception', () => {
  const base = parse(MINIMAL_YAML) as unknown;
  const paths = leafPaths(base).filter((p) => p.length > 0);
  fc.assert(
    fc.property(fc.constantFrom(...paths), fc.jsonValue({ maxDepth: 3 }), (path, value) => {
      const data = structuredClone(base) as Record<string | number, any>;
      let parent = data;
      for (const key of path.slice(0, -1)) parent = parent[key];
      parent[path[path.length - 1]] = value;
      const result = parseConfigText(stringify(data), '/etc/edge-ha', 'f.yaml');
      expectWellFormed(result);
      // Every error names a key of the file (the changed one, or one checked against it).
      if (!result.ok) for (const e of result.errors) expect(e).toMatch(TOP_KEY_PREFIX);
    }),
    { numRuns: 400 },
  );
});

test('alias expansion is bounded ("billion laughs")', () => {
  const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 9; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
  const started = Date.now();
  const result = parseConfigText(lines.join('\n'), '/etc/edge-ha', 'bomb.yaml');
  expect(result.ok).toBe(false);
  expect(!result.ok && result.errors[0]).toMatch(/^bomb\.yaml: YAML error: Excessive alias count/);
  expect(Date.now() - started).toBeLessThan(2000);
});

describe('host:port', () => {
  const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/);
  const hostname = fc.array(label, { minLength: 1, maxLength: 4 }).map((l) => l.join('.'));
  const host = fc.oneof(fc.ipV4(), fc.ipV6(), hostname);
  const port = fc.integer({ min: 1, max: 65535 });

  test('format and parse are inverses for valid addresses', () => {
    fc.assert(
      fc.property(host, port, (h, p) => {
        const parsed = parseHostPort(formatHostPort({ host: h, port: p }));
        expect(parsed).toEqual({ ok: true, value: { host: h, port: p } });
      }),
    );
  });

  test('any string gives a result, and an accepted one formats back to itself', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        const parsed = parseHostPort(s);
        if (parsed.ok) expect(formatHostPort(parsed.value)).toBe(s);
      }),
      { numRuns: 1000 },
    );
  });

  test('ports outside 1..65535 are refused with a note', () => {
    fc.assert(
      fc.property(host, fc.oneof(fc.constant(0), fc.integer({ min: 65536, max: 99999 })), (h, p) => {
        expect(parseHostPort(formatHostPort({ host: h, port: p }))).toEqual({ ok: false, note: 'the port must be 1..65535' });
      }),
    );
  });
});

test('generated valid configurations survive the trip through the effective file form', () => {
  const timing = fc.record({ intervalMs: fc.integer({ min: 5, max: 10_000 }), missMultiplier: fc.integer({ min: 2, max: 100 }) });
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 65535 }), fc.array(timing, { minLength: 1, maxLength: 8 }), (priority, timings) => {
      const data = parse(MINIMAL_YAML) as Record<string, any>;
      data.node.priority = priority;
      data.heartbeat.paths = timings.map((t, i) => ({
        name: `p${i}`, bind: `10.0.${i}.1:5405`, peer: `10.0.${i}.2:5405`, ...t,
      }));
      const first = parseConfigText(stringify(data), '/etc/edge-ha', 'f.yaml');
      if (!first.ok) throw new Error(first.errors.join('\n'));
      expect(first.config.heartbeat.paths.map((p) => p.intervalMs)).toEqual(timings.map((t) => t.intervalMs));
      const again = parseConfigText(stringify(toFileForm(first.config)), '/elsewhere', 'g.yaml');
      expect(again.ok && again.config).toEqual(first.config);
    }),
    { numRuns: 100 },
  );
});
