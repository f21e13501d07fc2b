// Modem lines backed by GPIO lines. A pty carries no modem lines (reference
// §11.1), so the lab wires a simulated GPIO line per signal instead, and a
// real board can use spare GPIOs for a cable's DTR/RTS or a sense input.
// Every signal is optional: a missing output is `unsupported`; a missing
// input reads as deasserted, as an unwired pin on a cable would. The GPIO
// line's own activeLow decides the polarity.

import type { GpioLine } from '../gpio/types';
import type { Schedule } from '../ups/schedule';
import { checkBreakMs } from './modemLines';
import { LINK_OK, linkError, type LinkResult, type ModemLines, type ModemStatus } from './types';

export interface GpioModemWiring {
  dtr?: GpioLine;
  rts?: GpioLine;
  cts?: GpioLine;
  dsr?: GpioLine;
  dcd?: GpioLine;
  /** An output that holds TX in the spacing state (or a stand-in for it) during BREAK. */
  brk?: GpioLine;
}

export function gpioBacked(wiring: GpioModemWiring, schedule: Schedule): ModemLines {
  const drive = async (line: GpioLine | undefined, signal: string, on: boolean): Promise<LinkResult<void>> => {
    if (!line) return linkError('unsupported', `cannot set ${signal} ${on ? 'on' : 'off'}: no GPIO line is wired as ${signal}`);
    const r = await line.write(on);
    return r.ok ? LINK_OK : linkError(r.error.kind === 'closed' ? 'closed' : 'io-error', `cannot set ${signal} ${on ? 'on' : 'off'}: ${r.error.message}`);
  };
  const sense = async (line: GpioLine | undefined, signal: string): Promise<LinkResult<boolean>> => {
    if (!line) return { ok: true, value: false };
    const r = await line.read();
    return r.ok ? r : linkError(r.error.kind === 'closed' ? 'closed' : 'io-error', `cannot read ${signal}: ${r.error.message}`);
  };
  return {
    setDtr: (on) => drive(wiring.dtr, 'DTR', on),
    setRts: (on) => drive(wiring.rts, 'RTS', on),
    async read() {
      if (!wiring.cts && !wiring.dsr && !wiring.dcd) return linkError('unsupported', 'cannot read CTS/DSR/DCD: no GPIO line is wired as an input signal');
      const out: Partial<ModemStatus> = {};
      for (const signal of ['cts', 'dsr', 'dcd'] as const) {
        const r = await sense(wiring[signal], signal.toUpperCase());
        if (!r.ok) return r;
        out[signal] = r.value;
      }
      return { ok: true, value: out as ModemStatus };
    },
    async sendBreak(durationMs) {
      const bad = checkBreakMs(durationMs);
      if (bad) return { ok: false, error: bad };
      const start = await drive(wiring.brk, 'BREAK', true);
      if (!start.ok) return start;
      await new Promise<void>((resolve) => schedule(durationMs, resolve));
      return drive(wiring.brk, 'BREAK', false);
    },
  };
}
