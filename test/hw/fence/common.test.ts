import fc from 'fast-check';
import { oneAtATime } from '../../../hw/fence/oneAtATime';
import { describeExpectError, TextSession, type Match } from '../../../hw/fence/textSession';
import { timed } from '../../../hw/fence/timed';
import type { FenceDevice, FenceOpResult } from '../../../src/shell/fence/device';
import type { ByteTransport, DataListener } from '../../../hw/ups/transport';
import { virtualClock } from './helpers';

function fakeLink(): { link: ByteTransport; push: (text: string) => void; closed: () => boolean } {
  const listeners: DataListener[] = [];
  let closed = false;
  return {
    link: { write: () => undefined, onData: (l) => (listeners.push(l), () => undefined), close: () => void (closed = true) },
    push: (text) => listeners.forEach((l) => l(Uint8Array.from(Buffer.from(text, 'latin1')))),
    closed: () => closed,
  };
}

const untilX = (b: string): Match<string> => (b.includes('X') ? { kind: 'match', value: b.slice(0, b.indexOf('X')), consumed: b.indexOf('X') + 1 } : { kind: 'more' });

describe('TextSession', () => {
  it('matches across chunks and keeps what follows the answer', async () => {
    const { clock } = virtualClock();
    const f = fakeLink();
    const s = new TextSession(f.link, clock.schedule);
    const p = s.expect(untilX, 1000, 'an X');
    f.push('ab');
    f.push('cXde');
    expect(await p).toEqual({ ok: true, value: 'abc' });
    expect(s.bufferedBytes).toBe(2);
  });

  it('tells silence from a half answer, and reports overflow, a throwing matcher and a close', async () => {
    const { clock } = virtualClock();
    const f = fakeLink();
    const s = new TextSession(f.link, clock.schedule, 16);
    const silent = s.expect(untilX, 500, 'an X');
    clock.advance(500);
    expect(await silent).toEqual({ ok: false, error: { kind: 'silent', waitedFor: 'an X', timeoutMs: 500 } });
    const half = s.expect(untilX, 500, 'an X');
    f.push('ab\r');
    clock.advance(500);
    const h = await half;
    expect(!h.ok && describeExpectError(h.error)).toBe('half answer: only "ab\\r" within 500 ms while waiting for an X');
    const over = s.expect(untilX, 500, 'an X');
    f.push('0123456789abcdefg');
    expect(await over).toEqual({ ok: false, error: { kind: 'overflow', waitedFor: 'an X', maxBytes: 16 } });
    expect(s.bufferedBytes).toBe(0);
    s.discard();
    const thrown = await s.expect(() => {
      throw new Error('boom');
    }, 500, 'anything');
    expect(thrown).toEqual({ ok: false, error: { kind: 'rejected', waitedFor: 'anything', reason: 'answer could not be read: boom' } });
    const closing = s.expect(untilX, 500, 'an X');
    s.close();
    expect(await closing).toEqual({ ok: false, error: { kind: 'closed', waitedFor: 'an X' } });
    expect(f.closed()).toBe(true);
  });

  it('never holds more than its limit, whatever arrives', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 50 }), { maxLength: 20 }), fc.integer({ min: 1, max: 64 }), (chunks, max) => {
        const { clock } = virtualClock();
        const f = fakeLink();
        const s = new TextSession(f.link, clock.schedule, max);
        void s.expect(untilX, 1000, 'an X');
        for (const c of chunks) {
          f.push(Buffer.from(c).toString('latin1'));
          expect(s.bufferedBytes).toBeLessThanOrEqual(max);
        }
      }),
    );
  });
});

describe('timed', () => {
  it('turns values, rejections, throws and hangs into values', async () => {
    const { clock } = virtualClock();
    expect(await clock.settle(timed(async () => 7, 100, clock.schedule))).toEqual({ kind: 'value', value: 7 });
    expect(await clock.settle(timed(() => Promise.reject(new Error('no')), 100, clock.schedule))).toEqual({ kind: 'error', message: 'no' });
    const throwing = (): Promise<number> => {
      throw new Error('sync');
    };
    expect(await clock.settle(timed(throwing, 100, clock.schedule))).toEqual({ kind: 'error', message: 'sync' });
    expect(await clock.settle(timed(() => new Promise(() => {}), 100, clock.schedule))).toEqual({ kind: 'timeout' });
  });
});

describe('oneAtATime', () => {
  it('runs calls one after another and refuses past the cap', async () => {
    const order: string[] = [];
    const releases: (() => void)[] = [];
    const slowOp = (label: string) => (): Promise<FenceOpResult> =>
      new Promise((resolve) => {
        order.push(`start ${label}`);
        releases.push(() => {
          order.push(`end ${label}`);
          resolve({ ok: true, reason: label, durationMs: 1 });
        });
      });
    const inner: FenceDevice = {
      name: 'dev',
      off: (t) => slowOp(`off ${t}`)(),
      on: (t) => slowOp(`on ${t}`)(),
      status: async () => ({ state: 'on', reason: 'x', durationMs: 0 }),
      monitor: slowOp('monitor'),
    };
    const dev = oneAtATime(inner, 2);
    const a = dev.off('peer');
    const b = dev.monitor();
    expect(await dev.on('peer')).toEqual({ ok: false, reason: 'dev: 2 operations already queued on this device', durationMs: 0 });
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['start off peer']);
    releases[0]!();
    await a;
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['start off peer', 'end off peer', 'start monitor']);
    releases[1]!();
    expect((await b).ok).toBe(true);
  });
});
