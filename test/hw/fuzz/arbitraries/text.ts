// Token- and line-level mutations for the text parsers (mdstat, cli64 tables,
// NUT dumps, gpiod output, link URLs). Byte flips alone rarely produce a
// well-formed line with a hostile value in it; these do: a number replaced by
// one past 2^53, a word replaced by a name every JS object inherits
// (`constructor`, `__proto__`), a line repeated past every per-parse cap.

import fc from 'fast-check';
import { mutatedText } from './bytes';

/** Words a parser may look up in a plain object or feed to Number(). */
export const HOSTILE_WORDS = [
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'prototype',
  'NaN',
  'Infinity',
  '-Infinity',
  '-0',
  '1e309',
  '0x10',
  '',
  '""',
  '\\',
  '[',
  ']',
  '(',
  ')',
  '=',
  ':',
  '%',
  '\u0000',
  '\u00ff',
  '\ufffd',
] as const;

/** Numbers at and past every integer and float limit a parser might hit. */
export const HOSTILE_NUMBERS = [
  '0',
  '00000000000000000000',
  '4294967295',
  '4294967296',
  '9007199254740991',
  '9007199254740993',
  '99999999999999999999',
  '1' + '0'.repeat(400),
  '-1',
  '1.5',
  '0.000001',
] as const;

type TextEdit =
  | { kind: 'word'; at: number; word: string }
  | { kind: 'number'; at: number; number: string }
  | { kind: 'repeat-line'; at: number; times: number }
  | { kind: 'drop-line'; at: number }
  | { kind: 'swap-lines'; a: number; b: number };

const editArb = (words: readonly string[]): fc.Arbitrary<TextEdit> =>
  fc.oneof(
    fc.record({ kind: fc.constant('word' as const), at: fc.nat(), word: fc.constantFrom(...HOSTILE_WORDS, ...words) }),
    fc.record({ kind: fc.constant('number' as const), at: fc.nat(), number: fc.constantFrom(...HOSTILE_NUMBERS) }),
    fc.record({ kind: fc.constant('repeat-line' as const), at: fc.nat(), times: fc.integer({ min: 2, max: 300 }) }),
    fc.record({ kind: fc.constant('drop-line' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('swap-lines' as const), a: fc.nat(), b: fc.nat() }),
  );

function replaceNth(text: string, re: RegExp, at: number, replacement: string): string {
  const hits = [...text.matchAll(re)];
  if (hits.length === 0) return text;
  const hit = hits[at % hits.length]!;
  return text.slice(0, hit.index) + replacement + text.slice(hit.index! + hit[0].length);
}

function applyEdit(text: string, e: TextEdit): string {
  switch (e.kind) {
    case 'word':
      return replaceNth(text, /[^\s]+/g, e.at, e.word);
    case 'number':
      return replaceNth(text, /\d+/g, e.at, e.number);
    default: {
      const lines = text.split('\n');
      const i = e.kind === 'swap-lines' ? e.a % lines.length : e.at % lines.length;
      if (e.kind === 'repeat-line') lines.splice(i, 1, ...Array.from({ length: e.times }, () => lines[i]!));
      else if (e.kind === 'drop-line') lines.splice(i, 1);
      else [lines[i], lines[e.b % lines.length]] = [lines[e.b % lines.length]!, lines[i]!];
      return lines.join('\n');
    }
  }
}

/** `base` with 1..maxEdits token/line edits; `words` adds format-specific keywords to the dictionary. */
export function editedText(base: fc.Arbitrary<string>, words: readonly string[] = [], maxEdits = 4): fc.Arbitrary<string> {
  return fc.tuple(base, fc.array(editArb(words), { minLength: 1, maxLength: maxEdits })).map(([t, es]) => es.reduce(applyEdit, t));
}

/** Text input for a line parser: real text, edited text, byte-mutated text, both, or pure garbage. */
export function hostileText(seeds: readonly string[], words: readonly string[] = []): fc.Arbitrary<string> {
  const seed = fc.constantFrom(...seeds);
  return fc.oneof(
    { weight: 1, arbitrary: seed },
    { weight: 4, arbitrary: editedText(seed, words) },
    { weight: 3, arbitrary: mutatedText(seed, [0x0a, 0x0d, 0x09, 0x20]) },
    { weight: 2, arbitrary: mutatedText(editedText(seed, words), [0x0a, 0x0d]) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 400 }) },
    { weight: 1, arbitrary: fc.array(fc.constantFrom('\0', '\r', '\n', '\xff', ' ', '\t'), { maxLength: 300 }).map((a) => a.join('')) },
  );
}
