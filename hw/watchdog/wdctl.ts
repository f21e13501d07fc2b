// The optional ioctl helper (native/edge-ha-wdctl.c) seen from Node: find
// it, run one command on a descriptor we already hold (passed as fd 3, so
// the helper never opens the single-open device itself), and parse its one
// reply line. When the helper is not built, `locateWdctl` says why and
// what to do; callers carry on without ioctls.

import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { Readable } from 'node:stream';

/** Longest reply line accepted; a real one is under 300 characters. */
export const WDCTL_MAX_LINE_CHARS = 1024;
export const WDCTL_TIMEOUT_MS = 2000;
export const WDCTL_BINARY = 'edge-ha-wdctl';

/** Where build.sh puts the binary, seen from the sources (hw/watchdog) and from the build (dist/hw/watchdog). */
export const WDCTL_CANDIDATES: readonly string[] = [
  join(__dirname, 'native', 'build', WDCTL_BINARY),
  join(__dirname, '..', '..', '..', 'hw', 'watchdog', 'native', 'build', WDCTL_BINARY),
];

export type WdctlReply =
  | { ok: true; fields: Record<string, string> }
  | { ok: false; op: string; errno: string; message: string };

/**
 * Parse `ok k=v ...` or `error op=.. errno=.. message=".."`. Values are bare
 * words or double-quoted with `\"`, `\\` and `\xNN` escapes. Never throws.
 */
export function parseWdctlLine(line: string): WdctlReply {
  const bad = (why: string): WdctlReply => ({ ok: false, op: 'parse-reply', errno: 'EPROTO', message: `helper reply ${why}: ${JSON.stringify(line.slice(0, 80))}` });
  if (typeof line !== 'string') return bad('is not text');
  if (line.length > WDCTL_MAX_LINE_CHARS) return bad(`is longer than ${WDCTL_MAX_LINE_CHARS} characters`);
  const text = line.trim();
  const head = /^(ok|error)(?:\s|$)/.exec(text);
  if (!head) return bad('does not start with "ok" or "error"');
  const fields: Record<string, string> = {};
  let i = head[0].length;
  while (i < text.length) {
    while (text[i] === ' ') i++;
    if (i >= text.length) break;
    const key = /^[a-z][a-z0-9_-]{0,31}=/.exec(text.slice(i, i + 33));
    if (!key) return bad(`has a malformed field at column ${i + 1}`);
    i += key[0].length;
    const parsed = text[i] === '"' ? readQuoted(text, i) : readBare(text, i);
    if (parsed === null) return bad(`has an unterminated quoted value at column ${i + 1}`);
    fields[key[0].slice(0, -1)] = parsed.value;
    i = parsed.next;
  }
  if (head[1] === 'ok') return { ok: true, fields };
  return { ok: false, op: fields.op ?? 'unknown', errno: fields.errno ?? 'EOTHER', message: fields.message ?? 'helper reported an error without a message' };
}

function readBare(text: string, start: number): { value: string; next: number } {
  let end = text.indexOf(' ', start);
  if (end < 0) end = text.length;
  return { value: text.slice(start, end), next: end };
}

function readQuoted(text: string, start: number): { value: string; next: number } | null {
  let out = '';
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '"') return { value: out, next: i + 1 };
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = text[i + 1];
    if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 2, i + 4))) {
      out += String.fromCharCode(parseInt(text.slice(i + 2, i + 4), 16));
      i += 3;
    } else if (n !== undefined) {
      out += n;
      i += 1;
    }
  }
  return null;
}

export interface WdctlHelper {
  readonly path: string;
  /** Run one command against `fd` (passed to the child as fd 3). Never rejects. */
  run(fd: number, args: readonly string[], timeoutMs?: number): Promise<WdctlReply>;
}

export type WdctlAvailability = { available: true; helper: WdctlHelper } | { available: false; why: string };

async function isExecutable(path: string): Promise<boolean> {
  return access(path, fsConstants.X_OK).then(
    () => true,
    () => false,
  );
}

/** First `name` on PATH, or null. */
export async function which(name: string, pathEnv = process.env.PATH ?? ''): Promise<string | null> {
  for (const dir of pathEnv.split(delimiter)) {
    if (dir !== '' && (await isExecutable(join(dir, name)))) return join(dir, name);
  }
  return null;
}

/** Find the helper; when absent, the reason says whether it can be built here (cc present or not). */
export async function locateWdctl(options: { path?: string; candidates?: readonly string[] } = {}): Promise<WdctlAvailability> {
  const candidates = options.path !== undefined ? [options.path] : (options.candidates ?? WDCTL_CANDIDATES);
  for (const c of candidates) {
    if (await isExecutable(c)) return { available: true, helper: spawnWdctl(c) };
  }
  const cc = await which(process.env.CC ?? 'cc');
  const build = cc === null ? 'no C compiler (cc) on PATH, so it cannot be built here' : 'build it with hw/watchdog/native/build.sh';
  return { available: false, why: `watchdog ioctl helper ${WDCTL_BINARY} not found (looked at ${candidates.join(', ')}); ${build}` };
}

/** A helper that spawns the binary at `path` per command. */
export function spawnWdctl(path: string): WdctlHelper {
  return {
    path,
    run: (fd, args, timeoutMs = WDCTL_TIMEOUT_MS) =>
      new Promise<WdctlReply>((resolve) => {
        const fail = (op: string, message: string): void => resolve({ ok: false, op, errno: 'EOTHER', message });
        let child: ChildProcessByStdio<null, Readable, Readable>;
        try {
          child = spawn(path, ['--fd', '3', ...args], { stdio: ['ignore', 'pipe', 'pipe', fd] }) as unknown as ChildProcessByStdio<null, Readable, Readable>;
        } catch (err) {
          fail('spawn', `cannot start ${path}: ${(err as Error).message}`);
          return;
        }
        let out = '';
        let err = '';
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        child.stdout.on('data', (d: Buffer) => (out = (out + d.toString('latin1')).slice(0, WDCTL_MAX_LINE_CHARS + 1)));
        child.stderr.on('data', (d: Buffer) => (err = (err + d.toString('latin1')).slice(0, 512)));
        child.on('error', (e) => {
          clearTimeout(timer);
          fail('spawn', `cannot start ${path}: ${e.message}`);
        });
        child.on('close', (code, signal) => {
          clearTimeout(timer);
          const line = out.split('\n')[0] ?? '';
          if (line.trim() !== '') resolve(parseWdctlLine(line));
          else if (signal === 'SIGKILL') fail('timeout', `${path} ${args.join(' ')} gave no answer within ${timeoutMs} ms`);
          else fail('exit', `${path} ${args.join(' ')} exited ${code ?? signal} without a reply${err === '' ? '' : `: ${err.trim()}`}`);
        });
      }),
  };
}
