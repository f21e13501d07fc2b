import { MegatecSession, type MegatecSessionEvent } from '../../../../hw/ups/megatec/session';
import { readMegatecReading } from '../../../../hw/ups/megatec/reader';
import type { Q1Bits } from '../../../../hw/ups/megatec/decode';
import { ManualClock } from '../../../../hw/ups/sim/manualClock';
import { MegatecSim } from '../../../../hw/ups/sim/megatecSim';
import type { MegatecSimState } from '../../../../hw/ups/sim/megatecWire';
import { simTransport, type SimLink } from '../../../../hw/ups/sim/simTransport';
import type { ByteTransport } from '../../../../hw/ups/transport';
import { bytes, joinedWrites } from '../helpers';

const ONLINE_BITS: Q1Bits = {
  utilityFail: false,
  batteryLow: false,
  bypassOrAvr: false,
  upsFailed: false,
  standbyType: true,
  testInProgress: false,
  shutdownActive: false,
  beeperOn: true,
};

function baseState(): MegatecSimState {
  return {
    inputVoltage: 230.4,
    inputFaultVoltage: 230.4,
    outputVoltage: 229.8,
    loadPercent: 21,
    inputFrequencyHz: 50,
    batteryVoltage: 13.6,
    temperatureC: 25,
    bits: { ...ONLINE_BITS },
    ratings: { ratedVoltage: 230, ratedCurrent: 3, batteryVoltage: 12, ratedFrequencyHz: 50 },
    info: { company: 'SIMULATED UPS', model: 'MEGA-1000', version: 'V1.0' },
  };
}

function setup(faults: ConstructorParameters<typeof MegatecSim>[2] = {}) {
  const clock = new ManualClock();
  const sim = new MegatecSim(baseState(), { schedule: clock.schedule }, faults);
  const link: SimLink = simTransport(sim);
  const session = new MegatecSession(link, { schedule: clock.schedule });
  const events: MegatecSessionEvent[] = [];
  session.onEvent((e) => events.push(e));
  return { clock, sim, link, session, events };
}

describe('MegatecSession against the simulator', () => {
  it('reads Q1, F and I into one NUT reading, sending exactly Q1 F I', async () => {
    const { clock, link, session } = setup();
    const r = await clock.settle(readMegatecReading(session));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.warnings).toEqual([]);
    expect(r.value.reading).toEqual({
      'ups.status': ['OL'],
      'ups.type': 'offline / line interactive',
      'ups.beeper.status': 'enabled',
      'input.voltage': 230.4,
      'input.voltage.fault': 230.4,
      'output.voltage': 229.8,
      'ups.load': 21,
      'input.frequency': 50,
      'ups.temperature': 25,
      'battery.voltage': 13.6,
      'input.voltage.nominal': 230,
      'input.current.nominal': 3,
      'battery.voltage.nominal': 12,
      'input.frequency.nominal': 50,
      'ups.mfr': 'SIMULATED UPS',
      'ups.model': 'MEGA-1000',
      'ups.firmware': 'V1.0',
    });
    expect(joinedWrites(link.written)).toBe('Q1\rF\rI\r');
  });

  it('follows power events: on battery, then low battery', async () => {
    const { clock, sim, session } = setup();
    sim.setUtilityFail(true);
    const ob = await clock.settle(session.readStatus());
    expect(ob.ok && ob.value.bits.utilityFail).toBe(true);
    expect(ob.ok && ob.value.inputVoltage).toBe(0);
    sim.setBatteryLow(true);
    const r = await clock.settle(readMegatecReading(session, { includeInfo: false, includeRatings: false }));
    expect(r.ok && r.value.reading['ups.status']).toEqual(['OB', 'LB']);
    sim.setUtilityFail(false);
    sim.setBatteryLow(false);
    const back = await clock.settle(readMegatecReading(session, { includeInfo: false, includeRatings: false }));
    expect(back.ok && back.value.reading).toMatchObject({ 'ups.status': ['OL'], 'input.voltage': 230.4 });
  });

  it('times out after 1 s of silence and names what it waited for', async () => {
    const { clock, session } = setup({ reply: 'silent' });
    const started = clock.nowMs;
    const r = await clock.settle(session.readStatus());
    expect(r).toEqual({
      ok: false,
      error: { kind: 'timeout', command: 'Q1', message: 'no answer to Q1 within 1000 ms (nothing arrived)' },
    });
    expect(clock.nowMs - started).toBe(1000);
  });

  it('treats an echoed command as unsupported', async () => {
    const { clock, session } = setup({ echoCommands: new Set(['F']) });
    const r = await clock.settle(session.readRatings());
    expect(r).toEqual({
      ok: false,
      error: { kind: 'unsupported', command: 'F', reply: 'F', message: 'the UPS echoed F: command not supported' },
    });
    const all = await clock.settle(readMegatecReading(session));
    expect(all.ok && all.value.warnings).toEqual(['F (ratings) not read: the UPS echoed F: command not supported']);
    expect(all.ok && all.value.reading['ups.model']).toBe('MEGA-1000');
  });

  it('reports garbage with the decoder reason, then works again', async () => {
    const { clock, sim, session } = setup({ reply: 'garbage' });
    const r = await clock.settle(session.readStatus());
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.kind).toBe('garbage');
      expect(r.error.message).toMatch(/^answer to Q1 does not decode: Q1 answer must be "\(" and 45 more bytes, got 5 bytes: "\\xff\\x00~Q\\xa5"$/);
    }
    sim.faults.reply = 'normal';
    expect((await clock.settle(session.readStatus())).ok).toBe(true);
  });

  it('times out on a slow reply; a late answer between requests is reported, never used', async () => {
    const { clock, sim, session, events } = setup({ replyDelayMs: 1500, chunkBytes: 5 });
    const late = await clock.settle(session.readStatus());
    expect(late.ok === false && late.error.kind).toBe('timeout');
    clock.advance(600); // the Q1 answer lands now, with no request pending
    expect(events).toEqual([{ type: 'stray-line', text: expect.stringMatching(/^\(230\.4 /) }]);
    sim.faults.replyDelayMs = 0;
    const info = await clock.settle(session.readInfo());
    expect(info).toEqual({ ok: true, value: { company: 'SIMULATED UPS', model: 'MEGA-1000', version: 'V1.0' } });
  });

  it('rejects a late answer that lands inside the next request instead of decoding it as that answer', async () => {
    const { clock, sim, session } = setup({ replyDelayMs: 1500 });
    await clock.settle(session.readStatus()); // times out at 1000 ms; its answer is due at 1500 ms
    sim.faults.replyDelayMs = 900; // the I answer would come at 1900 ms
    const info = await clock.settle(session.readInfo());
    expect(info.ok === false && info.error.kind).toBe('garbage');
    expect(info.ok === false && info.error.message).toMatch(/^answer to I does not decode: I answer must be "#"/);
  });

  it('flushes a partial line left from before a command', async () => {
    const clock = new ManualClock();
    let push: (b: Uint8Array) => void = () => undefined;
    const link: ByteTransport = {
      write: () => void clock.schedule(10, () => push(bytes('(230.4 230.4 229.8 021 50.0 13.6 25.0 00001001\r'))),
      onData: (l) => ((push = l), () => undefined),
      close: () => undefined,
    };
    const session = new MegatecSession(link, { schedule: clock.schedule });
    const events: MegatecSessionEvent[] = [];
    session.onEvent((e) => events.push(e));
    push(bytes('(230.0 23')); // a cut-off answer sitting in the buffer
    const r = await clock.settle(session.readStatus());
    expect(events).toEqual([{ type: 'flushed', droppedBytes: 9 }]);
    expect(r.ok && r.value.inputVoltage).toBe(230.4);
  });

  it('reassembles answers delivered one byte at a time', async () => {
    const { clock, session } = setup({ chunkBytes: 1 });
    const r = await clock.settle(session.readStatus());
    expect(r.ok && r.value.outputVoltage).toBe(229.8);
  });

  it('counts no reply to an action as accepted, after waiting out the echo window', async () => {
    const { clock, sim, link, session } = setup();
    const t0 = clock.nowMs;
    const r = await clock.settle(session.instantCommand('test.battery.start.quick'));
    expect(r).toEqual({ ok: true, value: undefined });
    expect(clock.nowMs - t0).toBe(1000);
    expect(joinedWrites(link.written)).toBe('T\r');
    expect(sim.state.bits.testInProgress).toBe(true);
    clock.advance(10_000);
    expect(sim.state.bits.testInProgress).toBe(false);
  });

  it('reports an action the UPS echoes as unsupported', async () => {
    const { clock, session } = setup({ echoCommands: new Set(['S.5R0003']) });
    const r = await clock.settle(session.instantCommand('shutdown.return'));
    expect(r.ok === false && r.error.kind).toBe('unsupported');
  });

  it("runs NUT's shutdown.return end to end on the simulator", async () => {
    const { clock, sim, link, session } = setup();
    expect((await clock.settle(session.instantCommand('shutdown.return', { offDelaySec: 30, onDelaySec: 180 }))).ok).toBe(true);
    expect(joinedWrites(link.written)).toBe('S.5R0003\r');
    expect(sim.state.bits.shutdownActive).toBe(true);
    clock.advance(29_000 - clock.nowMs); // the command went out at 0 ms; the answer wait took 1 s
    expect(sim.isOutputOn).toBe(true);
    clock.advance(1_000);
    expect(sim.isOutputOn).toBe(false);
    clock.advance(180_000);
    expect(sim.isOutputOn).toBe(true);
  });

  it('refuses invalid arguments without sending anything', async () => {
    const { clock, link, session } = setup();
    const r = await clock.settle(session.instantCommand('shutdown.return', { offDelaySec: 5 }));
    expect(r).toEqual({ ok: false, error: { kind: 'invalid-command', message: 'shutdown.return: ups.delay.shutdown must be 12..600 s, got 5' } });
    expect(link.written).toHaveLength(0);
  });

  it('runs queued requests one at a time, in order, and refuses beyond the cap', async () => {
    const clock = new ManualClock();
    const sim = new MegatecSim(baseState(), { schedule: clock.schedule });
    const link = simTransport(sim);
    const session = new MegatecSession(link, { schedule: clock.schedule }, { maxQueued: 2 });
    const a = session.readStatus();
    const b = session.readInfo();
    const c = session.readRatings();
    expect(await c).toEqual({ ok: false, error: { kind: 'busy', message: '2 Megatec requests already queued; F not sent' } });
    const [ra, rb] = await clock.settle(Promise.all([a, b]));
    expect(ra.ok && rb.ok).toBe(true);
    expect(joinedWrites(link.written)).toBe('Q1\rI\r');
  });

  it('fails the pending request and later ones when closed', async () => {
    const { clock, link, session } = setup({ reply: 'silent' });
    const pending = session.readStatus();
    const queued = session.readInfo();
    await new Promise((r) => setImmediate(r));
    session.close();
    expect(await pending).toEqual({ ok: false, error: { kind: 'closed', message: 'Megatec session closed while waiting for a reply' } });
    expect((await clock.settle(queued)).ok === false).toBe(true);
    expect(link.closed).toBe(true);
  });

  it('reports a link that refuses the bytes', async () => {
    const clock = new ManualClock();
    const broken: ByteTransport = {
      write: () => Promise.reject(new Error('EIO')),
      onData: () => () => undefined,
      close: () => undefined,
    };
    const session = new MegatecSession(broken, { schedule: clock.schedule });
    const r = await clock.settle(session.readStatus());
    expect(r).toEqual({ ok: false, error: { kind: 'write-failed', command: 'Q1', message: 'writing Q1 failed: EIO' } });
  });

  it('reports lines nobody asked for as events, not as answers', async () => {
    const clock = new ManualClock();
    let push: (b: Uint8Array) => void = () => undefined;
    const link: ByteTransport = { write: () => undefined, onData: (l) => ((push = l), () => undefined), close: () => undefined };
    const session = new MegatecSession(link, { schedule: clock.schedule }, { maxLineBytes: 16 });
    const events: MegatecSessionEvent[] = [];
    session.onEvent((e) => events.push(e));
    push(bytes('(hello\r'));
    push(bytes('x'.repeat(40) + '\r'));
    expect(events).toEqual([
      { type: 'stray-line', text: '(hello' },
      { type: 'overflow', droppedBytes: 40 },
    ]);
  });
});
