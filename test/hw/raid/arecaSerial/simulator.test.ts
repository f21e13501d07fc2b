// The Areca protocol simulator, driven the way a host driver would: encode a
// request, feed the simulator, frame its bytes, decode the reply. Covers the
// password gate, every documented status, fault knobs, and a fast-check
// round trip of the encoders/decoders over random models and requests.

import fc from 'fast-check';
import {
  ARECA_STATUS,
  ArecaFramer,
  ArecaSimulator,
  SIMULATOR_HISTORY_MAX,
  classifyArecaVolume,
  createArecaModel,
  decodeReply,
  encodeFrame,
  encodeRequest,
  type ArecaReply,
  type ArecaRequest,
  type ArecaVolumeInfo,
} from '../../../../hw/raid/arecaSerial';
import { modelArb, u8 } from './arbitraries';

/** What a host driver does for one request: returns the decoded reply, or null if no frame came back. */
function ask(sim: ArecaSimulator, req: ArecaRequest, split = false): ArecaReply | null {
  const wire = encodeRequest(req);
  if (!wire.ok) throw new Error(wire.error);
  const command = wire.value[5];
  let out: Buffer;
  if (split) {
    const parts = [...wire.value].map((b) => sim.receive(Uint8Array.of(b)));
    expect(parts.slice(0, -1).every((p) => p.length === 0)).toBe(true);
    out = parts[parts.length - 1];
  } else {
    out = sim.receive(wire.value);
  }
  const frames = new ArecaFramer().push(out).filter((e) => e.kind === 'frame');
  if (frames.length === 0) return null;
  expect(frames).toHaveLength(1);
  const reply = decodeReply(command, frames[0].kind === 'frame' ? frames[0].body : Buffer.alloc(0));
  if (!reply.ok) throw new Error(reply.error);
  return reply.value;
}

const status = (code: number): ArecaReply => expect.objectContaining({ kind: 'status', code }) as unknown as ArecaReply;

describe('ArecaSimulator', () => {
  it('identifies itself without a password', () => {
    const sim = new ArecaSimulator(createArecaModel());
    expect(ask(sim, { kind: 'identify' })).toEqual({ kind: 'identify', text: 'Areca RAID Subsystem ' });
  });

  it('answers PASSWORD_REQUIRED for info commands until the password is right, and again after logout', () => {
    const model = createArecaModel({ password: 'secret' });
    const sim = new ArecaSimulator(model);
    expect(ask(sim, { kind: 'getSystemInfo' })).toEqual({ kind: 'status', code: 0x4d, ok: false, text: 'password required' });
    expect(ask(sim, { kind: 'checkPassword', password: 'wrong' })).toEqual({ kind: 'status', code: 0x4a, ok: false, text: 'invalid password' });
    expect(ask(sim, { kind: 'getRaidSetInfo', raidSet: 0 })).toEqual(status(ARECA_STATUS.PASSWORD_REQUIRED));
    expect(ask(sim, { kind: 'checkPassword', password: 'secret' })).toEqual({ kind: 'status', code: 0x41, ok: true, text: 'OK' });
    expect(ask(sim, { kind: 'getSystemInfo' })).toEqual({ kind: 'systemInfo', info: model.system });
    expect(ask(sim, { kind: 'logout' })).toEqual(status(ARECA_STATUS.OK));
    expect(ask(sim, { kind: 'getVolumeInfo', volume: 0 })).toEqual(status(ARECA_STATUS.PASSWORD_REQUIRED));
  });

  it('answers info from the model, and the "no such" statuses', () => {
    const model = createArecaModel({ memberCount: 4 });
    const sim = new ArecaSimulator(model, { loggedIn: true });
    expect(ask(sim, { kind: 'getRaidSetInfo', raidSet: 0 })).toEqual({ kind: 'raidSetInfo', info: model.raidSets[0] });
    expect(ask(sim, { kind: 'getVolumeInfo', volume: 0 })).toEqual({ kind: 'volumeInfo', info: model.volumes[0] });
    expect(ask(sim, { kind: 'getDiskInfo', disk: 3 })).toEqual({ kind: 'diskInfo', info: model.disks[3] });
    expect(ask(sim, { kind: 'getDiskInfo', disk: 2, enclosure: 0 })).toEqual({ kind: 'diskInfo', info: model.disks[2] });
    expect(ask(sim, { kind: 'getRaidSetInfo', raidSet: 1 })).toEqual(status(ARECA_STATUS.NO_RAIDSET));
    expect(ask(sim, { kind: 'getVolumeInfo', volume: 9 })).toEqual(status(ARECA_STATUS.NO_VOLUMESET));
    // Drive 4 is the model's empty slot, drive 40 does not exist.
    expect(ask(sim, { kind: 'getDiskInfo', disk: 4 })).toEqual(status(ARECA_STATUS.NO_PHYSICAL_DRIVE));
    expect(ask(sim, { kind: 'getDiskInfo', disk: 40 })).toEqual(status(ARECA_STATUS.NO_PHYSICAL_DRIVE));
  });

  it('reflects model changes in the next answer', () => {
    const model = createArecaModel();
    const sim = new ArecaSimulator(model, { loggedIn: true });
    model.volumes[0].status = 0x8;
    model.volumes[0].progressRaw = 123;
    const reply = ask(sim, { kind: 'getVolumeInfo', volume: 0 });
    expect(reply).toMatchObject({ kind: 'volumeInfo', info: { status: 8, progressRaw: 123 } });
  });

  it('mutes the beeper, and answers UNSUPPORTED_COMMAND to what it does not model', () => {
    const sim = new ArecaSimulator(createArecaModel(), { loggedIn: true });
    expect(ask(sim, { kind: 'muteBeeper' })).toEqual(status(ARECA_STATUS.OK));
    expect(sim.beeperMuted).toBe(true);
    expect(ask(sim, { kind: 'raw', command: 0x19, data: Buffer.alloc(0) })).toEqual(status(ARECA_STATUS.UNSUPPORTED_COMMAND));
  });

  it('answers a request cut into single bytes only when it is complete', () => {
    const model = createArecaModel();
    const sim = new ArecaSimulator(model, { loggedIn: true });
    expect(ask(sim, { kind: 'getDiskInfo', disk: 0 }, true)).toEqual({ kind: 'diskInfo', info: model.disks[0] });
  });

  it('answers CHECKSUM_ERROR to a corrupted request and PARAMETER_ERROR to a wrong data length', () => {
    const sim = new ArecaSimulator(createArecaModel(), { loggedIn: true });
    const bad = Buffer.from([0x5e, 0x01, 0x61, 0x01, 0x00, 0x23, 0x99]);
    expect(new ArecaFramer().push(sim.receive(bad))).toEqual([{ kind: 'frame', body: Buffer.of(ARECA_STATUS.CHECKSUM_ERROR) }]);
    const noParam = encodeFrame(Buffer.of(0x20)); // GUI_GET_INFO_R without the raid set number
    expect(new ArecaFramer().push(sim.receive(noParam))).toEqual([{ kind: 'frame', body: Buffer.of(ARECA_STATUS.PARAMETER_ERROR) }]);
    const badPassword = encodeFrame(Buffer.of(0x14, 5, 0x31)); // says 5 bytes, carries 1
    expect(new ArecaFramer().push(sim.receive(badPassword))).toEqual([{ kind: 'frame', body: Buffer.of(ARECA_STATUS.PARAMETER_ERROR) }]);
    expect(sim.history.slice(-3).map((h) => h.request)).toEqual([null, null, null]);
  });

  it('says nothing to garbage or to a request cut short by an idle line', () => {
    const sim = new ArecaSimulator(createArecaModel(), { loggedIn: true });
    expect(sim.receive(Buffer.from('hello'))).toEqual(Buffer.alloc(0));
    expect(sim.receive(Buffer.from([0x5e, 0x01, 0x61, 0x02, 0x00, 0x20]))).toEqual(Buffer.alloc(0));
    expect(sim.lineIdle()).toEqual(Buffer.alloc(0));
    expect(ask(sim, { kind: 'identify' })).toEqual({ kind: 'identify', text: 'Areca RAID Subsystem ' });
  });

  describe('fault knobs', () => {
    it('drop: no reply at all, then normal again', () => {
      const sim = new ArecaSimulator(createArecaModel());
      sim.queueFault({ kind: 'drop' });
      expect(ask(sim, { kind: 'identify' })).toBeNull();
      expect(sim.history[sim.history.length - 1]).toEqual({ request: { kind: 'identify' }, replyBody: null });
      expect(ask(sim, { kind: 'identify' })).toMatchObject({ kind: 'identify' });
    });

    it('corrupt-checksum: the host framer rejects the reply', () => {
      const sim = new ArecaSimulator(createArecaModel());
      sim.queueFault({ kind: 'corrupt-checksum' });
      const wire = encodeRequest({ kind: 'identify' });
      if (!wire.ok) throw new Error(wire.error);
      const events = new ArecaFramer().push(sim.receive(wire.value));
      expect(events.some((e) => e.kind === 'discard' && e.reason === 'bad-checksum')).toBe(true);
    });

    it('garbage: noise before a reply that still frames', () => {
      const sim = new ArecaSimulator(createArecaModel());
      sim.queueFault({ kind: 'garbage', bytes: Buffer.from([0x00, 0x5e, 0xff]) });
      const wire = encodeRequest({ kind: 'identify' });
      if (!wire.ok) throw new Error(wire.error);
      const events = new ArecaFramer().push(sim.receive(wire.value));
      expect(events[0]).toEqual({ kind: 'discard', reason: 'garbage', bytes: 3, message: 'skipped 3 byte(s) before a 5E 01 61 header' });
      expect(events[1]).toEqual({ kind: 'frame', body: Buffer.from('Areca RAID Subsystem ', 'latin1') });
    });

    it('status: a forced answer, and the queue is bounded', () => {
      const sim = new ArecaSimulator(createArecaModel(), { loggedIn: true });
      sim.queueFault({ kind: 'status', code: ARECA_STATUS.DISK_CONFIG_CHANGED });
      expect(ask(sim, { kind: 'getSystemInfo' })).toEqual({ kind: 'status', code: 0x49, ok: false, text: 'disk config changed' });
      let accepted = 0;
      while (sim.queueFault({ kind: 'drop' }) && accepted < 1000) accepted++;
      expect(accepted).toBe(64);
    });
  });

  it('keeps a bounded history', () => {
    const sim = new ArecaSimulator(createArecaModel());
    for (let i = 0; i < SIMULATOR_HISTORY_MAX + 10; i++) ask(sim, { kind: 'identify' });
    expect(sim.history).toHaveLength(SIMULATOR_HISTORY_MAX);
  });
});

// ---------------------------------------------------------------- round trip property

const requestArb: fc.Arbitrary<ArecaRequest> = fc.oneof(
  fc.constant<ArecaRequest>({ kind: 'identify' }),
  fc.constant<ArecaRequest>({ kind: 'getSystemInfo' }),
  u8.map((raidSet): ArecaRequest => ({ kind: 'getRaidSetInfo', raidSet: raidSet % 6 })),
  u8.map((volume): ArecaRequest => ({ kind: 'getVolumeInfo', volume: volume % 6 })),
  fc.tuple(u8, fc.option(u8, { nil: undefined })).map(([disk, enclosure]): ArecaRequest =>
    enclosure === undefined ? { kind: 'getDiskInfo', disk: disk % 8 } : { kind: 'getDiskInfo', disk: disk % 8, enclosure },
  ),
);

describe('encoder/decoder round trip via the simulator', () => {
  it('every reply decodes to exactly what the model holds, or the matching "no such" status', () => {
    fc.assert(
      fc.property(modelArb, fc.array(requestArb, { minLength: 1, maxLength: 10 }), (model, requests) => {
        const sim = new ArecaSimulator(model);
        expect(ask(sim, { kind: 'checkPassword', password: model.password })).toEqual(status(ARECA_STATUS.OK));
        for (const req of requests) {
          const reply = ask(sim, req);
          // The simulator decoded the same request the host encoded.
          expect(sim.history[sim.history.length - 1].request).toEqual(req);
          switch (req.kind) {
            case 'identify':
              expect(reply).toEqual({ kind: 'identify', text: model.identifyText });
              break;
            case 'getSystemInfo':
              expect(reply).toEqual({ kind: 'systemInfo', info: model.system });
              break;
            case 'getRaidSetInfo': {
              const s = model.raidSets[req.raidSet];
              expect(reply).toEqual(s ? { kind: 'raidSetInfo', info: s } : status(ARECA_STATUS.NO_RAIDSET));
              break;
            }
            case 'getVolumeInfo': {
              const v = model.volumes[req.volume];
              expect(reply).toEqual(v ? { kind: 'volumeInfo', info: v } : status(ARECA_STATUS.NO_VOLUMESET));
              break;
            }
            case 'getDiskInfo': {
              const d = model.disks[req.disk];
              expect(reply).toEqual(d ? { kind: 'diskInfo', info: d } : status(ARECA_STATUS.NO_PHYSICAL_DRIVE));
              break;
            }
            default:
              throw new Error(`unexpected request ${req.kind}`);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});

// ---------------------------------------------------------------- classification

describe('classifyArecaVolume', () => {
  const vol = (status: number, failMask = 0): ArecaVolumeInfo => ({ ...createArecaModel().volumes[0], status, failMask, progressRaw: 455 });
  it.each([
    [0, 0, 'ok'],
    [0x100, 0, 'ok'], // checking
    [0x4, 0, 'ok'], // migrating
    [0, 0x2, 'degraded'], // normal status but a member marked failed
    [0x80, 0, 'degraded'], // needs regeneration
    [0x8, 0x2, 'rebuilding'],
    [0x1, 0, 'rebuilding'], // initializing
    [0x2, 0, 'failed'],
    [0x10, 0, 'failed'], // needs init
    [0x2 | 0x8, 0, 'failed'],
  ])('status 0x%s, fail mask 0x%s → %s', (statusBits, failMask, state) => {
    expect(classifyArecaVolume(vol(statusBits, failMask)).state).toBe(state);
  });

  it('says what it saw', () => {
    expect(classifyArecaVolume(vol(0x8, 0x2), 0).reason).toBe(
      'Areca volume #0 "ARC-SIM-VOL#000" raid5 rebuilding: status rebuilding; fail mask 0x2; progress counter 455 (unit undocumented)',
    );
    expect(classifyArecaVolume(vol(0)).reason).toBe('Areca volume "ARC-SIM-VOL#000" raid5 ok: status normal');
  });

  it('classifies what the simulator serves after the model changes', () => {
    const model = createArecaModel();
    const sim = new ArecaSimulator(model, { loggedIn: true });
    model.volumes[0].status = 0x2;
    const reply = ask(sim, { kind: 'getVolumeInfo', volume: 0 });
    if (reply?.kind !== 'volumeInfo') throw new Error('expected volume info');
    expect(classifyArecaVolume(reply.info).state).toBe('failed');
  });
});
