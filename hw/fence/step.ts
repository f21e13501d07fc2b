// The small result type the console agents chain their steps with, and the
// open-use-close wrapper around a TextSession: whatever a step returns, the
// link is closed, and every failure is a readable reason.

import type { FenceClock, TransportFactory } from './deps';
import { describeExpectError, TextSession, type ExpectResult } from './textSession';
import { sleep, timed } from './timed';

export type Step<T> = { ok: true; value: T } | { ok: false; reason: string };

export function fromExpect<T>(r: ExpectResult<T>): Step<T> {
  return r.ok ? r : { ok: false, reason: describeExpectError(r.error) };
}

/** Open the link within `openTimeoutMs`, run `body` on a session over it, always close. */
export async function withTextSession<T>(
  open: TransportFactory,
  clock: FenceClock,
  openTimeoutMs: number,
  deviceWord: string,
  body: (s: TextSession) => Promise<Step<T>>,
): Promise<Step<T>> {
  const opened = await timed(open, openTimeoutMs, clock.schedule);
  if (opened.kind === 'timeout') return { ok: false, reason: `link to the ${deviceWord} did not open within ${openTimeoutMs} ms` };
  if (opened.kind === 'error') return { ok: false, reason: `link to the ${deviceWord} failed to open: ${opened.message}` };
  const session = new TextSession(opened.value, clock.schedule);
  try {
    return await body(session);
  } finally {
    session.close();
  }
}

/**
 * Read the power state until it is `want` or `windowMs` pass (UPS shutdowns
 * happen after a grace delay). The last reading or failure is the reason.
 */
export async function pollState(
  read: () => Promise<Step<'on' | 'off'>>,
  want: 'on' | 'off',
  windowMs: number,
  pollMs: number,
  clock: FenceClock,
): Promise<Step<'on' | 'off'>> {
  const deadline = clock.nowMs() + windowMs;
  for (;;) {
    const r = await read();
    if (r.ok && r.value === want) return r;
    if (clock.nowMs() + pollMs > deadline) {
      return { ok: false, reason: r.ok ? `output still reads ${r.value} after ${windowMs} ms` : `status check failed: ${r.reason}` };
    }
    await sleep(pollMs, clock.schedule);
  }
}
