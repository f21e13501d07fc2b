import { ReplayGuard } from '../../src/protocol/replayGuard';

describe('ReplayGuard', () => {
  it('accepts the first heartbeat of a path whatever its seq, then only higher seqs', () => {
    const g = new ReplayGuard();
    expect(g.highestSeq(0)).toBeNull();
    expect(g.highestIncarnation(0)).toBeNull();
    expect(g.admit(0, 7, 0)).toBe('fresh');
    expect(g.admit(0, 7, 0)).toBe('replay');
    expect(g.admit(0, 7, 5)).toBe('fresh');
    expect(g.admit(0, 7, 4)).toBe('replay');
    expect(g.admit(0, 7, 5)).toBe('replay');
    expect(g.admit(0, 7, 6)).toBe('fresh');
    expect(g.highestSeq(0)).toBe(6);
    expect(g.highestIncarnation(0)).toBe(7);
  });

  it('a higher incarnation resets the seq; a lower one is stale whatever its seq', () => {
    const g = new ReplayGuard();
    expect(g.admit(1, 5, 100)).toBe('fresh');
    expect(g.admit(1, 6, 1)).toBe('fresh');
    expect(g.admit(1, 6, 1)).toBe('replay');
    expect(g.admit(1, 5, 1_000)).toBe('stale-incarnation');
    expect(g.admit(1, 6, 2)).toBe('fresh');
    expect(g.highestIncarnation(1)).toBe(6);
    expect(g.highestSeq(1)).toBe(2);
  });

  it('judges each path on its own (the sender shares one seq across paths)', () => {
    const g = new ReplayGuard();
    expect(g.admit(0, 1, 10)).toBe('fresh');
    expect(g.admit(1, 1, 9)).toBe('fresh');
    expect(g.admit(255, 0, 0)).toBe('fresh');
    expect(g.admit(1, 1, 9)).toBe('replay');
    expect(g.admit(0, 1, 11)).toBe('fresh');
    expect(g.highestSeq(1)).toBe(9);
    expect(g.highestSeq(2)).toBeNull();
  });

  it('keeps full precision at the top of the seq and incarnation ranges', () => {
    const g = new ReplayGuard();
    expect(g.admit(0, 0xffffffff, Number.MAX_SAFE_INTEGER - 1)).toBe('fresh');
    expect(g.admit(0, 0xffffffff, Number.MAX_SAFE_INTEGER - 1)).toBe('replay');
    expect(g.admit(0, 0xffffffff, Number.MAX_SAFE_INTEGER)).toBe('fresh');
    expect(g.admit(0, 0xfffffffe, Number.MAX_SAFE_INTEGER)).toBe('stale-incarnation');
  });

  it('throws RangeError for a path id outside one byte', () => {
    const g = new ReplayGuard();
    expect(() => g.admit(256, 1, 1)).toThrow(RangeError);
    expect(() => g.admit(-1, 1, 1)).toThrow(RangeError);
    expect(() => g.highestSeq(1.5)).toThrow(RangeError);
  });
});
