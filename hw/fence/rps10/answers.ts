// Matchers for what the RPS-10 says after a command: pure functions from the
// text received so far to "complete", "wrong" or "more to come". Any complete
// line that is not an RPS-10 reply is a failure at once (garbage), and an
// answer cut short is left as "more" so the session's deadline reports it as
// a half answer.

import type { Match } from '../textSession';
import { parseRps10Line, splitLines } from './protocol';

/** The banner after a reset (DTR drop). Other lines before it are line noise of the boot and skipped. */
export function matchReady(buffer: string): Match<true> {
  const banner = 'RPS-10 Ready';
  const at = buffer.indexOf(banner);
  const end = at + banner.length;
  if (at < 0 || end >= buffer.length) return { kind: 'more' };
  const next = buffer.charCodeAt(end);
  if (next !== 0x0d && next !== 0x0a) return { kind: 'fail', reason: `"${banner}" is followed by more text on the same line` };
  return { kind: 'match', value: true, consumed: end + 1 };
}

/**
 * After `0`/`1` for one outlet: `Plug <n> Off|On` then `Complete`. A plug line
 * for another outlet, or a state other than the one asked for, is a failure.
 */
export function matchSwitched(outlet: number, want: 'on' | 'off') {
  return (buffer: string): Match<true> => {
    const { lines, consumed } = splitLines(buffer);
    let plugSeen = false;
    for (const line of lines) {
      const parsed = parseRps10Line(line);
      if (!parsed.ok) return { kind: 'fail', reason: parsed.error };
      const r = parsed.value;
      if (r.kind === 'ready') continue;
      if (r.kind === 'plug') {
        if (r.outlet !== outlet) return { kind: 'fail', reason: `switch answered for plug ${r.outlet}, asked for plug ${outlet}` };
        if (r.state !== want) return { kind: 'fail', reason: `switch reports plug ${outlet} ${r.state} after the ${want} command` };
        plugSeen = true;
        continue;
      }
      if (!plugSeen) return { kind: 'fail', reason: `"Complete" came before any "Plug ${outlet}" line` };
      return { kind: 'match', value: true, consumed };
    }
    return { kind: 'more' };
  };
}

/** After `?`: the plug line for `outlet` (lines for other plugs, from `*`, are skipped); `Complete` is optional. */
export function matchStatus(outlet: number) {
  return (buffer: string): Match<'on' | 'off'> => {
    const { lines, consumed } = splitLines(buffer);
    for (const line of lines) {
      const parsed = parseRps10Line(line);
      if (!parsed.ok) return { kind: 'fail', reason: parsed.error };
      const r = parsed.value;
      if (r.kind === 'plug' && r.outlet === outlet) return { kind: 'match', value: r.state, consumed };
      if (r.kind === 'complete') return { kind: 'fail', reason: `status ended with no line for plug ${outlet}` };
    }
    return { kind: 'more' };
  };
}
