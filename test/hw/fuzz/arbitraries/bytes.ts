// Byte-level generators shared by the fuzz suite: pure garbage (random bytes,
// NUL/CR/LF/0xFF storms, runs longer than any line limit) and near-valid
// input (a real frame or line with bytes flipped, cut, inserted, deleted or
// repeated), plus the split of a stream into the chunks a link delivers.
// Near-valid input matters most: random bytes are rejected at the first
// check, while a frame with one bad byte walks deep into a parser.

import fc from 'fast-check';

/** Bytes that end lines or fill dead lines on serial links. */
export const STORM_BYTES = [0x00, 0x0d, 0x0a, 0xff] as const;

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function latin1Bytes(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text, 'latin1'));
}

export function latin1Text(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('latin1');
}

/** A run of NUL, CR, LF and 0xFF (and `extra` bytes, e.g. APC alert characters). */
export function storm(maxLength = 300, extra: readonly number[] = []): fc.Arbitrary<Uint8Array> {
  return fc.array(fc.constantFrom(...STORM_BYTES, ...extra), { maxLength }).map((a) => Uint8Array.from(a));
}

/** One byte repeated from just under to several times `limit`: the line that never ends. */
export function hugeRun(limit: number, avoid: readonly number[] = []): fc.Arbitrary<Uint8Array> {
  const byte = fc.integer({ min: 0, max: 255 }).filter((b) => !avoid.includes(b));
  return fc.tuple(byte, fc.integer({ min: Math.max(0, limit - 2), max: limit * 4 })).map(([b, n]) => new Uint8Array(n).fill(b));
}

type Mutation =
  | { kind: 'flip'; at: number; mask: number }
  | { kind: 'set'; at: number; byte: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'repeat'; at: number; length: number; times: number };

function mutationArb(special: readonly number[]): fc.Arbitrary<Mutation> {
  const at = fc.nat();
  const interesting = fc.constantFrom(...STORM_BYTES, ...special);
  const anyByte = fc.oneof(interesting, fc.integer({ min: 0, max: 255 }));
  return fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at, mask: fc.integer({ min: 1, max: 255 }) }),
    fc.record({ kind: fc.constant('set' as const), at, byte: anyByte }),
    fc.record({ kind: fc.constant('truncate' as const), at }),
    fc.record({ kind: fc.constant('insert' as const), at, bytes: fc.array(anyByte, { minLength: 1, maxLength: 8 }).map((a) => Uint8Array.from(a)) }),
    fc.record({ kind: fc.constant('delete' as const), at, length: fc.integer({ min: 1, max: 8 }) }),
    fc.record({ kind: fc.constant('repeat' as const), at, length: fc.integer({ min: 1, max: 16 }), times: fc.integer({ min: 2, max: 40 }) }),
  );
}

function applyMutation(b: Uint8Array, m: Mutation): Uint8Array {
  const n = b.length;
  const at = n === 0 ? 0 : m.at % (n + 1);
  switch (m.kind) {
    case 'flip':
    case 'set': {
      if (n === 0) return b;
      const out = Uint8Array.from(b);
      const i = m.at % n;
      out[i] = m.kind === 'flip' ? out[i]! ^ m.mask : m.byte;
      return out;
    }
    case 'truncate':
      return b.subarray(0, at);
    case 'insert':
      return concatBytes([b.subarray(0, at), m.bytes, b.subarray(at)]);
    case 'delete':
      return concatBytes([b.subarray(0, at), b.subarray(at + m.length)]);
    case 'repeat': {
      const piece = b.subarray(at, at + m.length);
      return concatBytes([b.subarray(0, at), ...Array.from({ length: m.times }, () => piece), b.subarray(at)]);
    }
  }
}

/** `base` with 1..maxMutations byte mutations; `special` adds protocol bytes worth inserting (terminators, headers, alerts). */
export function mutatedBytes(base: fc.Arbitrary<Uint8Array>, special: readonly number[] = [], maxMutations = 4): fc.Arbitrary<Uint8Array> {
  return fc.tuple(base, fc.array(mutationArb(special), { minLength: 1, maxLength: maxMutations })).map(([b, ms]) => ms.reduce(applyMutation, b));
}

/** Latin-1 text view of mutatedBytes, for the text parsers. */
export function mutatedText(base: fc.Arbitrary<string>, special: readonly number[] = [], maxMutations = 4): fc.Arbitrary<string> {
  return mutatedBytes(base.map(latin1Bytes), special, maxMutations).map(latin1Text);
}

/** Cut `bytes` at the given points (taken modulo its length), as a serial or TCP link may deliver it. */
export function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  if (bytes.length === 0) return [bytes];
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(from, p));
    from = p;
  }
  return out;
}

/** Cut points for splitAt: none (one chunk), a few, or nearly one per byte. */
export const cutPoints: fc.Arbitrary<number[]> = fc.oneof(
  fc.constant<number[]>([]),
  fc.array(fc.nat(), { maxLength: 12 }),
  fc.array(fc.nat(), { minLength: 40, maxLength: 200 }),
);

/** A stream of garbage and near-valid pieces built from `seeds`, concatenated. */
export function mixedStream(seeds: readonly Uint8Array[], limit: number, special: readonly number[] = []): fc.Arbitrary<Uint8Array> {
  const seed = fc.constantFrom(...seeds);
  const piece = fc.oneof(
    { weight: 3, arbitrary: seed },
    { weight: 4, arbitrary: mutatedBytes(seed, special) },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 200 }) },
    { weight: 2, arbitrary: storm(200, special) },
    { weight: 1, arbitrary: hugeRun(limit) },
  );
  return fc.array(piece, { minLength: 1, maxLength: 8 }).map(concatBytes);
}
