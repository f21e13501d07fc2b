// Framing of the Areca serial API: the worked frames of reference §8.1, the
// framer's resynchronisation rules, and fast-check properties over random
// byte streams split at random chunk boundaries.

import fc from 'fast-check';
import {
  ARECA_MAX_FRAME_BYTES,
  ARECA_STATUS,
  ArecaFramer,
  arecaChecksum,
  encodeFrame,
  encodeRequest,
  hex,
  statusBody,
  type ArecaFramerEvent,
  type ArecaRequest,
} from '../../../../hw/raid/arecaSerial';

const bytes = (s: string): Buffer => Buffer.from(s.split(' ').map((h) => parseInt(h, 16)));
const frames = (events: ArecaFramerEvent[]): string[] => events.flatMap((e) => (e.kind === 'frame' ? [hex(e.body)] : []));
const discards = (events: ArecaFramerEvent[]): Array<[string, number]> =>
  events.flatMap((e) => (e.kind === 'discard' ? [[e.reason, e.bytes] as [string, number]] : []));

describe('worked frames of reference §8.1', () => {
  it.each<[string, ArecaRequest, string]>([
    ['GUI_IDENTIFY', { kind: 'identify' }, '5E 01 61 01 00 13 14'],
    ['GUI_GET_INFO_S', { kind: 'getSystemInfo' }, '5E 01 61 01 00 23 24'],
    ['GUI_GET_INFO_R raid 0', { kind: 'getRaidSetInfo', raidSet: 0 }, '5E 01 61 02 00 20 00 22'],
    ['GUI_GET_INFO_V vol 0', { kind: 'getVolumeInfo', volume: 0 }, '5E 01 61 02 00 21 00 23'],
    ['GUI_GET_INFO_P disk 0', { kind: 'getDiskInfo', disk: 0 }, '5E 01 61 02 00 22 00 24'],
    ['GUI_GET_INFO_P disk 4 enclosure 1', { kind: 'getDiskInfo', disk: 4, enclosure: 1 }, '5E 01 61 03 00 22 04 01 2A'],
    ['GUI_MUTE_BEEPER', { kind: 'muteBeeper' }, '5E 01 61 01 00 30 31'],
    ['GUI_CHECK_PASSWORD "0000"', { kind: 'checkPassword', password: '0000' }, '5E 01 61 06 00 14 04 30 30 30 30 DE'],
  ])('%s', (_name, req, wire) => {
    const encoded = encodeRequest(req);
    if (!encoded.ok) throw new Error(encoded.error);
    expect(hex(encoded.value)).toBe(wire);
  });

  it('OK status reply', () => {
    expect(hex(encodeFrame(statusBody(ARECA_STATUS.OK)))).toBe('5E 01 61 01 00 41 42');
  });

  it('checksum counts both length bytes', () => {
    const body = Buffer.alloc(300, 1);
    // 300 = 0x012C: 0x2C + 0x01 + 300 × 1 = 345 → 0x59.
    expect(arecaChecksum(body)).toBe(0x59);
  });

  it('refuses bodies outside 1..2040 bytes and bad request fields', () => {
    expect(() => encodeFrame(Buffer.alloc(0))).toThrow('Areca frame body must be 1..2040 bytes, got 0');
    expect(() => encodeFrame(Buffer.alloc(2041))).toThrow('got 2041');
    expect(encodeRequest({ kind: 'getRaidSetInfo', raidSet: 256 })).toEqual({ ok: false, error: 'raidSet must be an integer 0..255, got 256' });
    expect(encodeRequest({ kind: 'getDiskInfo', disk: 1, enclosure: -1 })).toEqual({ ok: false, error: 'enclosure must be an integer 0..255, got -1' });
    expect(encodeRequest({ kind: 'checkPassword', password: 'x'.repeat(16) })).toEqual({
      ok: false,
      error: 'password must be at most 15 printable ASCII characters',
    });
    expect(encodeRequest({ kind: 'raw', command: 0x19, data: Buffer.alloc(2040) })).toEqual({
      ok: false,
      error: 'command 0x19 with 2040 data bytes exceeds LEN 2040',
    });
  });
});

describe('ArecaFramer', () => {
  const OK_FRAME = '5E 01 61 01 00 41 42';

  it('delivers a frame pushed in one chunk or byte by byte', () => {
    expect(frames(new ArecaFramer().push(bytes(OK_FRAME)))).toEqual(['41']);
    const f = new ArecaFramer();
    const events = bytes(OK_FRAME).reduce<ArecaFramerEvent[]>((acc, b) => [...acc, ...f.push(Uint8Array.of(b))], []);
    expect(events).toEqual([{ kind: 'frame', body: Buffer.of(0x41) }]);
    expect(f.bufferedBytes).toBe(0);
  });

  it('delivers two frames from one chunk, in order', () => {
    expect(frames(new ArecaFramer().push(bytes(`${OK_FRAME} 5E 01 61 02 00 20 00 22`)))).toEqual(['41', '20 00']);
  });

  it('counts garbage before a header, keeping a split header buffered', () => {
    const f = new ArecaFramer();
    expect(f.push(bytes('00 FF 5E 01'))).toEqual([{ kind: 'discard', reason: 'garbage', bytes: 2, message: 'skipped 2 byte(s) before a 5E 01 61 header' }]);
    expect(f.bufferedBytes).toBe(2);
    expect(frames(f.push(bytes('61 01 00 41 42')))).toEqual(['41']);
  });

  it('rejects a bad checksum and finds a frame starting inside the rejected bytes', () => {
    // A bogus header whose LEN (5) swallows the start of a real frame.
    const f = new ArecaFramer();
    const events = f.push(bytes(`5E 01 61 05 00 ${OK_FRAME}`));
    expect(events[0]).toEqual({
      kind: 'discard',
      reason: 'bad-checksum',
      bytes: 1,
      message: 'frame with LEN 5 has checksum 0x41, expected 0xC6; resynchronising',
    });
    expect(frames(events)).toEqual(['41']);
  });

  it('rejects LEN 0 and LEN over 2040 at once, without waiting for the bytes', () => {
    const f = new ArecaFramer();
    expect(discards(f.push(bytes('5E 01 61 00 00')))).toEqual([
      ['bad-length', 1],
      ['garbage', 4],
    ]);
    expect(f.push(bytes('5E 01 61 F9 07'))[0]).toMatchObject({ reason: 'bad-length', message: 'header with LEN 2041 (must be 1..2040); resynchronising' });
    expect(f.bufferedBytes).toBe(0);
  });

  it('gives up an incomplete frame when the line goes idle, and recovers a frame behind it', () => {
    const f = new ArecaFramer();
    // A bogus header promising 2000 bytes, then a real frame, then silence.
    expect(f.push(bytes(`5E 01 61 D0 07 ${OK_FRAME}`))).toEqual([]);
    expect(f.bufferedBytes).toBe(12);
    const idle = f.lineIdle();
    expect(idle[0]).toEqual({ kind: 'discard', reason: 'truncated', bytes: 1, message: 'line went idle inside a frame: LEN 2000 needs 2006 bytes, only 12 arrived' });
    expect(frames(idle)).toEqual(['41']);
    expect(f.bufferedBytes).toBe(0);
  });

  it('on idle drops a split header as garbage; reset drops everything', () => {
    const f = new ArecaFramer();
    f.push(bytes('5E 01'));
    expect(f.lineIdle()).toEqual([{ kind: 'discard', reason: 'garbage', bytes: 2, message: 'line went idle after 2 byte(s) of a split header' }]);
    f.push(bytes('5E 01 61 03'));
    expect(f.reset()).toBe(4);
    expect(f.bufferedBytes).toBe(0);
  });

  it('does not alias the caller buffer in frames it returns', () => {
    const chunk = bytes(OK_FRAME);
    const [event] = new ArecaFramer().push(chunk);
    chunk.fill(0);
    expect(event).toEqual({ kind: 'frame', body: Buffer.of(0x41) });
  });
});

// ---------------------------------------------------------------- properties

/** Cut a stream at random points. */
const chunked = (data: Buffer, cuts: number[]): Buffer[] => {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let last = 0;
  for (const p of [...points, data.length]) {
    parts.push(data.subarray(last, p));
    last = p;
  }
  return parts;
};

function feed(framer: ArecaFramer, parts: Buffer[]): ArecaFramerEvent[] {
  const events: ArecaFramerEvent[] = [];
  for (const part of parts) {
    events.push(...framer.push(part));
    expect(framer.bufferedBytes).toBeLessThan(ARECA_MAX_FRAME_BYTES);
  }
  return events;
}

/** Bytes biased towards header pieces, so resynchronisation paths are exercised. */
const noisyByte = fc.oneof(fc.constantFrom(0x5e, 0x01, 0x61, 0x00, 0x07), fc.integer({ min: 0, max: 255 }));
const noise = fc.oneof(
  fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
  fc.array(fc.oneof(noisyByte, noisyByte, fc.constant(-1)), { maxLength: 64 }).map((xs) =>
    Buffer.concat(xs.map((x) => (x < 0 ? Buffer.from([0x5e, 0x01, 0x61]) : Buffer.of(x)))),
  ),
);
const bodyArb = fc.uint8Array({ minLength: 1, maxLength: 300 }).map((a) => Buffer.from(a));

describe('ArecaFramer properties', () => {
  it('never throws, never holds a full frame, and only emits frames that are in the stream with a valid checksum', () => {
    fc.assert(
      fc.property(fc.array(noise, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 12 }), (pieces, cuts) => {
        const stream = Buffer.concat(pieces);
        const framer = new ArecaFramer();
        const events = [...feed(framer, chunked(stream, cuts)), ...framer.lineIdle()];
        let accounted = 0;
        for (const e of events) {
          if (e.kind === 'frame') {
            // Re-framing the body reproduces header, LEN and checksum; it must occur in the input verbatim.
            expect(stream.includes(encodeFrame(e.body))).toBe(true);
            accounted += e.body.length + 6;
          } else {
            accounted += e.bytes;
          }
        }
        // Every input byte ends up in exactly one frame or one discard.
        expect(accounted).toBe(stream.length);
        expect(framer.bufferedBytes).toBe(0);
      }),
      { numRuns: 1000 },
    );
  });

  it('recovers a valid frame embedded in garbage, split at any chunk boundaries', () => {
    fc.assert(
      fc.property(noise, bodyArb, noise, fc.array(fc.nat(), { maxLength: 12 }), (before, body, after, cuts) => {
        const frame = encodeFrame(body);
        const stream = Buffer.concat([before, frame, after]);
        const framer = new ArecaFramer();
        const events = [...feed(framer, chunked(stream, cuts)), ...framer.lineIdle()];
        const emitted = events.flatMap((e) => (e.kind === 'frame' ? [encodeFrame(e.body)] : []));
        if (emitted.some((f) => f.equals(frame))) return;
        // The only excuse: noise formed a checksum-valid frame that overlaps the real one.
        const start = before.length;
        const end = start + frame.length;
        const overlaps = emitted.some((f) => {
          for (let at = stream.indexOf(f); at >= 0; at = stream.indexOf(f, at + 1)) if (at < end && at + f.length > start) return true;
          return false;
        });
        expect(overlaps).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('recovers the frame exactly when the garbage holds no 0x5E', () => {
    const clean = fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a.filter((b) => b !== 0x5e)));
    fc.assert(
      fc.property(clean, bodyArb, clean, fc.array(fc.nat(), { maxLength: 12 }), (before, body, after, cuts) => {
        const framer = new ArecaFramer();
        const events = feed(framer, chunked(Buffer.concat([before, encodeFrame(body), after]), cuts));
        // No idle needed: nothing in the garbage can start a frame.
        expect(events.filter((e) => e.kind === 'frame')).toEqual([{ kind: 'frame', body }]);
      }),
      { numRuns: 500 },
    );
  });
});
