// Each Megatec-family nut-ddl dump seeds the simulator; the session reads it
// back over the wire and the decoded variables must equal the dump's.
//
// Carried by Q1/F/I, so compared: ups.status, input.voltage,
// input.voltage.fault, output.voltage, ups.load, input.frequency,
// battery.voltage, ups.temperature, ups.type, ups.beeper.status (Q1);
// input.voltage.nominal, input.current.nominal, battery.voltage.nominal,
// input.frequency.nominal (F); ups.mfr, ups.model, ups.firmware (I).
// Not carried, so not compared: battery.charge and battery.runtime (NUT
// estimates them from voltage/load), battery.voltage.high/low, ups.delay.*
// (driver settings), input.transfer.*, output.current/frequency and the other
// Voltronic-only queries (QPI, QVFW, QBV, …) of the Mecer unit.

import { readMegatecReading } from '../../../../hw/ups/megatec/reader';
import { MegatecSession } from '../../../../hw/ups/megatec/session';
import { readingFromNutVars } from '../../../../hw/ups/nutVars';
import type { UpsReading } from '../../../../hw/ups/model';
import { ManualClock } from '../../../../hw/ups/sim/manualClock';
import { MegatecSim } from '../../../../hw/ups/sim/megatecSim';
import { megatecSimStateFromNut } from '../../../../hw/ups/sim/megatecWire';
import { simTransport } from '../../../../hw/ups/sim/simTransport';
import { fixturesForDrivers, loadFixture } from '../helpers';

const CARRIED: (keyof UpsReading)[] = [
  'ups.status',
  'input.voltage',
  'input.voltage.fault',
  'output.voltage',
  'ups.load',
  'input.frequency',
  'battery.voltage',
  'ups.temperature',
  'ups.type',
  'ups.beeper.status',
  'input.voltage.nominal',
  'input.current.nominal',
  'battery.voltage.nominal',
  'input.frequency.nominal',
  'ups.mfr',
  'ups.model',
  'ups.firmware',
];

const FILES = fixturesForDrivers(['blazer_ser', 'blazer_usb', 'megatec', 'megatec_usb', 'nutdrv_qx']);

describe('Megatec fixtures read back through simulator and session', () => {
  it('has the three Megatec-family fixtures', () => {
    expect(FILES).toHaveLength(3);
  });

  it.each(FILES)('%s', async (file) => {
    const dump = loadFixture(file);
    const seeded = megatecSimStateFromNut(dump.vars);
    expect(seeded.problems).toEqual([]);
    const clock = new ManualClock();
    const sim = new MegatecSim(seeded.state, { schedule: clock.schedule });
    const session = new MegatecSession(simTransport(sim), { schedule: clock.schedule });
    const read = await clock.settle(readMegatecReading(session));
    if (!read.ok) throw new Error(read.error.message);
    expect(read.value.warnings).toEqual([]);

    const expected = readingFromNutVars(dump.vars).reading;
    const compared = CARRIED.filter((name) => expected[name] !== undefined);
    expect(compared.length).toBeGreaterThanOrEqual(13);
    for (const name of compared) {
      expect({ name, value: read.value.reading[name] }).toEqual({ name, value: expected[name] });
    }
  });
});
