// Time is injected: protocol sessions and simulators never read a clock or
// start a timer themselves. Production passes `timerSchedule`; tests pass a
// virtual clock (hw/ups/sim/manualClock.ts) so a 1 s timeout costs no real time.

/** Cancels a scheduled call; harmless after it ran or was already cancelled. */
export type Cancel = () => void;

/** Run `fn` once, `delayMs` from now. */
export type Schedule = (delayMs: number, fn: () => void) => Cancel;

/** The real thing, on Node's timers. */
export const timerSchedule: Schedule = (delayMs, fn) => {
  const timer = setTimeout(fn, Math.max(0, delayMs));
  return () => clearTimeout(timer);
};
