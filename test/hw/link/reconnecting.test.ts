import fc from 'fast-check';
import { FakeLinkFactory } from '../../../hw/link/fakeLink';
import { ReconnectingLink, type LinkState } from '../../../hw/link/reconnecting';
import { ManualClock } from '../../../hw/ups/sim/manualClock';

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

function setup(maxEarlyBytes?: number) {
  const clock = new ManualClock();
  const fakeClock = { schedule: clock.schedule, nowMs: () => clock.nowMs };
  const factory = new FakeLinkFactory({ clock: fakeClock, description: 'fake /dev/ttyUSB0' });
  const link = new ReconnectingLink({
    open: factory.open,
    clock: fakeClock,
    random: () => 0, // no jitter: delays are 100, 200, 400 ...
    backoff: { initialMs: 100, maxMs: 1000, factor: 2, jitter: 0.5 },
    description: 'ups link',
    ...(maxEarlyBytes !== undefined ? { maxEarlyBytes } : {}),
  });
  const states: LinkState[] = [];
  link.onState((s) => states.push(s));
  return { clock, factory, link, states };
}

/** Advance virtual time, letting promise continuations run between steps. */
async function advance(clock: ManualClock, ms: number): Promise<void> {
  const target = clock.nowMs + ms;
  for (;;) {
    await flush();
    if (!clock.runNext(target)) break;
  }
  clock.advance(target - clock.nowMs);
  await flush();
}

describe('ReconnectingLink', () => {
  it('connects, loses the port with its reason, backs off, and reconnects when the path reappears', async () => {
    const { clock, factory, link, states } = setup();
    const got: string[] = [];
    link.onData((b) => got.push(Buffer.from(b).toString('latin1')));
    link.start();
    await flush();
    expect(link.state).toMatchObject({ state: 'connected', description: 'fake /dev/ttyUSB0', reconnects: 0 });

    factory.latest!.receive('(215.0\r');
    await link.write(Buffer.from('Q1\r'));
    expect(Buffer.from(factory.latest!.writtenBytes()).toString()).toBe('Q1\r');

    // Unplug at t=1000: the path is gone until we clear openFailure.
    await advance(clock, 1000);
    factory.openFailure = { kind: 'not-found', message: 'serial /dev/ttyUSB0: no such device (unplugged, or the pty is gone)' };
    factory.latest!.disconnect('disconnected: bad file descriptor');
    await flush();
    expect(link.state).toEqual({
      state: 'comm-lost',
      reason: 'fake /dev/ttyUSB0 disconnected: bad file descriptor',
      sinceMs: 1000,
      attempts: 0,
      lastError: null,
      nextAttemptInMs: 100,
    });
    await expect(link.write(Buffer.from('Q1\r'))).rejects.toThrow('comm lost (fake /dev/ttyUSB0 disconnected: bad file descriptor)');
    const modem = await link.modem.setDtr(false);
    expect(modem.ok === false && modem.error.kind).toBe('closed');

    // Three failed attempts at +100, +200, +400 (no jitter with random=0).
    await advance(clock, 100 + 200 + 400);
    const lost = states.filter((s): s is Extract<LinkState, { state: 'comm-lost' }> => s.state === 'comm-lost');
    expect(lost.map((s) => [s.attempts, s.nextAttemptInMs])).toEqual([
      [0, 100],
      [1, 200],
      [2, 400],
      [3, 800],
    ]);
    expect(lost.at(-1)).toMatchObject({ sinceMs: 1000, lastError: expect.stringContaining('no such device') });
    expect(factory.opens).toBe(4);

    factory.openFailure = null;
    await advance(clock, 800);
    expect(link.state).toMatchObject({ state: 'connected', reconnects: 1 });
    factory.latest!.receive('(230.0\r');
    await link.write(Buffer.from('F\r'));
    expect(Buffer.from(factory.latest!.writtenBytes()).toString()).toBe('F\r');
    await flush();
    // The subscription made before the unplug still receives after the reconnect.
    expect(got).toEqual(['(215.0\r', '(230.0\r']);
    link.close();
    expect(link.state).toEqual({ state: 'closed' });
  });

  it('starts in comm-lost when the first open fails, and stops retrying once closed', async () => {
    const { clock, factory, link } = setup();
    factory.openFailure = { kind: 'busy', message: 'serial /dev/ttyUSB0: in use by another process (Cannot lock port)' };
    link.start();
    await flush();
    expect(link.state).toMatchObject({ state: 'comm-lost', reason: expect.stringContaining('Cannot lock port'), attempts: 1 });
    link.close();
    const opens = factory.opens;
    await advance(clock, 10_000);
    expect(factory.opens).toBe(opens);
    expect(clock.pendingCount).toBe(0);
  });

  it('re-applies a baud change after reopening', async () => {
    const { clock, factory, link } = setup();
    link.start();
    await flush();
    expect(await link.line.apply({ baudRate: 2400 })).toMatchObject({ ok: true, value: { baudRate: 2400 } });
    const first = factory.latest!;
    first.disconnect();
    await advance(clock, 100);
    expect(link.state.state).toBe('connected');
    expect(factory.latest).not.toBe(first);
    expect(factory.latest!.line.applied.map((s) => s.baudRate)).toEqual([2400]);
    expect(link.line.settings.baudRate).toBe(2400);
  });

  it('drops the link when the reopened port refuses the remembered baud', async () => {
    const { clock, factory, link } = setup();
    link.start();
    await flush();
    await link.line.apply({ baudRate: 2400 });
    factory.latest!.disconnect();
    factory.onOpen = (l) => (l.line.failure = 'EINVAL');
    await advance(clock, 100);
    expect(link.state).toMatchObject({
      state: 'comm-lost',
      reason: 'fake /dev/ttyUSB0 disconnected: bad file descriptor',
      attempts: 1,
      lastError: 'reopened but could not restore 2400 baud: fake /dev/ttyUSB0: EINVAL',
    });
    expect(factory.latest!.isOpen).toBe(false);
  });

  it('counts a hung open as failed and closes the link if it arrives late', async () => {
    const clock = new ManualClock();
    const fakeClock = { schedule: clock.schedule, nowMs: () => clock.nowMs };
    const factory = new FakeLinkFactory({ clock: fakeClock });
    let release: (() => void) | null = null;
    const hung = () => new Promise<import('../../../hw/link/fakeLink').FakeLink>((resolve) => (release = () => void factory.open().then(resolve)));
    const link = new ReconnectingLink({ open: hung, clock: fakeClock, random: () => 0, openTimeoutMs: 500, backoff: { initialMs: 100 } }).start();
    await advance(clock, 500);
    expect(link.state).toMatchObject({ state: 'comm-lost', attempts: 1, lastError: 'open did not finish within 500 ms' });
    release!();
    await flush();
    expect(factory.latest!.isOpen).toBe(false);
    link.close();
  });

  it('keeps bytes that arrive before anyone subscribes, up to a bound, and counts the rest', async () => {
    const { factory, link } = setup(8);
    link.start();
    await flush();
    factory.latest!.receive('0123456789AB');
    expect(link.stats.droppedBytes).toBe(4);
    const got: string[] = [];
    link.onData((b) => got.push(Buffer.from(b).toString()));
    await flush();
    expect(got).toEqual(['01234567']);
  });

  it('never crashes on any byte sequence, partial frames or a throwing subscriber', async () => {
    const { factory, link } = setup(64);
    link.start();
    await flush();
    let total = 0;
    link.onData(() => {
      throw new Error('subscriber bug');
    });
    link.onData((b) => (total += b.length));
    const device = factory.latest!;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.integer({ min: 1, max: 7 }), { maxLength: 5 }), (bytes, sizes) => {
        const before = total;
        device.receiveInPieces(bytes, sizes);
        expect(total - before).toBe(bytes.length);
      }),
      { numRuns: 200 },
    );
    let seed = 1;
    device.garbage(1000, () => ((seed = (seed * 16807) % 2147483647) / 2147483647));
    expect(link.state.state).toBe('connected');
  });
});

describe('FakeLink faults', () => {
  it('answers slowly on the clock, fails writes on demand, and records writes', async () => {
    const clock = new ManualClock();
    const factory = new FakeLinkFactory({ clock: { schedule: clock.schedule, nowMs: () => clock.nowMs }, responder: () => Buffer.from('ok\r'), replyDelayMs: 1500 });
    const link = await factory.open();
    const got: string[] = [];
    link.onData((b) => got.push(Buffer.from(b).toString()));
    await link.write(Buffer.from('X'));
    clock.advance(1499);
    expect(got).toEqual([]);
    clock.advance(1);
    expect(got).toEqual(['ok\r']);
    factory.latest!.writeFailure = 'EIO';
    await expect(link.write(Buffer.from('Y'))).rejects.toThrow('write to fake link failed: EIO');
    expect(factory.latest!.written.map((w) => Buffer.from(w).toString())).toEqual(['X']);
  });

  it('modem lines record changes with times and fail like a pty when told', async () => {
    const clock = new ManualClock();
    const factory = new FakeLinkFactory({ clock: { schedule: clock.schedule, nowMs: () => clock.nowMs } });
    const link = await factory.open();
    const brk = link.modem.sendBreak(250);
    await flush();
    clock.advance(250);
    expect(await brk).toEqual({ ok: true, value: undefined });
    expect(link.modem.history).toEqual([
      { atMs: 0, signal: 'BREAK', asserted: true },
      { atMs: 250, signal: 'BREAK', asserted: false },
    ]);
    link.modem.failure = 'Inappropriate ioctl for device';
    const r = await link.modem.setRts(true);
    expect(r).toEqual({ ok: false, error: { kind: 'ioctl-failed', message: 'cannot set RTS on on fake link: Inappropriate ioctl for device' } });
    expect((await link.modem.sendBreak(0)).ok).toBe(false);
  });
});
