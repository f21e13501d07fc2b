import type { Heartbeat } from '../../src/core/types';
import { encodeHeartbeat, REJECT_REASONS } from '../../src/protocol/heartbeatCodec';
import { keyringFromKeys } from '../../src/protocol/keyring';
import { HeartbeatReceiver, REJECT_LOG_INTERVAL_MS, type ReceiveResult } from '../../src/protocol/receiver';
import { KEY_B, RING_A, RING_B, sampleHeartbeat } from './helpers';

function newReceiver(): HeartbeatReceiver {
  return new HeartbeatReceiver({ clusterId: 'plant-7', peerId: 'edge-b', nodeId: 'edge-a', keyring: RING_A });
}

function wire(overrides: Partial<Heartbeat> = {}): Buffer {
  return encodeHeartbeat(sampleHeartbeat(overrides), RING_A.signing);
}

function reasonOf(r: ReceiveResult): string {
  return r.ok ? 'ok' : r.reason;
}

describe('HeartbeatReceiver checks', () => {
  it('accepts a heartbeat from the peer on its own path and returns it with the key id', () => {
    const rx = newReceiver();
    const r = rx.receive(wire({ pathId: 2 }), 2, 0);
    expect(r).toEqual({ ok: true, hb: sampleHeartbeat({ pathId: 2 }), keyId: 1 });
  });

  it('passes decode rejects through', () => {
    const rx = newReceiver();
    const bad = wire();
    bad[bad.length - 1] ^= 0x80;
    expect(reasonOf(rx.receive(bad, 0, 0))).toBe('bad-mac');
    expect(reasonOf(rx.receive(bad.subarray(0, 10), 0, 0))).toBe('truncated');
  });

  it('wrong-cluster, unknown-node (including our own id looped back), wrong-path', () => {
    const rx = newReceiver();
    expect(reasonOf(rx.receive(wire({ clusterId: 'plant-8' }), 0, 0))).toBe('wrong-cluster');
    expect(reasonOf(rx.receive(wire({ nodeId: 'edge-c' }), 0, 0))).toBe('unknown-node');
    const own = rx.receive(wire({ nodeId: 'edge-a' }), 0, 0);
    expect(own).toMatchObject({ ok: false, reason: 'unknown-node', detail: expect.stringContaining('looped back') });
    expect(reasonOf(rx.receive(wire({ pathId: 1 }), 0, 0))).toBe('wrong-path');
  });

  it('replay and stale-incarnation, judged per path', () => {
    const rx = newReceiver();
    expect(reasonOf(rx.receive(wire({ seq: 10 }), 0, 0))).toBe('ok');
    expect(reasonOf(rx.receive(wire({ seq: 10 }), 0, 20))).toBe('replay');
    expect(reasonOf(rx.receive(wire({ seq: 9 }), 0, 40))).toBe('replay');
    expect(reasonOf(rx.receive(wire({ seq: 9, pathId: 1 }), 1, 40))).toBe('ok');
    expect(reasonOf(rx.receive(wire({ seq: 1, incarnation: 1_700_000_001 }), 0, 60))).toBe('ok');
    const stale = rx.receive(wire({ seq: 99 }), 0, 80);
    expect(stale).toMatchObject({ ok: false, reason: 'stale-incarnation', detail: expect.stringContaining('1700000001') });
  });

  it('rejected datagrams cannot poison the replay guard', () => {
    const rx = newReceiver();
    const high = { seq: 1_000_000, incarnation: 0xffffffff };
    expect(reasonOf(rx.receive(wire({ ...high, clusterId: 'plant-8' }), 0, 0))).toBe('wrong-cluster');
    expect(reasonOf(rx.receive(wire({ ...high, nodeId: 'edge-c' }), 0, 0))).toBe('unknown-node');
    expect(reasonOf(rx.receive(wire({ ...high, pathId: 0 }), 1, 0))).toBe('wrong-path');
    const forged = wire(high);
    forged[forged.length - 1] ^= 1;
    expect(reasonOf(rx.receive(forged, 0, 0))).toBe('bad-mac');
    expect(reasonOf(rx.receive(wire({ seq: 1 }), 0, 0))).toBe('ok');
    expect(reasonOf(rx.receive(wire({ seq: 1, pathId: 1 }), 1, 0))).toBe('ok');
  });

  it('throws RangeError for a path id the caller cannot have configured', () => {
    expect(() => newReceiver().receive(wire(), 256, 0)).toThrow(RangeError);
  });

  it('setKeyring swaps the verification keys and keeps replay state', () => {
    const rx = newReceiver();
    expect(reasonOf(rx.receive(wire({ seq: 5 }), 0, 0))).toBe('ok');
    rx.setKeyring(keyringFromKeys([{ keyId: 2, key: KEY_B }]));
    expect(reasonOf(rx.receive(wire({ seq: 6 }), 0, 0))).toBe('unknown-key');
    const signedWith2 = (seq: number) => encodeHeartbeat(sampleHeartbeat({ seq }), RING_B.signing);
    expect(reasonOf(rx.receive(signedWith2(5), 0, 0))).toBe('replay');
    expect(rx.receive(signedWith2(7), 0, 0)).toMatchObject({ ok: true, keyId: 2 });
  });
});

describe('HeartbeatReceiver counters and log rate limit', () => {
  it('counts every reject per reason and every accept; counters() is a snapshot', () => {
    const rx = newReceiver();
    const before = rx.counters();
    expect(Object.keys(before).sort()).toEqual([...REJECT_REASONS, 'accepted'].sort());
    expect(Object.values(before).every((n) => n === 0)).toBe(true);
    rx.receive(wire({ seq: 1 }), 0, 0);
    rx.receive(wire({ seq: 1 }), 0, 0);
    rx.receive(wire({ seq: 1 }), 0, 0);
    rx.receive(wire({ nodeId: 'x' }), 0, 0);
    rx.receive(Buffer.alloc(3), 0, 0);
    const after = rx.counters();
    expect(after).toMatchObject({ accepted: 1, replay: 2, 'unknown-node': 1, truncated: 1, 'bad-mac': 0 });
    expect(before.accepted).toBe(0);
  });

  it('logs at most one reject per reason per interval, and reports how many it held back', () => {
    const rx = newReceiver();
    const logOf = (buf: Buffer, nowMs: number) => {
      const r = rx.receive(buf, 0, nowMs);
      if (r.ok) throw new Error('unexpectedly accepted');
      return r;
    };
    const truncated = Buffer.alloc(5);
    const oversized = Buffer.alloc(600);
    expect(logOf(truncated, 1_000).log).toBe(true);
    expect(logOf(truncated, 1_001).log).toBe(false);
    expect(logOf(oversized, 1_002).log).toBe(true); // another reason has its own budget
    expect(logOf(truncated, 1_000 + REJECT_LOG_INTERVAL_MS - 1).log).toBe(false);
    const again = logOf(truncated, 1_000 + REJECT_LOG_INTERVAL_MS);
    expect(again.log).toBe(true);
    expect(again.detail).toContain('+2 more truncated rejects');
    const next = logOf(truncated, 1_000 + REJECT_LOG_INTERVAL_MS + 1);
    expect(next.log).toBe(false);
    expect(next.detail).not.toContain('more');
    expect(rx.counters().truncated).toBe(5);
  });
});
