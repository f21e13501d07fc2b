// Small shell scripts in a temp dir, to drive real child processes in tests.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface ScriptDir {
  dir: string;
  /** Writes an executable `#!/bin/sh` script and returns its path. */
  script(name: string, body: string, mode?: number): string;
  file(name: string): string;
  read(name: string): string;
  cleanup(): void;
}

export function makeScriptDir(prefix: string): ScriptDir {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return {
    dir,
    script(name, body, mode = 0o755) {
      const p = path.join(dir, name);
      fs.writeFileSync(p, `#!/bin/sh\n${body}\n`, { mode });
      fs.chmodSync(p, mode);
      return p;
    },
    file: (name) => path.join(dir, name),
    read: (name) => fs.readFileSync(path.join(dir, name), 'utf8'),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Alive and not a zombie (in a container, an orphan's zombie may never be reaped). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Polls until `pid` is gone or `withinMs` passed; returns whether it is gone. */
export async function waitGone(pid: number, withinMs: number): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (Date.now() < until) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return !isAlive(pid);
}

export function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
