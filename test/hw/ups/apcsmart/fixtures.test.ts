// Each apcsmart nut-ddl dump seeds the APC simulator; the session handshakes,
// reads every variable over the wire, and the decoded values must equal the
// dump's. APC dumps are nearly wire text, so nearly everything is carried:
// ups.status (Q) and every variable of the letter table (model, firmware b,
// serial, dates, id, charge, runtime j, runtime.low q, battery voltages,
// restart charge, alarm threshold, packs, input voltage/min/max/frequency,
// transfer points and reason, quality, sensitivity, output voltage and its
// nominal `o` (output.voltage.target.battery in the 2.0 dump), load,
// temperature, test result, delays, test interval E), plus ups.mfr, which NUT
// sets to "APC" itself. Not compared: driver.* (the driver's own settings).

import { readApcReading } from '../../../../hw/ups/apcsmart/reader';
import { ApcSmartSession } from '../../../../hw/ups/apcsmart/session';
import { APC_VARIABLES } from '../../../../hw/ups/apcsmart/variables';
import type { UpsVarName } from '../../../../hw/ups/model';
import { readingFromNutVars } from '../../../../hw/ups/nutVars';
import { ApcSmartSim } from '../../../../hw/ups/sim/apcSmartSim';
import { apcSimStateFromNut } from '../../../../hw/ups/sim/apcWire';
import { ManualClock } from '../../../../hw/ups/sim/manualClock';
import { simTransport } from '../../../../hw/ups/sim/simTransport';
import { fixturesForDrivers, loadFixture } from '../helpers';

const CARRIED: UpsVarName[] = ['ups.status', 'ups.mfr', ...new Set(APC_VARIABLES.map((v) => v.name))];
const FILES = fixturesForDrivers(['apcsmart']);

describe('APC fixtures read back through simulator and session', () => {
  it('has the three apcsmart fixtures', () => {
    expect(FILES).toHaveLength(3);
  });

  it.each(FILES)('%s', async (file) => {
    const dump = loadFixture(file);
    const seeded = apcSimStateFromNut(dump.vars);
    expect(seeded.problems).toEqual([]);
    const clock = new ManualClock();
    const session = new ApcSmartSession(simTransport(new ApcSmartSim(seeded.state, { schedule: clock.schedule })), { schedule: clock.schedule });
    expect((await clock.settle(session.handshake())).ok).toBe(true);
    const info = await clock.settle(session.protocolInfo());
    if (!info.ok) throw new Error(info.error.message);
    const read = await clock.settle(readApcReading(session, { supported: info.value.commands }));
    if (!read.ok) throw new Error(read.error.message);
    expect(read.value.warnings).toEqual([]);

    const expected = readingFromNutVars(dump.vars).reading;
    const compared = CARRIED.filter((name) => expected[name] !== undefined);
    expect(compared.length).toBeGreaterThanOrEqual(30);
    for (const name of compared) {
      expect({ name, value: read.value.reading[name] }).toEqual({ name, value: expected[name] });
    }
  });
});
