// Process helpers for the simulated pair (Linux: they read /proc).
//
// Why an environment marker: the daemon starts each resource agent in its own
// process group and session (so it can kill a hung agent's whole tree), so the
// demo service a `start` leaves behind is NOT in the daemon's process group.
// Killing the daemon's group would leave the service running, which is not
// what a power cut does. Every process of a simulated node inherits
// PAIR_MARK_ENV from the daemon, so "power off" kills every process carrying
// the node's marker, wherever it sits in the process tree.

import { readdirSync, readFileSync } from 'node:fs';

/** Environment variable set on each daemon: `<run token>:<node id>`. */
export const PAIR_MARK_ENV = 'EDGE_HA_PAIR_MARK';
/** /proc/<pid>/environ is bounded by the kernel's ARG_MAX; anything larger is not worth reading. */
const MAX_ENVIRON_BYTES = 4 * 1024 * 1024;
const POLL_INTERVAL_MS = 20;

function errnoCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

/** One-letter state from /proc/<pid>/stat ('R', 'S', 'T', 'Z', ...), or null when there is no such process. */
export function processState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name is in parentheses and may itself contain ") ".
    const after = stat.slice(stat.lastIndexOf(')') + 2);
    return after.charAt(0) || null;
  } catch {
    return null;
  }
}

/** True while `pid` runs or is stopped; a zombie (dead, not yet reaped) counts as gone. */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: it exists but belongs to someone else; then it is not ours either way.
    if (errnoCode(e) !== 'EPERM') return false;
  }
  const state = processState(pid);
  return state !== null && state !== 'Z' && state !== 'X';
}

/** Sends `signal` to a pid (or a process group when `group`); false when there was nobody to signal. */
export function signalProcess(pid: number, signal: NodeJS.Signals, group = false): boolean {
  if (!Number.isInteger(pid) || pid <= 1) return false;
  try {
    process.kill(group ? -pid : pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Pids of the live processes whose environment holds PAIR_MARK_ENV=`mark` (never our own pid). */
export function findMarkedProcesses(mark: string): number[] {
  const entry = Buffer.from(`${PAIR_MARK_ENV}=${mark}`);
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const found: number[] = [];
  for (const name of names) {
    if (!/^[0-9]+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    let environ: Buffer;
    try {
      environ = readFileSync(`/proc/${pid}/environ`);
    } catch {
      continue; // gone meanwhile, or another user's
    }
    if (environ.length > MAX_ENVIRON_BYTES) continue;
    if (hasEntry(environ, entry) && isAlive(pid)) found.push(pid);
  }
  return found;
}

/** Whether a NUL-separated environment block holds exactly `entry`. */
export function hasEntry(environ: Buffer, entry: Buffer): boolean {
  for (let at = environ.indexOf(entry); at !== -1; at = environ.indexOf(entry, at + 1)) {
    const startsEntry = at === 0 || environ[at - 1] === 0;
    const end = at + entry.length;
    if (startsEntry && (end === environ.length || environ[end] === 0)) return true;
  }
  return false;
}

/** Resolves true once none of `pids` is alive, false after timeoutMs. */
export async function waitUntilGone(pids: readonly number[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!pids.some(isAlive)) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

/** SIGKILLs every process carrying `mark` until none is left (new ones may fork meanwhile); returns how many were killed. */
export async function killMarked(mark: string, timeoutMs = 2000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let killed = 0;
  for (;;) {
    const pids = findMarkedProcesses(mark);
    if (pids.length === 0) return killed;
    for (const pid of pids) if (signalProcess(pid, 'SIGKILL')) killed++;
    await waitUntilGone(pids, Math.max(0, deadline - Date.now()));
    if (Date.now() >= deadline) return killed;
  }
}
