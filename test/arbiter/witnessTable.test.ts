import fc from 'fast-check';
import { NonceMemory } from '../../src/arbiter/nonceMemory';
import { WitnessTable, type WitnessTableOptions } from '../../src/arbiter/witnessTable';

const LEASE = 1000;
function table(over: Partial<WitnessTableOptions> = {}): WitnessTable {
  return new WitnessTable({ leaseMs: LEASE, maxClusters: 4, maxNodesPerCluster: 2, forgetAfterMs: 5000, startMs: 0, start: { kind: 'restored', holders: [], previousLeaseMs: LEASE }, ...over });
}

const ops = fc.array(
  fc.record({ node: fc.constantFrom('a' as const, 'b' as const), op: fc.constantFrom('claim' as const, 'claim' as const, 'release' as const), advanceMs: fc.integer({ min: 0, max: 700 }) }),
  { maxLength: 60 },
);

describe('WitnessTable', () => {
  test('any interleaving of claims, releases and time: never two live holders, and a grant is never taken early', () => {
    fc.assert(
      fc.property(ops, (seq) => {
        const t = table();
        let now = 0;
        // The model: who holds, until when (per the witness's own clock).
        let holder: { node: string; until: number } | null = null;
        for (const { node, op, advanceMs } of seq) {
          now += advanceMs;
          if (op === 'release') {
            const was = t.release('c', node, now);
            expect(was).toBe(holder !== null && holder.node === node && holder.until > now);
            if (holder?.node === node) holder = null;
            continue;
          }
          const r = t.claim('c', node, now);
          const heldByOther = holder !== null && holder.node !== node && holder.until > now;
          if (heldByOther) {
            expect(r).toMatchObject({ kind: 'refused', code: 'held', holder: holder!.node, retryAfterMs: holder!.until - now });
          } else {
            expect(r.kind).toBe('granted');
            holder = { node, until: now + LEASE };
          }
          const live = t.liveHolders(now);
          expect(live.length).toBeLessThanOrEqual(1);
          expect(live.map((h) => h.nodeId)).toEqual(holder && holder.until > now ? [holder.node] : []);
        }
      }),
      { numRuns: 500 },
    );
  });

  test('lease expiry hands the grant over and says from whom', () => {
    const t = table();
    expect(t.claim('c', 'a', 0)).toMatchObject({ kind: 'granted', renewal: false, previousHolder: null });
    expect(t.claim('c', 'b', 999)).toMatchObject({ kind: 'refused', code: 'held', holder: 'a', retryAfterMs: 1 });
    expect(t.claim('c', 'a', 500)).toMatchObject({ kind: 'granted', renewal: true });
    expect(t.claim('c', 'b', 1499)).toMatchObject({ kind: 'refused', holder: 'a' });
    expect(t.claim('c', 'b', 1500)).toMatchObject({ kind: 'granted', renewal: false, previousHolder: 'a' });
  });

  test('release frees the grant at once; a release by a non-holder changes nothing', () => {
    const t = table();
    t.claim('c', 'a', 0);
    expect(t.release('c', 'b', 10)).toBe(false);
    expect(t.claim('c', 'b', 20)).toMatchObject({ kind: 'refused' });
    expect(t.release('c', 'a', 30)).toBe(true);
    // Released, not run out: no previous holder whose watchdog must be waited for.
    expect(t.claim('c', 'b', 40)).toMatchObject({ kind: 'granted', previousHolder: null });
  });

  test('clusters are independent', () => {
    const t = table();
    expect(t.claim('c1', 'a', 0).kind).toBe('granted');
    expect(t.claim('c2', 'b', 0).kind).toBe('granted');
  });

  test('started without state: every claim is refused for one lease, then granted', () => {
    const t = table({ start: { kind: 'hold' }, startMs: 100 });
    const r = t.claim('c', 'a', 600);
    expect(r).toMatchObject({ kind: 'refused', code: 'restart-hold', retryAfterMs: 500 });
    expect(r.kind === 'refused' && r.text).toMatch(/refuses every claim for one lease \(1000 ms, 500 ms more\)/);
    expect(t.claim('c', 'b', 1099).kind).toBe('refused');
    expect(t.claim('c', 'b', 1100).kind).toBe('granted');
  });

  test('restored holders keep their grant and may renew; others wait for the longer of the two leases', () => {
    const t = table({ startMs: 0, start: { kind: 'restored', holders: [{ clusterId: 'c', nodeId: 'a' }], previousLeaseMs: 3000 } });
    expect(t.claim('c', 'b', 0)).toMatchObject({ kind: 'refused', code: 'held', holder: 'a', retryAfterMs: 3000 });
    expect(t.claim('c', 'a', 10)).toMatchObject({ kind: 'granted', renewal: true });
    expect(t.claim('c2', 'x', 10).kind).toBe('granted');
    const t2 = table({ start: { kind: 'restored', holders: [{ clusterId: 'c', nodeId: 'a' }], previousLeaseMs: 3000 } });
    expect(t2.claim('c', 'b', 2999).kind).toBe('refused');
    expect(t2.claim('c', 'b', 3000).kind).toBe('granted');
  });

  test('bounded: a full witness refuses new clusters and nodes until old idle records may be forgotten', () => {
    const t = table({ maxClusters: 2, maxNodesPerCluster: 2 });
    expect(t.node('c1', 'a', 0)).toBeInstanceOf(NonceMemory);
    expect(t.node('c2', 'a', 0)).toBeInstanceOf(NonceMemory);
    expect(t.node('c3', 'a', 10)).toMatch(/maximum of 2 clusters/);
    expect(t.node('c1', 'b', 10)).toBeInstanceOf(NonceMemory);
    expect(t.node('c1', 'c', 10)).toMatch(/maximum of 2 nodes/);
    t.claim('c1', 'a', 10);
    // After forgetAfterMs: c2 (idle, no grant) may go; c1 holds a live grant only if renewed.
    expect(t.node('c3', 'a', 5010)).toBeInstanceOf(NonceMemory);
    expect(t.clusterCount).toBe(2);
    // A live holder is never forgotten: c1/a renews and c1 keeps its record.
    t.claim('c1', 'a', 5011);
    expect(t.node('c4', 'a', 5012)).toMatch(/maximum of 2 clusters/);
  });
});

describe('NonceMemory', () => {
  test('a nonce is accepted once', () => {
    const m = new NonceMemory(4);
    const n = Buffer.alloc(16, 1);
    expect(m.admit(n, 10)).toEqual({ fresh: true });
    expect(m.admit(n, 11)).toMatchObject({ fresh: false, why: expect.stringContaining('already used') });
  });

  test('forgetting raises a floor, so no replay gets in however many requests come between', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 80 }), fc.nat(), (stamps, pick) => {
        const m = new NonceMemory(8);
        const sent: Array<[Buffer, number]> = [];
        stamps.forEach((ts, i) => {
          const n = Buffer.alloc(16);
          n.writeUInt32BE(i, 0);
          if (m.admit(n, ts).fresh) sent.push([n, ts]);
        });
        if (sent.length === 0) return;
        const [n, ts] = sent[pick % sent.length]!;
        expect(m.admit(n, ts).fresh).toBe(false);
      }),
    );
  });
});
