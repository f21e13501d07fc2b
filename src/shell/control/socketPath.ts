// Putting the control socket in place safely:
// - the socket is bound inside a fresh private (0700) directory, chmod'ed
//   0600 there, and only then hard-linked to its public name, so it is never
//   reachable with looser permissions, not even for an instant, and without
//   touching the process-wide umask (which would race with other file
//   creation in the thread pool);
// - link() fails if the name exists, so two daemons starting at once cannot
//   both publish: the loser re-probes, finds the winner alive and refuses;
// - a socket file left by a dead daemon (connect → ECONNREFUSED) is removed;
//   one that answers means another daemon is running and we refuse to start.
import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** sun_path is 108 bytes on Linux, including the terminating NUL. */
export const MAX_SOCKET_PATH_BYTES = 107;
const PROBE_TIMEOUT_MS = 1000;
const PUBLISH_ATTEMPTS = 3;

export interface SocketIdentity {
  dev: number;
  ino: number;
}

function errCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

export function checkSocketPathLength(socketPath: string, what = 'control socket path'): void {
  const bytes = Buffer.byteLength(socketPath);
  if (bytes > MAX_SOCKET_PATH_BYTES) {
    throw new Error(
      `${what} ${socketPath} is ${bytes} bytes; unix socket paths must be at most ${MAX_SOCKET_PATH_BYTES}`,
    );
  }
}

/** Creates the socket's parent directory with mode 0700 if it does not exist yet. */
export async function ensureParentDir(socketPath: string): Promise<void> {
  const parent = path.dirname(socketPath);
  try {
    const created = await fs.mkdir(parent, { recursive: true, mode: 0o700 });
    // mkdir's mode is filtered by the umask; make the result exactly 0700.
    if (created !== undefined) await fs.chmod(parent, 0o700);
  } catch (err) {
    throw new Error(`cannot create the control socket directory ${parent}: ${(err as Error).message}`);
  }
  const st = await fs.stat(parent);
  if (!st.isDirectory()) throw new Error(`control socket directory ${parent} exists but is not a directory`);
}

type ProbeResult = 'absent' | 'stale';

function tryConnect(socketPath: string): Promise<'answered' | 'timeout' | NodeJS.ErrnoException> {
  return new Promise((resolve) => {
    const sock = net.createConnection({ path: socketPath });
    const timer = setTimeout(() => finish('timeout'), PROBE_TIMEOUT_MS);
    function finish(result: 'answered' | 'timeout' | NodeJS.ErrnoException): void {
      clearTimeout(timer);
      sock.removeAllListeners();
      sock.on('error', () => undefined);
      sock.destroy();
      resolve(result);
    }
    sock.once('connect', () => finish('answered'));
    sock.once('error', (err) => finish(err));
  });
}

/** Decides whether an existing path may be replaced. Throws a clear error if not. */
export async function probeExisting(socketPath: string): Promise<ProbeResult> {
  let st;
  try {
    st = await fs.lstat(socketPath);
  } catch (err) {
    if (errCode(err) === 'ENOENT') return 'absent';
    throw new Error(`cannot inspect control socket ${socketPath}: ${(err as Error).message}`);
  }
  if (!st.isSocket()) {
    throw new Error(`control socket path ${socketPath} exists and is not a socket; refusing to replace it`);
  }
  const outcome = await tryConnect(socketPath);
  // A timeout means something bound it but its backlog is full: still alive.
  if (outcome === 'answered' || outcome === 'timeout') {
    throw new Error(`control socket ${socketPath} is in use by a running daemon`);
  }
  if (outcome.code === 'ECONNREFUSED') return 'stale';
  if (outcome.code === 'ENOENT') return 'absent';
  throw new Error(`cannot probe control socket ${socketPath}: ${outcome.message}`);
}

function listenOn(server: net.Server, socketPath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(socketPath, () => {
      server.removeListener('error', onError);
      resolve();
    });
  });
}

/** Links the privately bound socket to its public name, removing a stale one. */
async function publish(privatePath: string, socketPath: string): Promise<void> {
  for (let attempt = 1; attempt <= PUBLISH_ATTEMPTS; attempt++) {
    if ((await probeExisting(socketPath)) === 'stale') {
      await fs.unlink(socketPath).catch((err) => {
        if (errCode(err) === 'ENOENT') return; // another starter removed it first
        throw new Error(`cannot remove stale control socket ${socketPath}: ${err.message}`);
      });
    }
    try {
      await fs.link(privatePath, socketPath);
      return;
    } catch (err) {
      if (errCode(err) !== 'EEXIST') {
        throw new Error(`cannot publish control socket ${socketPath}: ${(err as Error).message}`);
      }
      // Someone created the name between our probe and link: look again.
    }
  }
  throw new Error(`control socket ${socketPath} keeps reappearing; is another daemon starting?`);
}

/**
 * Makes `server` listen on `socketPath` with mode 0600, replacing a stale
 * socket. Returns the identity of the published file so close() removes it
 * only if it is still ours.
 */
export async function listenPrivately(server: net.Server, socketPath: string): Promise<SocketIdentity> {
  checkSocketPathLength(socketPath);
  await ensureParentDir(socketPath);
  // Fail early, before binding anything, if a daemon is already there.
  await probeExisting(socketPath);
  const privateDir = await fs.mkdtemp(path.join(path.dirname(socketPath), '.ctl-'));
  try {
    await fs.chmod(privateDir, 0o700);
    const privatePath = path.join(privateDir, 's');
    checkSocketPathLength(privatePath, 'temporary control socket path (choose a shorter controlSocket)');
    await listenOn(server, privatePath);
    try {
      await fs.chmod(privatePath, 0o600);
      await publish(privatePath, socketPath);
    } catch (err) {
      server.close();
      throw err;
    }
  } finally {
    await fs.rm(privateDir, { recursive: true, force: true });
  }
  const st = await fs.lstat(socketPath);
  return { dev: st.dev, ino: st.ino };
}

/** Removes the public socket name if it still refers to the socket we created. */
export async function unlinkIfOurs(socketPath: string, identity: SocketIdentity): Promise<void> {
  try {
    const st = await fs.lstat(socketPath);
    if (st.dev === identity.dev && st.ino === identity.ino) await fs.unlink(socketPath);
  } catch (err) {
    if (errCode(err) !== 'ENOENT') throw err;
  }
}
