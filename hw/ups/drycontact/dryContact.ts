// A UPS that only closes relay contacts: one for "on battery", optionally one
// for "battery low" (the classic dry-contact card; NUT's genericups and
// generic_gpio model the same thing). Each contact is read through a minimal
// input interface so a GPIO line, a simulated line or a test double all fit.
// The reading carries only ups.status (OL/OB, LB), which is all a contact says.

import type { UpsReading, UpsStatusToken } from '../model';
import { err, ok, type Result } from '../result';
import type { Unsubscribe } from '../transport';
import { sourceError, type SourceError, type UpsSource } from '../monitor/source';

/** One digital input, as the GPIO layer offers it. */
export interface ContactInput {
  read(): Promise<0 | 1>;
  /** Called on every level change; returns the way to stop watching. */
  watch(cb: (level: 0 | 1) => void): Unsubscribe;
}

export interface ContactConfig {
  input: ContactInput;
  /** Level that means "asserted" (on battery / battery low). Normally-closed contacts pulled up are often active 0. */
  activeLevel: 0 | 1;
}

export interface DryContactOptions {
  onBattery: ContactConfig;
  lowBattery?: ContactConfig;
}

/** ups.status from the two contact states. */
export function dryContactStatus(onBattery: boolean, lowBattery: boolean): UpsStatusToken[] {
  const status: UpsStatusToken[] = [onBattery ? 'OB' : 'OL'];
  if (lowBattery) status.push('LB');
  return status;
}

async function asserted(name: string, c: ContactConfig): Promise<Result<boolean, SourceError>> {
  try {
    const level = await c.input.read();
    if (level !== 0 && level !== 1) return err(sourceError('garbage', `${name} input read ${String(level)}, not 0 or 1`));
    return ok(level === c.activeLevel);
  } catch (e) {
    return err(sourceError('read-failed', `${name} input cannot be read: ${e instanceof Error ? e.message : String(e)}`));
  }
}

/** A monitor source over the contacts; an edge on either input asks the monitor to poll at once. */
export function dryContactSource(opts: DryContactOptions): UpsSource {
  const stops: Unsubscribe[] = [];
  return {
    async read() {
      const ob = await asserted('on-battery', opts.onBattery);
      if (!ob.ok) return ob;
      const lb = opts.lowBattery ? await asserted('low-battery', opts.lowBattery) : ok(false);
      if (!lb.ok) return lb;
      const reading: UpsReading = { 'ups.status': dryContactStatus(ob.value, lb.value) };
      return ok(reading);
    },
    onNudge(listener) {
      const inputs = [opts.onBattery, opts.lowBattery].filter((c): c is ContactConfig => c !== undefined);
      const mine = inputs.map((c) => c.input.watch(() => listener()));
      stops.push(...mine);
      return () => mine.forEach((s) => s());
    },
    close() {
      for (const s of stops.splice(0)) s();
    },
  };
}
