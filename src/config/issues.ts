// Turns zod issues into one-line messages of the form
//   heartbeat.paths[1].peer: expected host:port, got "10.0.0"
// The schema's messages hold only the "expected" phrase (see fields.ts); what
// was found is read back from the raw YAML data at the issue's path, so every
// message names the key, the expectation and the actual value the same way.

import type { z } from 'zod';
import type { IssueParams } from './fields';

const MAX_SHOWN_CHARS = 60;

export function formatIssues(issues: readonly z.core.$ZodIssue[], data: unknown): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    for (const line of formatIssue(issue, data)) {
      // A value can fail several checks with the same phrase (-1.5 is neither an integer nor >= 0).
      if (!lines.includes(line)) lines.push(line);
    }
  }
  return lines;
}

function formatIssue(issue: z.core.$ZodIssue, data: unknown): string[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => `${formatPath([...issue.path, key])}: unknown key (${issue.message})`);
  }
  const params: IssueParams = issue.code === 'custom' ? (issue.params ?? {}) : {};
  const found = lookup(data, issue.path);
  // For a bad key of a mapping (fence options) what was found is the key, not its value.
  const lastKey = issue.path[issue.path.length - 1];
  const got = issue.code === 'invalid_key' ? quote(String(lastKey)) : describe(found);
  const notes = [found.missing ? 'the key is missing' : undefined, params.note].filter((n) => n !== undefined);
  const noteText = notes.length > 0 ? ` (${notes.join('; ')})` : '';
  return [`${formatPath(issue.path)}: expected ${issue.message}, got ${got}${noteText}`];
}

/** `heartbeat.paths[1].peer`; keys that are not plain words are quoted: `options["a b"]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

interface Found {
  value: unknown;
  /** The last key of the path is absent from its (present) parent mapping. */
  missing: boolean;
}

function lookup(data: unknown, path: readonly PropertyKey[]): Found {
  let value = data;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || typeof key === 'symbol') return { value: undefined, missing: false };
    if (!Object.prototype.hasOwnProperty.call(value, key)) return { value: undefined, missing: true };
    value = (value as Record<string | number, unknown>)[key];
  }
  return { value, missing: false };
}

function describe(found: Found): string {
  const value = found.value;
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'object') return `a ${typeof value}`;
  if (Array.isArray(value)) {
    if (value.length === 0) return 'an empty list';
    return value.length === 1 ? 'a list of 1 item' : `a list of ${value.length} items`;
  }
  if (value instanceof Uint8Array) return 'binary data';
  if (value instanceof Set) return 'a set';
  // YAML only yields plain mappings, sets and binary data; anything else is still some mapping.
  return 'a mapping';
}

function quote(s: string): string {
  const shown = s.length > MAX_SHOWN_CHARS ? `${s.slice(0, MAX_SHOWN_CHARS)}...` : s;
  return JSON.stringify(shown);
}
