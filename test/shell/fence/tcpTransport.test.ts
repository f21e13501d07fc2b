// The TCP ByteTransport (ser2net): bytes a device sends before anyone listens
// are kept (bounded) and delivered on subscribe; failures are results, never throws.

import net from 'node:net';
import fc from 'fast-check';
import { openTcpTransport, type TcpTransport } from '../../../src/shell/fence/tcpTransport';

interface Peer {
  port: number;
  /** Resolves with the server side of the next connection. */
  accepted: Promise<net.Socket>;
  received: () => string;
  close: () => Promise<void>;
}

async function listen(onAccept: (s: net.Socket) => void = () => {}): Promise<Peer> {
  let got = '';
  let resolveAccepted!: (s: net.Socket) => void;
  const accepted = new Promise<net.Socket>((r) => (resolveAccepted = r));
  const sockets: net.Socket[] = [];
  const server = net.createServer((s) => {
    sockets.push(s);
    s.on('data', (d) => (got += d.toString('latin1')));
    s.on('error', () => {});
    onAccept(s);
    resolveAccepted(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    accepted,
    received: () => got,
    close: () => new Promise((r) => (sockets.forEach((s) => s.destroy()), server.close(() => r()))),
  };
}

async function open(port: number, maxEarlyBytes?: number): Promise<TcpTransport> {
  const r = await openTcpTransport({ host: '127.0.0.1', port }, { connectTimeoutMs: 2000, maxEarlyBytes });
  if (!r.ok) throw new Error(r.reason);
  return r.transport;
}

const settle = (ms = 30) => new Promise((r) => setTimeout(r, ms));

function collect(t: TcpTransport): { text: () => string } {
  let text = '';
  t.onData((b) => (text += Buffer.from(b).toString('latin1')));
  return { text: () => text };
}

test('a banner sent at accept time, before onData, is delivered on subscribe, then live bytes follow', async () => {
  const peer = await listen((s) => s.write('RPS-10 Ready\r\n'));
  const t = await open(peer.port);
  await settle();
  const got = collect(t);
  await settle();
  expect(got.text()).toBe('RPS-10 Ready\r\n');
  (await peer.accepted).write('Plug 1 Off\r\n');
  await settle();
  expect(got.text()).toBe('RPS-10 Ready\r\nPlug 1 Off\r\n');
  await t.write(Buffer.from('\x02\x180\x18\x180\r\n'));
  await settle();
  expect(peer.received()).toBe('\x02\x180\x18\x180\r\n');
  t.close();
  await peer.close();
});

test('early bytes are bounded: the first maxEarlyBytes are kept, the rest counted as dropped', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 0, max: 200 }), async (bound, sent) => {
      const payload = Buffer.from(Array.from({ length: sent }, (_, i) => 0x41 + (i % 26)));
      const peer = await listen((s) => s.write(payload));
      const t = await open(peer.port, bound);
      await settle(25);
      const got = collect(t);
      await settle(5);
      t.close();
      await peer.close();
      expect(got.text()).toBe(payload.subarray(0, Math.min(bound, sent)).toString('latin1'));
      expect(t.droppedBytes).toBe(Math.max(0, sent - bound));
    }),
    { numRuns: 15 },
  );
});

test('connect refused → a result naming the address and the refusal, no throw', async () => {
  const peer = await listen();
  const port = peer.port;
  await peer.close();
  const r = await openTcpTransport({ host: '127.0.0.1', port }, { connectTimeoutMs: 2000 });
  expect(r).toEqual({ ok: false, reason: `cannot connect to 127.0.0.1:${port}: connection refused (is ser2net or the terminal server listening?)` });
});

test('a host that never answers → a timeout result within the bound', async () => {
  // 192.0.2.0/24 is TEST-NET-1: never routed, so the SYN goes unanswered (or is rejected at once by the host).
  const started = Date.now();
  const r = await openTcpTransport({ host: '192.0.2.1', port: 9 }, { connectTimeoutMs: 150 });
  expect(r.ok).toBe(false);
  expect(Date.now() - started).toBeLessThan(1500);
  if (!r.ok) expect(r.reason).toMatch(/^cannot connect to 192\.0\.2\.1:9: /);
});

test('close is idempotent; after close writes reject and nothing is delivered', async () => {
  const peer = await listen();
  const t = await open(peer.port);
  const got = collect(t);
  t.close();
  t.close();
  await expect(t.write(Buffer.from('x'))).rejects.toThrow('TCP link is closed');
  (await peer.accepted).write('late');
  await settle();
  expect(got.text()).toBe('');
  await peer.close();
});

test('the peer hanging up makes later writes reject instead of throwing', async () => {
  const peer = await listen();
  const t = await open(peer.port);
  (await peer.accepted).destroy();
  await settle(50);
  await expect(t.write(Buffer.from('x'))).rejects.toThrow();
  t.close();
  await peer.close();
});

test('an unsubscribed listener gets nothing more', async () => {
  const peer = await listen();
  const t = await open(peer.port);
  let n = 0;
  const stop = t.onData(() => n++);
  (await peer.accepted).write('a');
  await settle();
  stop();
  stop();
  (await peer.accepted).write('b');
  await settle();
  expect(n).toBe(1);
  t.close();
  await peer.close();
});
