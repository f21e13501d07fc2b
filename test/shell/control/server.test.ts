import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ControlError, controlRequest, startControlServer, type ControlServer } from '../../../src/shell/control';
import { MAX_CONNECTIONS, MAX_REQUEST_LINE_BYTES } from '../../../src/shell/control/protocol';
import { makeTempDir, rawSession, RawSession, waitFor } from './helpers';

let dir: string;
let sockPath: string;
const servers: ControlServer[] = [];
const sessions: RawSession[] = [];

async function echoServer(p = sockPath): Promise<ControlServer> {
  const server = await startControlServer({
    path: p,
    handler: async (cmd, args) => {
      if (cmd === 'echo') return { cmd, args };
      if (cmd === 'fail') throw new Error(`cannot ${String(args.what)}`);
      if (cmd === 'bigint') return { n: BigInt(1) };
      if (cmd === 'hang') return new Promise(() => undefined);
      if (cmd === 'slow') return new Promise((r) => setTimeout(() => r(args.n), Number(args.ms)));
      throw new Error(`unknown command ${cmd}`);
    },
  });
  servers.push(server);
  return server;
}

async function session(): Promise<RawSession> {
  const s = await rawSession(sockPath);
  sessions.push(s);
  return s;
}

beforeEach(() => {
  dir = makeTempDir();
  sockPath = path.join(dir, 'run', 'ctl.sock');
});

afterEach(async () => {
  for (const s of sessions.splice(0)) s.socket.destroy();
  for (const s of servers.splice(0)) await s.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('control server: requests', () => {
  it('answers a request through the client and reports handler errors verbatim', async () => {
    await echoServer();
    await expect(controlRequest(sockPath, 'echo', { a: 1 })).resolves.toEqual({ cmd: 'echo', args: { a: 1 } });
    const err = (await controlRequest(sockPath, 'fail', { what: 'fence' }).catch((e: unknown) => e)) as ControlError;
    expect(err).toBeInstanceOf(ControlError);
    expect(err).toMatchObject({ kind: 'remote', message: 'cannot fence' });
  });

  it('answers pipelined requests in order with their ids', async () => {
    await echoServer();
    const s = await session();
    s.send(
      '{"id":1,"cmd":"slow","args":{"ms":40,"n":"first"}}\n' + '{"id":"b","cmd":"slow","args":{"ms":1,"n":"second"}}\n',
    );
    expect(JSON.parse(await s.nextLine())).toEqual({ id: 1, ok: true, result: 'first' });
    expect(JSON.parse(await s.nextLine())).toEqual({ id: 'b', ok: true, result: 'second' });
  });

  it('answers a client that half-closes after an unterminated request, then closes', async () => {
    await echoServer();
    const s = await session();
    s.socket.end('{"id":1,"cmd":"slow","args":{"ms":30,"n":"late"}}'); // no newline, then FIN
    expect(JSON.parse(await s.nextLine())).toEqual({ id: 1, ok: true, result: 'late' });
    await s.closed;
  });

  it('answers invalid JSON with id null and keeps the connection open', async () => {
    await echoServer();
    const s = await session();
    s.send('{"id":1,"cmd":\n');
    const bad = JSON.parse(await s.nextLine());
    expect(bad.id).toBeNull();
    expect(bad.ok).toBe(false);
    expect(bad.error).toMatch(/^invalid JSON: /);
    s.send('{"id":2,"cmd":"echo"}\n');
    expect(JSON.parse(await s.nextLine())).toEqual({ id: 2, ok: true, result: { cmd: 'echo', args: {} } });
  });

  it('rejects a malformed request and a non-serialisable result with clear errors', async () => {
    await echoServer();
    const s = await session();
    s.send('{"id":5,"cmd":"echo","args":"x"}\n{"id":6,"cmd":"bigint"}\n');
    expect(JSON.parse(await s.nextLine())).toEqual({
      id: 5,
      ok: false,
      error: 'invalid request: args must be a JSON object',
    });
    const r = JSON.parse(await s.nextLine());
    expect(r).toMatchObject({ id: 6, ok: false });
    expect(r.error).toMatch(/^result is not JSON-serialisable/);
  });

  it('accepts a line of exactly 64 KiB but closes the connection on a longer one', async () => {
    await echoServer();
    const s = await session();
    const frame = '{"id":1,"cmd":"echo","args":{"p":""}}';
    const exact = frame.replace('""', `"${'x'.repeat(MAX_REQUEST_LINE_BYTES - frame.length)}"`);
    expect(Buffer.byteLength(exact)).toBe(MAX_REQUEST_LINE_BYTES);
    s.send(exact + '\n');
    expect(JSON.parse(await s.nextLine()).ok).toBe(true);
    s.send('y'.repeat(MAX_REQUEST_LINE_BYTES + 1));
    const r = JSON.parse(await s.nextLine());
    const error = `request line exceeds ${MAX_REQUEST_LINE_BYTES} bytes; closing the connection`;
    expect(r).toEqual({ id: null, ok: false, error });
    await s.closed;
  });

  it(`limits connections to ${MAX_CONNECTIONS} and accepts again when one closes`, async () => {
    const server = await echoServer();
    const open: RawSession[] = [];
    for (let i = 0; i < MAX_CONNECTIONS; i++) open.push(await session());
    await waitFor(() => server.connectionCount() === MAX_CONNECTIONS);
    const extra = await session();
    expect(JSON.parse(await extra.nextLine())).toEqual({
      id: null,
      ok: false,
      error: `too many control connections (limit ${MAX_CONNECTIONS})`,
    });
    (open[0] as RawSession).socket.destroy();
    await waitFor(() => server.connectionCount() === MAX_CONNECTIONS - 1);
    await expect(controlRequest(sockPath, 'echo')).resolves.toEqual({ cmd: 'echo', args: {} });
  });
});

describe('control server: socket file', () => {
  it('creates the parent directory 0700 and the socket 0600, leaving nothing else behind', async () => {
    await echoServer();
    expect(fs.statSync(path.dirname(sockPath)).mode & 0o777).toBe(0o700);
    const st = fs.lstatSync(sockPath);
    expect(st.isSocket()).toBe(true);
    expect(st.mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(path.dirname(sockPath))).toEqual(['ctl.sock']);
  });

  it('keeps the socket 0600 even when the parent directory already exists and is open to all', async () => {
    fs.mkdirSync(path.dirname(sockPath), { mode: 0o755 });
    fs.chmodSync(path.dirname(sockPath), 0o777);
    await echoServer();
    expect(fs.lstatSync(sockPath).mode & 0o777).toBe(0o600);
    // The directory we did not create is left as the operator made it.
    expect(fs.statSync(path.dirname(sockPath)).mode & 0o777).toBe(0o777);
  });

  it('replaces a stale socket left by a dead daemon', async () => {
    fs.mkdirSync(path.dirname(sockPath), { recursive: true });
    // Make a socket file nobody listens on: bind, add a second name, close
    // (libuv unlinks only the name it bound).
    const other = path.join(dir, 'run', 'bound.sock');
    const dead = net.createServer();
    await new Promise<void>((r) => dead.listen(other, r));
    fs.linkSync(other, sockPath);
    await new Promise<void>((r) => dead.close(() => r()));
    expect(fs.lstatSync(sockPath).isSocket()).toBe(true);
    const err = (await controlRequest(sockPath, 'echo').catch((e: unknown) => e)) as ControlError;
    expect(err.kind).toBe('no-daemon');

    await echoServer();
    await expect(controlRequest(sockPath, 'echo')).resolves.toEqual({ cmd: 'echo', args: {} });
  });

  it('refuses to start when another server is live, and leaves that server working', async () => {
    await echoServer();
    await expect(echoServer()).rejects.toThrow(`control socket ${sockPath} is in use by a running daemon`);
    await expect(controlRequest(sockPath, 'echo')).resolves.toEqual({ cmd: 'echo', args: {} });
  });

  it('refuses to replace a path that is not a socket', async () => {
    fs.mkdirSync(path.dirname(sockPath), { recursive: true });
    fs.writeFileSync(sockPath, 'important');
    await expect(echoServer()).rejects.toThrow(`control socket path ${sockPath} exists and is not a socket`);
    expect(fs.readFileSync(sockPath, 'utf8')).toBe('important');
  });

  it('rejects a socket path too long for sun_path', async () => {
    const long = path.join(dir, 'd'.repeat(120), 'ctl.sock');
    await expect(echoServer(long)).rejects.toThrow(/unix socket paths must be at most 107/);
  });

  it('removes the socket on close, after which clients say no daemon is listening', async () => {
    const server = await echoServer();
    await server.close();
    expect(fs.existsSync(sockPath)).toBe(false);
    await expect(controlRequest(sockPath, 'echo')).rejects.toThrow(
      `no daemon is listening on ${sockPath} (is edge-ha running? check controlSocket in the config)`,
    );
  });
});

describe('control client errors', () => {
  it('reports a missing socket as no daemon', async () => {
    const err = (await controlRequest(path.join(dir, 'nope.sock'), 'status').catch((e: unknown) => e)) as ControlError;
    expect(err).toBeInstanceOf(ControlError);
    expect(err.kind).toBe('no-daemon');
  });

  it('times out when the daemon does not answer', async () => {
    await echoServer();
    const err = (await controlRequest(sockPath, 'hang', {}, { timeoutMs: 100 }).catch((e: unknown) => e)) as ControlError;
    expect(err).toMatchObject({ kind: 'timeout', message: `no reply from edge-ha on ${sockPath} within 100 ms` });
  });

  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  (isRoot ? it : it.skip)('reports EACCES as permission denied (euid switched to nobody for the connect)', async () => {
    await echoServer();
    // connect(2) runs synchronously inside net.createConnection, so the
    // effective uid only needs to be changed around the call.
    process.seteuid!(65534);
    let pending: Promise<unknown>;
    try {
      pending = controlRequest(sockPath, 'echo');
    } finally {
      process.seteuid!(0);
    }
    const err = await pending.catch((e) => e);
    expect(err).toMatchObject({
      kind: 'permission',
      message: `permission denied on ${sockPath} (run as the daemon's user or root)`,
    });
  });
});
