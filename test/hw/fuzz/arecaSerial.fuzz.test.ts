// Areca serial API (hw/raid/arecaSerial): the streaming framer, the request
// and reply decoders and the controller simulator, fed garbage and frames
// with flipped, cut or repeated bytes, split at random points. Frame seeds
// carry the disks of the real `cli64 disk info` fixtures.

import fc from 'fast-check';
import { parseArecaDiskInfo } from '../../../hw/raid/arecaCli';
import {
  ARECA_COMMAND,
  ARECA_HEADER,
  ARECA_MAX_FRAME_BYTES,
  ARECA_MAX_LENGTH,
  ArecaFramer,
  ArecaSimulator,
  createArecaModel,
  decodeReply,
  decodeRequest,
  encodeDiskInfo,
  encodeFrame,
  encodeRaidSetInfo,
  encodeRequest,
  encodeSystemInfo,
  encodeVolumeInfo,
  requestBody,
  SIMULATOR_HISTORY_MAX,
  statusBody,
  type ArecaDiskInfo,
  type ArecaFramerEvent,
  type ArecaRequest,
} from '../../../hw/raid/arecaSerial';
import { diskInfoArb, raidSetInfoArb, systemInfoArb, volumeInfoArb } from '../raid/arecaSerial/arbitraries';
import { concatBytes, cutPoints, mixedStream, mutatedBytes, splitAt } from './arbitraries/bytes';
import { fuzzParams } from './arbitraries/params';
import { ARECA_DISK_TEXTS } from './arbitraries/seeds';
import { check, expectTypedResult } from './expectTyped';

const HEADER_BYTES = [...ARECA_HEADER];
/** The most a framer may hold between pushes: one frame short of its checksum byte. */
const FRAMER_BOUND = ARECA_MAX_FRAME_BYTES - 1;

/** Disks of the real cli64 fixtures as the serial API's disk struct. */
const FIXTURE_DISKS: ArecaDiskInfo[] = ARECA_DISK_TEXTS.flatMap((t) => parseArecaDiskInfo(t).disks).map((d, i) => ({
  model: d.model ?? '',
  serialNumber: `FIX${i}`,
  firmwareRev: '',
  capacityBlocks: Math.round((d.capacityGB * 1e9) / 512),
  deviceStateRaw: d.use === 'failed' ? 0x10 : 0x88,
  pioMode: 4,
  currentUdmaMode: 6,
  udmaMode: 6,
  driveSelect: d.index,
  raidSetNumber: d.use === 'member' ? 0 : null,
  scsi: { channel: 0, target: d.channel ?? 0, lun: 0, tagged: 1, cache: 1, speed: 0 },
}));

const REQUESTS: ArecaRequest[] = [
  { kind: 'identify' },
  { kind: 'checkPassword', password: '0000' },
  { kind: 'logout' },
  { kind: 'getRaidSetInfo', raidSet: 0 },
  { kind: 'getVolumeInfo', volume: 0 },
  { kind: 'getDiskInfo', disk: 3 },
  { kind: 'getDiskInfo', disk: 1, enclosure: 2 },
  { kind: 'getSystemInfo' },
  { kind: 'muteBeeper' },
  { kind: 'raw', command: 0x19, data: Uint8Array.of(1, 2) },
];

const MODEL = createArecaModel({ memberCount: 4 });
const REPLY_BODIES: Buffer[] = [
  ...FIXTURE_DISKS.map(encodeDiskInfo),
  encodeSystemInfo(MODEL.system),
  ...MODEL.raidSets.map(encodeRaidSetInfo),
  ...MODEL.volumes.map(encodeVolumeInfo),
  statusBody(0x41),
  statusBody(0x4d),
  Buffer.from(MODEL.identifyText, 'latin1'),
];
const FRAME_SEEDS: Uint8Array[] = [
  ...REPLY_BODIES.map((b) => encodeFrame(b)),
  ...REQUESTS.map((r) => {
    const f = encodeRequest(r);
    if (!f.ok) throw new Error(f.error);
    return f.value;
  }),
];

const DISCARD_REASONS = ['garbage', 'bad-length', 'bad-checksum', 'truncated'];
function checkEvent(e: ArecaFramerEvent): void {
  if (e.kind === 'frame') {
    check(e.body.length >= 1 && e.body.length <= ARECA_MAX_LENGTH, () => `frame body of ${e.body.length} bytes`);
  } else {
    check(DISCARD_REASONS.includes(e.reason), () => `discard reason ${e.reason}`);
    check(e.bytes >= 1 && e.message.trim() !== '', () => `discard ${JSON.stringify(e)}`);
  }
}

const hostileStream = mixedStream(FRAME_SEEDS, ARECA_MAX_FRAME_BYTES, HEADER_BYTES);

describe('Areca framer on hostile streams', () => {
  it(`holds at most ${FRAMER_BOUND} bytes after every chunk, and line idle empties it`, () => {
    fc.assert(
      fc.property(hostileStream, cutPoints, (stream, cuts) => {
        const framer = new ArecaFramer();
        let seen = 0;
        for (const chunk of splitAt(stream, cuts)) {
          for (const e of framer.push(chunk)) {
            checkEvent(e);
            seen += e.kind === 'frame' ? e.body.length + 6 : e.bytes;
          }
          check(framer.bufferedBytes <= FRAMER_BOUND, () => `${framer.bufferedBytes} bytes buffered`);
        }
        for (const e of framer.lineIdle()) {
          checkEvent(e);
          seen += e.kind === 'frame' ? e.body.length + 6 : e.bytes;
        }
        expect(framer.bufferedBytes).toBe(0);
        // Every byte is accounted for exactly once: delivered in a frame or reported as discarded.
        expect(seen).toBe(stream.length);
      }),
      fuzzParams(400),
    );
  });

  it('finds every frame, in order, between garbage without a header byte, however split', () => {
    const noHeader = fc.uint8Array({ maxLength: 40 }).map((b) => b.filter((x) => x !== ARECA_HEADER[0]));
    const body = fc.oneof(fc.constantFrom(...REPLY_BODIES), fc.uint8Array({ minLength: 1, maxLength: 300 }).map((b) => Buffer.from(b)));
    fc.assert(
      fc.property(fc.array(fc.tuple(noHeader, body), { minLength: 1, maxLength: 5 }), cutPoints, (pieces, cuts) => {
        const stream = concatBytes(pieces.flatMap(([junk, b]) => [junk, encodeFrame(b)]));
        const framer = new ArecaFramer();
        const events = [...splitAt(stream, cuts).flatMap((c) => framer.push(c)), ...framer.lineIdle()];
        expect(events.flatMap((e) => (e.kind === 'frame' ? [e.body] : []))).toEqual(pieces.map(([, b]) => Buffer.from(b)));
      }),
      fuzzParams(250),
    );
  });

  it('a corrupted frame never hides the good frame after it once the line goes idle', () => {
    const broken = mutatedBytes(fc.constantFrom(...FRAME_SEEDS), HEADER_BYTES, 2);
    fc.assert(
      fc.property(broken, fc.constantFrom(...REPLY_BODIES), cutPoints, (bad, good, cuts) => {
        const framer = new ArecaFramer();
        const stream = concatBytes([bad, encodeFrame(good)]);
        const events = [...splitAt(stream, cuts).flatMap((c) => framer.push(c)), ...framer.lineIdle()];
        // Events consume the stream in order, so each frame's offset is the bytes consumed before it.
        let at = 0;
        const frames = events.flatMap((e) => {
          const size = e.kind === 'frame' ? e.body.length + 6 : e.bytes;
          at += size;
          return e.kind === 'frame' ? [{ start: at - size, end: at, body: e.body }] : [];
        });
        // The one way to lose it: a bogus header in the corrupted bytes whose LEN reaches into the good
        // frame and whose checksum matches by chance (1 in 256). Then that frame straddles the boundary.
        const straddles = frames.some((f) => f.start < bad.length && f.end > bad.length);
        if (!straddles) expect(frames[frames.length - 1]).toEqual({ start: bad.length, end: stream.length, body: good });
      }),
      fuzzParams(400),
    );
  });
});

describe('Areca decoders on hostile bodies', () => {
  const command = fc.oneof(fc.constantFrom(...Object.values(ARECA_COMMAND)), fc.integer({ min: 0, max: 255 }));
  const hostileBody = fc.oneof(fc.uint8Array({ maxLength: 300 }), mutatedBytes(fc.constantFrom(...REPLY_BODIES)), mutatedBytes(fc.constantFrom(...REQUESTS.map(requestBody).map((r) => (r.ok ? r.value : Buffer.alloc(0))))));

  it('decodeReply and decodeRequest answer any body with a typed result', () => {
    fc.assert(
      fc.property(command, hostileBody, (cmd, body) => {
        const reply = expectTypedResult(decodeReply(cmd, body));
        if (reply.ok && reply.value.kind === 'status') check(reply.value.text.trim() !== '', () => 'empty status text');
        expectTypedResult(decodeRequest(body));
      }),
      fuzzParams(2000),
    );
  });

  it('round-trips requests and every reply struct through their encoders', () => {
    const struct = fc.oneof(
      systemInfoArb.map((info) => ({ cmd: ARECA_COMMAND.GET_INFO_S, kind: 'systemInfo', info, body: encodeSystemInfo(info) })),
      raidSetInfoArb.map((info) => ({ cmd: ARECA_COMMAND.GET_INFO_R, kind: 'raidSetInfo', info, body: encodeRaidSetInfo(info) })),
      volumeInfoArb.map((info) => ({ cmd: ARECA_COMMAND.GET_INFO_V, kind: 'volumeInfo', info, body: encodeVolumeInfo(info) })),
      diskInfoArb.map((info) => ({ cmd: ARECA_COMMAND.GET_INFO_P, kind: 'diskInfo', info, body: encodeDiskInfo(info) })),
    );
    fc.assert(
      fc.property(struct, fc.constantFrom(...REQUESTS), cutPoints, (s, req, cuts) => {
        // Through the framer, split, so the round trip covers the wire and not only the struct layout.
        const framer = new ArecaFramer();
        const [event] = splitAt(encodeFrame(s.body), cuts).flatMap((c) => framer.push(c));
        if (event?.kind !== 'frame') throw new Error('no frame');
        expect(decodeReply(s.cmd, event.body)).toEqual({ ok: true, value: { kind: s.kind, info: s.info } });
        const body = requestBody(req);
        if (!body.ok) throw new Error(body.error);
        const back = decodeRequest(body.value);
        expect(back).toEqual({ ok: true, value: req.kind === 'raw' ? { ...req, data: Buffer.from(req.data) } : req });
      }),
      fuzzParams(300),
    );
  });
});

describe('ArecaSimulator on hostile host bytes', () => {
  it('never throws and only ever answers with well-formed frames', () => {
    fc.assert(
      fc.property(hostileStream, cutPoints, fc.boolean(), (stream, cuts, loggedIn) => {
        const sim = new ArecaSimulator(createArecaModel({ memberCount: 3 }), { loggedIn });
        const out = [...splitAt(stream, cuts).map((c) => sim.receive(c)), sim.lineIdle()];
        const reader = new ArecaFramer();
        const events = [...reader.push(concatBytes(out)), ...reader.lineIdle()];
        for (const e of events) check(e.kind === 'frame', () => `simulator sent bytes that do not frame: ${JSON.stringify(e)}`);
        check(sim.history.length <= SIMULATOR_HISTORY_MAX, () => `${sim.history.length} history entries`);
      }),
      fuzzParams(300),
    );
  });
});
