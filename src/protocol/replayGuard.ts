// Anti-replay for authenticated heartbeats. A recorded datagram keeps a valid
// MAC forever, so an attacker (or a looping switch) could re-send an old
// "I am alive" and hold off a failover; we accept a datagram only if it is
// newer than everything already accepted on its path.
//
// Judged per path because the sender's seq is shared by all paths: a datagram
// can overtake another one sent earlier on a slower path, and that is not a
// replay. The path id is authenticated, so a datagram cannot move paths.

const PATHS = 256; // pathId is one byte: the state is two fixed arrays, whatever arrives.
const NONE = -1;

export type ReplayVerdict = 'fresh' | 'replay' | 'stale-incarnation';

export class ReplayGuard {
  // Float64 holds every u32 incarnation and every seq up to 2^53 - 1 exactly.
  private readonly incarnationByPath = new Float64Array(PATHS).fill(NONE);
  private readonly seqByPath = new Float64Array(PATHS);

  /**
   * Judges one heartbeat and records it if it is fresh. Call only for a
   * datagram that passed every other check, so a forged or misdirected one
   * can never raise the bar for genuine ones.
   */
  admit(pathId: number, incarnation: number, seq: number): ReplayVerdict {
    checkPathId(pathId);
    const seenIncarnation = this.incarnationByPath[pathId]!;
    if (incarnation < seenIncarnation) return 'stale-incarnation';
    // A higher incarnation is a restarted peer whose seq starts over.
    if (incarnation === seenIncarnation && seq <= this.seqByPath[pathId]!) return 'replay';
    this.incarnationByPath[pathId] = incarnation;
    this.seqByPath[pathId] = seq;
    return 'fresh';
  }

  /** Highest incarnation accepted on the path, or null if none yet. */
  highestIncarnation(pathId: number): number | null {
    checkPathId(pathId);
    const v = this.incarnationByPath[pathId]!;
    return v === NONE ? null : v;
  }

  /** Highest seq accepted on the path within highestIncarnation, or null if none yet. */
  highestSeq(pathId: number): number | null {
    checkPathId(pathId);
    return this.incarnationByPath[pathId] === NONE ? null : this.seqByPath[pathId]!;
  }
}

function checkPathId(pathId: number): void {
  if (!Number.isInteger(pathId) || pathId < 0 || pathId >= PATHS) {
    throw new RangeError(`ReplayGuard: pathId ${pathId} is not an integer in 0..${PATHS - 1}`);
  }
}
