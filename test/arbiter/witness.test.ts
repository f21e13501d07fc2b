import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { startWitness, WitnessStartError, type WitnessServer } from '../../src/arbiter/witnessServer';
import { decodeWitnessMessage, encodeWitnessMessage } from '../../src/arbiter/witnessWire';
import { RING_OTHER, RING_W, client, collectLog, exchangeRaw, nonce, sleep, tempDir, writeKeyFile } from './helpers';

const dir = tempDir();
const keyFile = writeKeyFile(dir);
const servers: WitnessServer[] = [];

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close().catch(() => undefined)));
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A witness whose restart hold is already over (restored from an empty state file). */
async function witness(opts: { leaseMs?: number; clusters?: string[]; log?: (l: string) => void; stateFile?: string; hold?: boolean; maxSkewMs?: number } = {}) {
  let stateFile = opts.stateFile;
  if (!opts.hold && stateFile === undefined) {
    stateFile = path.join(fs.mkdtempSync(path.join(dir, 's-')), 'state.json');
    fs.writeFileSync(stateFile, JSON.stringify({ version: 1, leaseMs: opts.leaseMs ?? 300, holders: [] }));
  }
  const s = await startWitness({ bind: { host: '127.0.0.1', port: 0 }, keyFile, leaseMs: opts.leaseMs ?? 300, clusters: opts.clusters, log: opts.log, stateFile, maxSkewMs: opts.maxSkewMs });
  servers.push(s);
  return s;
}

describe('witness over UDP', () => {
  test('two nodes racing for the grant: exactly one is granted, whatever the interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 15 }), async (delayA, delayB) => {
        const s = await witness({ leaseMs: 5000 });
        const [a, b] = await Promise.all([
          sleep(delayA).then(() => client(s.address.port, 'edge-a').ask()),
          sleep(delayB).then(() => client(s.address.port, 'edge-b').ask()),
        ]);
        expect([a.mayProceed, b.mayProceed].filter(Boolean)).toHaveLength(1);
        const loser = a.mayProceed ? b : a;
        const winner = a.mayProceed ? 'edge-a' : 'edge-b';
        expect(loser.reason).toContain(`node ${winner} of cluster plant-7 holds the grant`);
        expect(s.liveGrants().map((g) => g.nodeId)).toEqual([winner]);
        await s.close();
      }),
      { numRuns: 12 },
    );
  });

  test('renewal keeps the grant; once it is not renewed it runs out and the other node gets it', async () => {
    const { lines, log } = collectLog();
    const s = await witness({ leaseMs: 600, log });
    const a = client(s.address.port, 'edge-a');
    const b = client(s.address.port, 'edge-b');
    const first = await a.ask();
    expect(first).toMatchObject({ mayProceed: true, leaseMs: 600 });
    expect(first.reason).toMatch(/granted plant-7\/edge-a survival for 600 ms/);
    await sleep(300);
    expect((await a.ask()).mayProceed).toBe(true);
    await sleep(400); // 700 ms after the first grant, 400 after the renewal
    expect((await b.ask()).mayProceed).toBe(false);
    await sleep(300);
    const taken = await b.ask();
    expect(taken.mayProceed).toBe(true);
    expect(taken.reason).toContain('taken over from edge-a, whose lease had run out');
    expect(taken.takenOverFrom).toBe('edge-a');
    expect(first.takenOverFrom).toBeUndefined();
    expect(lines.some((l) => /GRANTED plant-7\/edge-a .*\(renewed\)/.test(l))).toBe(true);
    expect(lines.some((l) => /REFUSED claim by plant-7\/edge-b .*held/.test(l))).toBe(true);
  });

  test('release hands the grant over at once', async () => {
    const s = await witness({ leaseMs: 10_000 });
    const a = client(s.address.port, 'edge-a');
    expect((await a.ask()).mayProceed).toBe(true);
    expect((await client(s.address.port, 'edge-b').ask()).mayProceed).toBe(false);
    await a.release();
    expect(s.liveGrants()).toEqual([]);
    expect((await client(s.address.port, 'edge-b').ask()).mayProceed).toBe(true);
  });

  test('a client with the wrong key gets no answer and is not allowed to survive', async () => {
    const { lines, log } = collectLog();
    const s = await witness({ log });
    const r = await client(s.address.port, 'edge-a', { keyring: RING_OTHER, timeoutMs: 300 }).ask();
    expect(r.mayProceed).toBe(false);
    expect(r.reason).toMatch(/no answer within 300 ms to [1-9]\d* claim request/);
    expect(r.durationMs).toBeGreaterThanOrEqual(290);
    expect(lines.some((l) => l.includes('bad-mac'))).toBe(true);
    expect(s.liveGrants()).toEqual([]);
  });

  test('an answer forged with another key is not believed', async () => {
    // A fake witness answering "granted" under the wrong key.
    const dgram = await import('node:dgram');
    const fake = dgram.createSocket('udp4');
    fake.on('message', (buf, rinfo) => {
      const d = decodeWitnessMessage(buf, RING_W);
      if (!d.ok) return;
      const forged = encodeWitnessMessage({ ...d.msg, kind: 'granted', leaseMs: 1000, previousHolder: null }, RING_OTHER.signing);
      fake.send(forged, rinfo.port, rinfo.address);
    });
    await new Promise<void>((r) => fake.bind(0, '127.0.0.1', () => r()));
    const r = await client(fake.address().port, 'edge-a', { timeoutMs: 300 }).ask();
    fake.close();
    expect(r.mayProceed).toBe(false);
    expect(r.reason).toContain('bad-mac');
  });

  test('an answer for another cluster, or to a nonce the ask did not send, is not believed', async () => {
    const dgram = await import('node:dgram');
    for (const twist of ['cluster', 'nonce'] as const) {
      const fake = dgram.createSocket('udp4');
      fake.on('message', (buf, rinfo) => {
        const d = decodeWitnessMessage(buf, RING_W);
        if (!d.ok) return;
        const msg = { ...d.msg, kind: 'granted' as const, leaseMs: 1000, previousHolder: null };
        if (twist === 'cluster') msg.clusterId = 'plant-8';
        else msg.nonce = nonce();
        fake.send(encodeWitnessMessage(msg, RING_W.signing), rinfo.port, rinfo.address);
      });
      await new Promise<void>((r) => fake.bind(0, '127.0.0.1', () => r()));
      const r = await client(fake.address().port, 'edge-a', { timeoutMs: 250 }).ask();
      fake.close();
      expect(r.mayProceed).toBe(false);
      expect(r.reason).toContain(twist === 'cluster' ? 'an answer for plant-8/edge-a' : 'did not send (replayed or late)');
    }
  });

  test('a witness restricted to some clusters refuses the others, saying which it serves', async () => {
    const s = await witness({ clusters: ['plant-1', 'plant-2'] });
    const r = await client(s.address.port, 'edge-a', { clusterId: 'plant-7' }).ask();
    expect(r).toMatchObject({ mayProceed: false });
    expect(r.reason).toContain('does not serve cluster plant-7 (it serves plant-1, plant-2)');
    expect((await client(s.address.port, 'edge-a', { clusterId: 'plant-2' }).ask()).mayProceed).toBe(true);
  });

  test('a replayed claim is refused, and does not renew the grant', async () => {
    const s = await witness({ leaseMs: 400 });
    const claim = encodeWitnessMessage({ kind: 'claim', clusterId: 'plant-7', nodeId: 'edge-a', nonce: nonce(), timestampMs: Date.now() }, RING_W.signing);
    const [first] = await exchangeRaw(s.address.port, [claim]);
    expect(decodeWitnessMessage(first!, RING_W)).toMatchObject({ ok: true, msg: { kind: 'granted' } });
    await sleep(250);
    const [again] = await exchangeRaw(s.address.port, [claim]);
    expect(decodeWitnessMessage(again!, RING_W)).toMatchObject({ ok: true, msg: { kind: 'refused', code: 'replay', text: expect.stringContaining('already used') } });
    await sleep(200); // 450 ms after the only genuine claim: run out despite the replay
    expect((await client(s.address.port, 'edge-b').ask()).mayProceed).toBe(true);
  });

  test('a claim with a stale or future timestamp is refused, naming the clock difference', async () => {
    const s = await witness({ maxSkewMs: 1000 });
    const behind = await client(s.address.port, 'edge-a', { clock: { monotonicMs: () => performance.now(), wallMs: () => Date.now() - 5000 } }).ask();
    expect(behind.mayProceed).toBe(false);
    expect(behind.reason).toMatch(/request timestamp is \d+ ms behind the witness clock \(limit 1000 ms\); check the clocks/);
    const ahead = await client(s.address.port, 'edge-a', { clock: { monotonicMs: () => performance.now(), wallMs: () => Date.now() + 5000 } }).ask();
    expect(ahead.reason).toMatch(/ms ahead of the witness clock/);
    expect(s.liveGrants()).toEqual([]);
  });

  test('restarted without a state file: refuses every claim for one lease, then grants', async () => {
    const s = await witness({ leaseMs: 400, hold: true });
    const r = await client(s.address.port, 'edge-a').ask();
    expect(r.mayProceed).toBe(false);
    expect(r.reason).toMatch(/refuses every claim for one lease \(400 ms, \d+ ms more\)/);
    await sleep(450);
    expect((await client(s.address.port, 'edge-a').ask()).mayProceed).toBe(true);
  });

  test('restarted with its state file: the holder keeps renewing, the other node is refused', async () => {
    const stateDir = tempDir();
    const stateFile = path.join(stateDir, 'witness.json');
    const s1 = await witness({ leaseMs: 5000, stateFile: path.join(stateDir, 'missing.json') }).catch((e) => e);
    expect(s1).not.toBeInstanceOf(Error);
    // A missing file means "no record": the first start holds.
    expect((await client((s1 as WitnessServer).address.port, 'edge-a').ask()).reason).toContain('refuses every claim');
    await (s1 as WitnessServer).close();

    fs.writeFileSync(stateFile, JSON.stringify({ version: 1, leaseMs: 5000, holders: [] }));
    const s2 = await witness({ leaseMs: 5000, stateFile });
    expect((await client(s2.address.port, 'edge-a').ask()).mayProceed).toBe(true);
    expect(JSON.parse(fs.readFileSync(stateFile, 'utf8')).holders).toEqual([{ clusterId: 'plant-7', nodeId: 'edge-a' }]);
    await s2.close();

    const s3 = await witness({ leaseMs: 5000, stateFile });
    const other = await client(s3.address.port, 'edge-b').ask();
    expect(other.mayProceed).toBe(false);
    expect(other.reason).toContain('node edge-a of cluster plant-7 holds the grant');
    expect((await client(s3.address.port, 'edge-a').ask()).mayProceed).toBe(true);
    await client(s3.address.port, 'edge-a').release();
    expect(JSON.parse(fs.readFileSync(stateFile, 'utf8')).holders).toEqual([]);
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  test('a corrupt state file makes the witness hold, and says why', async () => {
    const stateDir = tempDir();
    const stateFile = path.join(stateDir, 'witness.json');
    fs.writeFileSync(stateFile, '{"version":1,"leaseMs":300,"holders":[{"clusterId":"x"}]}');
    const { lines, log } = collectLog();
    const s = await witness({ leaseMs: 300, stateFile, log });
    expect(lines.join('\n')).toMatch(/state file not usable .*holders\[0\] needs a clusterId and a nodeId.*refusing every claim for 300 ms/);
    expect((await client(s.address.port, 'edge-a').ask()).mayProceed).toBe(false);
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  test('garbage datagrams are dropped without an answer and the witness keeps serving', async () => {
    const { lines, log } = collectLog();
    const s = await witness({ leaseMs: 5000, log });
    const valid = encodeWitnessMessage({ kind: 'claim', clusterId: 'plant-7', nodeId: 'edge-z', nonce: nonce(), timestampMs: Date.now() }, RING_W.signing);
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.uint8Array({ maxLength: 1400 }).map((u) => Buffer.from(u)),
            fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })).map(([at, x]) => {
              const b = Buffer.from(valid);
              b[at % b.length]! ^= x;
              return b;
            }),
          ),
          { minLength: 1, maxLength: 20 },
        ),
        async (datagrams) => {
          const answers = await exchangeRaw(s.address.port, datagrams, 20);
          expect(answers).toEqual([]);
        },
      ),
      { numRuns: 15 },
    );
    expect((await client(s.address.port, 'edge-a').ask()).mayProceed).toBe(true);
    // Rate-limited: 10 lines in the window, then silence (the count comes with the next window).
    expect(lines.filter((l) => l.includes('dropped')).length).toBe(10);
  });

  test('start errors name the problem', async () => {
    await expect(startWitness({ bind: '127.0.0.1', keyFile })).rejects.toThrow(/--bind "127.0.0.1": expected host:port/);
    await expect(startWitness({ bind: 'witness.example:5409', keyFile })).rejects.toThrow(/not an IP address/);
    await expect(startWitness({ bind: { host: '127.0.0.1', port: 0 }, keyFile: path.join(dir, 'nope') })).rejects.toThrow(/witness --key-file: .*nope: cannot open/);
    const loose = writeKeyFile(dir, undefined, 'loose.key', 0o644);
    await expect(startWitness({ bind: { host: '127.0.0.1', port: 0 }, keyFile: loose })).rejects.toThrow(/mode 0644; expected 0600/);
    await expect(startWitness({ bind: { host: '127.0.0.1', port: 0 }, keyFile, leaseMs: 0 })).rejects.toThrow(WitnessStartError);
    const s = await witness();
    await expect(startWitness({ bind: { host: '127.0.0.1', port: s.address.port }, keyFile })).rejects.toThrow(/cannot listen on 127.0.0.1:\d+ \(UDP\): .*EADDRINUSE/);
  });
});
