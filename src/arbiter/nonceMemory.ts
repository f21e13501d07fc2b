// Replay memory of one node at the witness. A recorded claim keeps a valid
// MAC forever; replayed, it would renew the grant of a node that may be dead
// and so keep its peer from surviving. The witness therefore accepts a nonce
// once, and remembers a bounded number of them: when it forgets the oldest, it
// raises a floor to that request's timestamp and refuses anything not newer,
// so forgetting never reopens a replay.

export const NONCES_PER_NODE = 32;

export type NonceVerdict = { fresh: true } | { fresh: false; why: string };

export class NonceMemory {
  /** nonce (hex) -> timestamp, in arrival order. */
  private readonly seen = new Map<string, number>();
  private floorMs = -Infinity;

  constructor(private readonly capacity = NONCES_PER_NODE) {}

  /** Judges one authenticated request and records it when fresh. */
  admit(nonce: Buffer, timestampMs: number): NonceVerdict {
    const key = nonce.toString('hex');
    if (this.seen.has(key)) return { fresh: false, why: 'this nonce was already used (replayed request)' };
    if (timestampMs <= this.floorMs) {
      return { fresh: false, why: `timestamp ${timestampMs} is not newer than ${this.floorMs}, the oldest request the witness still judges` };
    }
    this.seen.set(key, timestampMs);
    while (this.seen.size > this.capacity) {
      const [oldest, ts] = this.seen.entries().next().value as [string, number];
      this.seen.delete(oldest);
      this.floorMs = Math.max(this.floorMs, ts);
    }
    return { fresh: true };
  }
}
