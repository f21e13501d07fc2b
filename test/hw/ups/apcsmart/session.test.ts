import fc from 'fast-check';
import { APC_ALERT_CHARS } from '../../../../hw/ups/apcsmart/alerts';
import { readApcReading } from '../../../../hw/ups/apcsmart/reader';
import { ApcSmartSession, type ApcSessionEvent } from '../../../../hw/ups/apcsmart/session';
import { ApcSmartSim, type ApcSmartSimFaults } from '../../../../hw/ups/sim/apcSmartSim';
import { apcSimStateFromNut } from '../../../../hw/ups/sim/apcWire';
import { ManualClock } from '../../../../hw/ups/sim/manualClock';
import { simTransport, type SimLink } from '../../../../hw/ups/sim/simTransport';
import type { ByteTransport } from '../../../../hw/ups/transport';
import { bytes, joinedWrites, loadFixture, text } from '../helpers';

const SU1500 = loadFixture('APC__Smart-UPS_1500__apcsmart__2.2.1__01.dev');

function setup(faults: Partial<ApcSmartSimFaults> = {}) {
  const clock = new ManualClock();
  const sim = new ApcSmartSim(apcSimStateFromNut(SU1500.vars).state, { schedule: clock.schedule }, faults);
  const link: SimLink = simTransport(sim);
  const writeTimes: number[] = [];
  const write = link.write.bind(link);
  link.write = (b) => {
    writeTimes.push(clock.nowMs);
    return write(b);
  };
  const session = new ApcSmartSession(link, { schedule: clock.schedule });
  const events: ApcSessionEvent[] = [];
  session.onEvent((e) => events.push(e));
  return { clock, sim, link, session, events, writeTimes };
}

async function smart(faults: Partial<ApcSmartSimFaults> = {}) {
  const s = setup(faults);
  const hs = await s.clock.settle(s.session.handshake());
  if (!hs.ok) throw new Error(hs.error.message);
  s.events.length = 0;
  return s;
}

describe('smart-mode handshake', () => {
  it('sends Y and accepts SM', async () => {
    const { clock, sim, link, session } = setup();
    expect(await clock.settle(session.handshake())).toEqual({ ok: true, value: undefined });
    expect(joinedWrites(link.written)).toBe('Y');
    expect(sim.inSmartMode).toBe(true);
  });

  it('retries with ESC between tries when the first answer is not SM', async () => {
    const { clock, sim, link, session } = setup({ reply: 'garbage' });
    const write = link.write.bind(link);
    link.write = (b) => {
      const r = write(b);
      sim.faults.reply = 'normal'; // only the first answer is garbage
      return r;
    };
    expect((await clock.settle(session.handshake())).ok).toBe(true);
    expect(joinedWrites(link.written)).toBe('Y\x1bY');
  });

  it('gives up with not-smart after five silent tries', async () => {
    const { clock, link, session } = setup({ reply: 'silent' });
    const r = await clock.settle(session.handshake());
    expect(r).toEqual({ ok: false, error: { kind: 'not-smart', command: 'Y', message: 'the UPS did not answer SM to Y after 5 tries; last answer: nothing' } });
    expect(joinedWrites(link.written)).toBe('Y\x1bY\x1bY\x1bY\x1bY');
  });

  it('gets no answer from a UPS that was never put in smart mode', async () => {
    const { clock, session } = setup();
    const r = await clock.settle(session.query('B'));
    expect(r.ok === false && r.error.message).toBe('no answer to B within 3000 ms (nothing arrived)');
  });
});

describe('queries and alerts', () => {
  it('reads a variable in NUT units', async () => {
    const { clock, session } = await smart();
    const runtime = await clock.settle(session.readVariable({ letter: 'j', name: 'battery.runtime', format: 'minutes', width: 4 }));
    expect(runtime).toEqual({ ok: true, value: 3720 });
  });

  it('returns the intact reply and emits the alert wherever the alert falls in it (property)', async () => {
    const letters = [...apcSimStateFromNut(SU1500.vars).state.answers.keys()];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...letters), fc.constantFrom(...Object.keys(APC_ALERT_CHARS)), fc.nat({ max: 20 }), async (letter, alert, at) => {
        const { clock, sim, session, events } = await smart();
        await clock.settle(session.readStatus()); // known status, so alerts update it
        events.length = 0;
        const expected = sim.state.answers.get(letter)!;
        sim.injectIntoNextReply(alert, at);
        const r = await clock.settle(session.query(letter));
        expect(r).toEqual({ ok: true, value: expected });
        expect(events.filter((e) => e.type === 'alert').map((e) => (e.type === 'alert' ? e.alert.char : ''))).toEqual([alert]);
      }),
      { numRuns: 60 },
    );
  });

  it('applies alerts to the last status: on battery, low battery, back', async () => {
    const { clock, sim, session, events } = await smart();
    expect(await clock.settle(session.readStatus())).toEqual({ ok: true, value: ['OL'] });
    sim.setOnBattery(true);
    clock.advance(1);
    sim.setLowBattery(true);
    clock.advance(1);
    expect(events).toEqual([
      { type: 'alert', alert: { char: '!', kind: 'on-battery' }, status: ['OB'] },
      { type: 'alert', alert: { char: '%', kind: 'low-battery' }, status: ['OB', 'LB'] },
    ]);
    expect(session.lastStatus).toEqual(['OB', 'LB']);
    expect(await clock.settle(session.readStatus())).toEqual({ ok: true, value: ['OB', 'LB'] });
  });

  it('reports alerts before the first Q with an unknown status', async () => {
    const { clock, sim, events } = await smart();
    sim.sendAlert('#');
    clock.advance(1);
    expect(events).toEqual([{ type: 'alert', alert: { char: '#', kind: 'replace-battery' }, status: null }]);
  });

  it('reads the `a` answer raw, alert characters included, without firing alerts', async () => {
    const { clock, session, events } = await smart();
    const info = await clock.settle(session.protocolInfo());
    expect(info.ok && info.value.alerts).toBe('!$%+?=#|');
    expect(info.ok && info.value.commands).toContain('j');
    expect(events).toEqual([]);
  });

  it('answers NA → unsupported, SM to Q → not-ready, garbage → garbage', async () => {
    const { clock, sim, session } = await smart();
    expect(await clock.settle(session.query('~'))).toEqual({ ok: false, error: { kind: 'unsupported', command: '~', reply: 'NA', message: 'the UPS answered NA to ~: not supported' } });
    sim.state.answers.set('Q', 'SM');
    expect(await clock.settle(session.readStatus())).toEqual({ ok: false, error: { kind: 'not-ready', command: 'Q', reply: 'SM', message: 'Q answered SM: status not available yet' } });
    sim.state.answers.delete('Q');
    sim.faults.reply = 'garbage';
    const g = await clock.settle(session.readStatus());
    expect(g.ok === false && g.error.kind).toBe('garbage');
  });

  it('times out a slow reply after 3 s, then carries on', async () => {
    const { clock, sim, session, events } = await smart();
    sim.faults.replyDelayMs = 3500;
    const t0 = clock.nowMs;
    const slow = await clock.settle(session.query('B'));
    expect(slow.ok === false && slow.error.kind).toBe('timeout');
    expect(clock.nowMs - t0).toBe(3000);
    clock.advance(600);
    expect(events).toEqual([{ type: 'stray-line', text: '27.40' }]);
    sim.faults.replyDelayMs = 0;
    expect(await clock.settle(session.query('B'))).toEqual({ ok: true, value: '27.40' });
  });

  it('refuses when too many requests wait, and fails queued ones on close', async () => {
    const clock = new ManualClock();
    const sim = new ApcSmartSim(apcSimStateFromNut(SU1500.vars).state, { schedule: clock.schedule }, { reply: 'silent' });
    const session = new ApcSmartSession(simTransport(sim), { schedule: clock.schedule }, { maxQueued: 1 });
    const first = session.query('B');
    expect(await session.query('C')).toEqual({ ok: false, error: { kind: 'busy', message: '1 APC requests already queued; C not sent' } });
    await new Promise((r) => setImmediate(r));
    session.close();
    expect(await first).toEqual({ ok: false, error: { kind: 'closed', message: 'APC session closed while waiting for a reply' } });
  });
});

describe('instant commands', () => {
  it('sends K twice more than 1.5 s apart; the UPS then shuts down after its grace delay', async () => {
    const { clock, sim, link, session, writeTimes } = await smart();
    const r = await clock.settle(session.instantCommand('shutdown.stayoff'));
    expect(r).toEqual({ ok: true, value: undefined });
    expect(text(link.written.at(-2)!) + text(link.written.at(-1)!)).toBe('KK');
    expect(writeTimes.at(-1)! - writeTimes.at(-2)!).toBeGreaterThan(1500);
    expect(sim.isLoadOn).toBe(true);
    clock.advance(90_000); // p = 090 s in this dump
    expect(sim.isLoadOn).toBe(false);
    expect(await clock.settle(session.readStatus())).toEqual({ ok: true, value: ['OFF'] });
  });

  it('a single K does nothing on the UPS', async () => {
    const { clock, sim, session } = await smart();
    const once = await clock.settle(session.query('K'));
    expect(once.ok === false && once.error.kind).toBe('timeout');
    clock.advance(200_000);
    expect(sim.isLoadOn).toBe(true);
  });

  it('load.off (Z twice) and load.on (^N twice) expect no answer', async () => {
    const { clock, sim, session } = await smart();
    expect((await clock.settle(session.instantCommand('load.off'))).ok).toBe(true);
    expect(sim.isLoadOn).toBe(false);
    expect((await clock.settle(session.instantCommand('load.on'))).ok).toBe(true);
    expect(sim.isLoadOn).toBe(true);
    expect(await clock.settle(session.readStatus())).toEqual({ ok: true, value: ['OL'] });
  });

  it('paces @nnn one byte at a time', async () => {
    const { clock, link, session, writeTimes } = await smart();
    const before = link.written.length;
    expect((await clock.settle(session.instantCommand('shutdown.return', { wakeAfterTenthsOfHour: 5 }))).ok).toBe(true);
    expect(link.written.slice(before).map(text)).toEqual(['@', '0', '0', '5']);
    const times = writeTimes.slice(before);
    expect(times.slice(1).map((t, i) => t - times[i]!)).toEqual([50, 50, 50]);
  });

  it('S works only on battery: NA on line becomes unsupported', async () => {
    const { clock, sim, session } = await smart();
    const onLine = await clock.settle(session.instantCommand('shutdown.return'));
    expect(onLine.ok === false && onLine.error.kind).toBe('unsupported');
    sim.setOnBattery(true);
    expect((await clock.settle(session.instantCommand('shutdown.return'))).ok).toBe(true);
  });

  it('calibrate.start takes the ! alert as its answer and does not toggle a running calibration off', async () => {
    const { clock, link, session } = await smart();
    expect((await clock.settle(session.instantCommand('calibrate.start'))).ok).toBe(true);
    expect(await clock.settle(session.readStatus())).toEqual({ ok: true, value: ['OB', 'CAL'] });
    const sent = link.written.length;
    expect((await clock.settle(session.instantCommand('calibrate.start'))).ok).toBe(true);
    expect(link.written.slice(sent).map(text)).toEqual(['Q']); // looked, did not send D
  });

  it('test.failure.start (U) is acknowledged by the on-battery alert', async () => {
    const { clock, session, events } = await smart();
    expect((await clock.settle(session.instantCommand('test.failure.start'))).ok).toBe(true);
    expect(events[0]).toMatchObject({ type: 'alert', alert: { char: '!' } });
  });

  it('accepts `*` from older units as the answer to a shutdown command', async () => {
    const clock = new ManualClock();
    let push: (b: Uint8Array) => void = () => undefined;
    const link: ByteTransport = {
      write: (b) => void (text(b) === 'S' && clock.schedule(100, () => push(bytes('*')))),
      onData: (l) => ((push = l), () => undefined),
      close: () => undefined,
    };
    const session = new ApcSmartSession(link, { schedule: clock.schedule });
    const events: ApcSessionEvent[] = [];
    session.onEvent((e) => events.push(e));
    expect(await clock.settle(session.instantCommand('shutdown.return'))).toEqual({ ok: true, value: undefined });
    expect(events).toEqual([{ type: 'alert', alert: { char: '*', kind: 'turning-off' }, status: null }]);
  });

  it('stops before the second send when the first one is answered', async () => {
    const { clock, sim, link, session } = await smart({ reply: 'unsupported' });
    const r = await clock.settle(session.instantCommand('shutdown.stayoff'));
    expect(r).toEqual({ ok: false, error: { kind: 'unsupported', command: 'K', reply: 'NA', message: 'the UPS answered NA to the first K: not supported' } });
    expect(joinedWrites(link.written).endsWith('YK')).toBe(true);
    expect(sim.isLoadOn).toBe(true);
  });
});

describe('readApcReading', () => {
  it('skips what the UPS answers NA to and falls back from b to V for the firmware', async () => {
    const { clock, sim, session } = await smart();
    sim.state.answers.delete('b');
    sim.state.answers.set('V', 'GWD');
    sim.state.answers.delete('x');
    const r = await clock.settle(readApcReading(session));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.reading['ups.firmware']).toBe('GWD');
    expect(r.value.reading['battery.date']).toBeUndefined();
    expect(r.value.unsupported).toEqual(['b', 'x']);
  });

  it('asks only for the letters the `a` answer lists', async () => {
    const { clock, link, session } = await smart();
    const before = link.written.length;
    const r = await clock.settle(readApcReading(session, { supported: 'QBf' }));
    expect(link.written.slice(before).map(text)).toEqual(['Q', 'f', 'B']);
    expect(r.ok && r.value.reading).toEqual({ 'ups.status': ['OL'], 'ups.mfr': 'APC', 'battery.charge': 100, 'battery.voltage': 27.4 });
  });

  it('fails the whole reading when the UPS stops answering', async () => {
    const { clock, sim, session } = await smart();
    sim.faults.reply = 'silent';
    const r = await clock.settle(readApcReading(session));
    expect(r.ok === false && r.error.kind).toBe('timeout');
  });
});
