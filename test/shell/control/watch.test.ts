import fs from 'node:fs';
import path from 'node:path';
import { ControlError, startControlServer, watchControl, type ControlServer } from '../../../src/shell/control';
import { MAX_WATCHER_BUFFER_BYTES, WATCHER_TOO_SLOW } from '../../../src/shell/control/protocol';
import { delay, makeTempDir, rawSession, waitFor } from './helpers';

let dir: string;
let sockPath: string;
let server: ControlServer;

beforeEach(async () => {
  dir = makeTempDir();
  sockPath = path.join(dir, 'ctl.sock');
  server = await startControlServer({ path: sockPath, handler: async (cmd) => ({ cmd }) });
});

afterEach(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('control watch stream', () => {
  it('delivers broadcast events in order to every watcher and forgets closed ones', async () => {
    const a: unknown[] = [];
    const b: unknown[] = [];
    const wa = watchControl(sockPath, (e) => a.push(e));
    const wb = watchControl(sockPath, (e) => b.push(e));
    await Promise.all([wa.ready, wb.ready]);
    expect(server.watcherCount()).toBe(2);
    for (let i = 0; i < 5; i++) server.broadcast({ type: 'transition', n: i });
    const expected = [0, 1, 2, 3, 4].map((n) => ({ type: 'transition', n }));
    await waitFor(() => a.length === 5 && b.length === 5);
    expect(a).toEqual(expected);
    expect(b).toEqual(expected);
    wa.close();
    await waitFor(() => server.watcherCount() === 1);
    server.broadcast({ type: 'after' });
    await waitFor(() => b.length === 6);
    expect(a).toHaveLength(5);
    wb.close();
  });

  it('still answers ordinary requests on a connection and does not send events to non-watchers', async () => {
    const s = await rawSession(sockPath);
    s.send('{"id":1,"cmd":"status"}\n');
    expect(JSON.parse(await s.nextLine())).toEqual({ id: 1, ok: true, result: { cmd: 'status' } });
    server.broadcast({ type: 'x' });
    s.send('{"id":2,"cmd":"watch"}\n');
    expect(JSON.parse(await s.nextLine())).toEqual({ id: 2, ok: true, result: { watching: true } });
    server.broadcast({ type: 'y' });
    expect(JSON.parse(await s.nextLine())).toEqual({ event: { type: 'y' } });
    s.socket.destroy();
  });

  it('reports the end of the stream when the daemon goes away', async () => {
    const ends: (ControlError | undefined)[] = [];
    const w = watchControl(sockPath, () => undefined, { onEnd: (e) => ends.push(e) });
    await w.ready;
    await server.close();
    await waitFor(() => ends.length === 1);
    expect(ends[0]).toBeInstanceOf(ControlError);
    expect(ends[0]?.kind).toBe('connection');
  });

  it('rejects ready with a clear error when no daemon is listening', async () => {
    const w = watchControl(path.join(dir, 'missing.sock'), () => undefined);
    await expect(w.ready).rejects.toMatchObject({ kind: 'no-daemon' });
  });

  it('drops a watcher that stops reading with a final "watcher too slow" line, serving a fast one', async () => {
    const slow = await rawSession(sockPath);
    slow.send('{"id":1,"cmd":"watch"}\n');
    expect(JSON.parse(await slow.nextLine()).ok).toBe(true);
    slow.socket.pause();

    const fast: unknown[] = [];
    const fastEnds: unknown[] = [];
    const wf = watchControl(sockPath, (e) => fast.push(e), { onEnd: (e) => fastEnds.push(e) });
    await wf.ready;

    const payload = 'p'.repeat(64 * 1024);
    const count = Math.ceil((3 * MAX_WATCHER_BUFFER_BYTES) / payload.length);
    for (let i = 0; i < count; i++) {
      server.broadcast({ i, payload });
      await delay(2); // lets the fast watcher drain; the slow one reads nothing
    }
    expect(server.watcherCount()).toBe(1);
    await waitFor(() => fast.length === count);
    expect(fastEnds).toEqual([]);

    slow.socket.resume();
    await slow.closed;
    const lines = slow.lines.slice(1);
    expect(JSON.parse(lines[lines.length - 1] as string)).toEqual({ error: WATCHER_TOO_SLOW });
    const events = lines.slice(0, -1).map((l) => JSON.parse(l).event.i);
    // It got a gap-free prefix of the stream, then nothing more.
    expect(events).toEqual(events.map((_: unknown, k: number) => k));
    expect(events.length).toBeLessThan(count);
    wf.close();
  });

  it('refuses to broadcast an event JSON cannot represent', () => {
    expect(() => server.broadcast({ n: BigInt(1) })).toThrow(/event is not JSON-serialisable/);
  });
});
