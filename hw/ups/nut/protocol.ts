// Words and errors of the NUT network protocol (docs/net-protocol.txt, reference
// §5.1-§5.2): one request or answer per LF-terminated line, words separated by
// spaces, a value with spaces in double quotes, `\"` and `\\` escaped. Both the
// client and the server split lines here, so the escaping rules live in one place.

import { err, ok, type Result } from '../result';

/** The ERR tokens upsd 2.8 sends (`ERR <TOKEN> [extra]`). */
export const NUT_ERROR_CODES = [
  'ACCESS-DENIED',
  'UNKNOWN-UPS',
  'VAR-NOT-SUPPORTED',
  'CMD-NOT-SUPPORTED',
  'INVALID-ARGUMENT',
  'INSTCMD-FAILED',
  'SET-FAILED',
  'READONLY',
  'TOO-LONG',
  'FEATURE-NOT-SUPPORTED',
  'FEATURE-NOT-CONFIGURED',
  'ALREADY-SSL-MODE',
  'DRIVER-NOT-CONNECTED',
  'DATA-STALE',
  'ALREADY-LOGGED-IN',
  'INVALID-PASSWORD',
  'ALREADY-SET-PASSWORD',
  'INVALID-USERNAME',
  'ALREADY-SET-USERNAME',
  'USERNAME-REQUIRED',
  'PASSWORD-REQUIRED',
  'UNKNOWN-COMMAND',
  'INVALID-VALUE',
] as const;
export type NutErrorCode = (typeof NUT_ERROR_CODES)[number];

const ERROR_CODE_SET: ReadonlySet<string> = new Set(NUT_ERROR_CODES);
export function isNutErrorCode(word: string): word is NutErrorCode {
  return ERROR_CODE_SET.has(word);
}

/** Longest line either side accepts by default; upsd's own request buffer is of this order. */
export const NUT_MAX_LINE_CHARS = 1024;
/** Most words a line may split into (a VAR answer has four). */
export const NUT_MAX_WORDS = 64;

/**
 * Split one line (without its LF) into words. Quotes group, backslash escapes
 * the next character inside or outside quotes, as NUT's own parser does.
 */
export function splitNutWords(line: string, maxWords = NUT_MAX_WORDS): Result<string[], string> {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === '\\') {
      if (i + 1 >= line.length) return err('line ends with a lone backslash');
      word += line[++i];
      inWord = true;
    } else if (ch === '"') {
      quoted = !quoted;
      inWord = true;
    } else if ((ch === ' ' || ch === '\t') && !quoted) {
      if (inWord) {
        if (words.length >= maxWords) return err(`more than ${maxWords} words`);
        words.push(word);
      }
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quoted) return err('unterminated quoted string');
  if (inWord) {
    if (words.length >= maxWords) return err(`more than ${maxWords} words`);
    words.push(word);
  }
  return ok(words);
}

/** A value as a quoted word: `"` and `\` escaped. */
export function quoteNut(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** True when `word` can be sent bare (no quoting needed): UPS names, variable names, commands. */
export function isBareWord(word: string): boolean {
  return /^[A-Za-z0-9._:@+-]+$/.test(word) && word.length > 0;
}

/** Printable text holds no control characters (a LF inside a value would split the line). */
export function hasControlChars(text: string): boolean {
  return /[\x00-\x1f\x7f]/.test(text);
}

/** `ERR <TOKEN> [extra]` → the token and the extra text; null when the line is not an ERR line. */
export function parseErrLine(words: readonly string[]): { code: string; extra: string } | null {
  if (words[0] !== 'ERR') return null;
  return { code: words[1] ?? '', extra: words.slice(2).join(' ') };
}
