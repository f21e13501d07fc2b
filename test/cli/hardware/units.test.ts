// The pieces behind the commands, without ports: health judgement, text
// helpers, the control-line splitter, the Areca client against the
// in-memory simulator (with faults and arbitrary chunking), and the
// raid-areca control model.

import fc from 'fast-check';
import { ArecaSimulator, createArecaModel, ARECA_VOLUME_STATUS } from '../../../hw/raid/arecaSerial';
import { UPS_STATUS_TOKENS, type UpsReading, type UpsStatusToken } from '../../../hw/ups/model';
import type { ByteTransport, DataListener } from '../../../hw/ups/transport';
import { ArecaSerialClient } from '../../../src/cli/hardware/arecaSerialClient';
import { arecaArrays, readArecaController } from '../../../src/cli/hardware/arecaSerialProbe';
import { arecaSimState, failDisk, heal, replaceDisk, type RemovedDisks } from '../../../src/cli/hardware/arecaSimControl';
import { BoundedLines } from '../../../src/cli/hardware/controlLines';
import { judgeRaid, type RaidArrayReport } from '../../../src/cli/hardware/raidReport';
import { formatSeconds, labelled } from '../../../src/cli/hardware/text';
import { explainStatus } from '../../../src/cli/hardware/upsFormat';
import { judgeUpsReading } from '../../../src/cli/hardware/upsProbe';

const RANK = { ok: 0, warning: 1, critical: 2, unreachable: 3 } as const;
const statusArb = fc.subarray([...UPS_STATUS_TOKENS]) as fc.Arbitrary<UpsStatusToken[]>;
const reading = (status: UpsStatusToken[]): UpsReading => ({ 'ups.status': status });

describe('judgeUpsReading', () => {
  it('critical exactly when FSD, or OB with LB outside a calibration', () => {
    fc.assert(
      fc.property(statusArb, (status) => {
        const has = (t: UpsStatusToken) => status.includes(t);
        const critical = has('FSD') || (has('OB') && has('LB') && !has('CAL'));
        expect(judgeUpsReading(reading(status)).health === 'critical').toBe(critical);
      }),
    );
  });

  it('adding OB never makes a status look healthier', () => {
    fc.assert(
      fc.property(statusArb, (status) => {
        const before = RANK[judgeUpsReading(reading(status)).health];
        const after = RANK[judgeUpsReading(reading([...new Set([...status, 'OB' as const])])).health];
        expect(after).toBeGreaterThanOrEqual(Math.max(before, 1));
      }),
    );
  });

  it('plain OL, OL CHRG and OL TRIM are ok; OL RB and OL LB are warnings', () => {
    expect(judgeUpsReading(reading(['OL'])).health).toBe('ok');
    expect(judgeUpsReading(reading(['OL', 'CHRG'])).health).toBe('ok');
    expect(judgeUpsReading(reading(['OL', 'TRIM'])).health).toBe('ok');
    expect(judgeUpsReading(reading(['OL', 'RB']))).toEqual({ health: 'warning', reason: 'battery needs replacing (OL RB)' });
    expect(judgeUpsReading(reading(['OL', 'LB'])).health).toBe('warning');
    expect(judgeUpsReading(reading([])).health).toBe('warning');
  });

  it('every token has words', () => {
    for (const t of UPS_STATUS_TOKENS) expect(explainStatus([t])).toMatch(new RegExp(`^${t} \\([a-z ]+\\)$`));
  });
});

describe('judgeRaid', () => {
  const arr = (state: RaidArrayReport['state'], name = 'a'): RaidArrayReport => ({ name, state, level: null, members: [], progress: null, reason: '' });
  it('the worst array decides', () => {
    const stateArb = fc.constantFrom('ok', 'degraded', 'rebuilding', 'failed') as fc.Arbitrary<RaidArrayReport['state']>;
    fc.assert(
      fc.property(fc.array(stateArb, { minLength: 1, maxLength: 8 }), (states) => {
        const expected = states.includes('failed') ? 'critical' : states.some((s) => s !== 'ok') ? 'warning' : 'ok';
        expect(judgeRaid(states.map((s, i) => arr(s, `md${i}`))).health).toBe(expected);
      }),
    );
  });
});

describe('text helpers', () => {
  it('formatSeconds', () => {
    expect(formatSeconds(45)).toBe('45 s');
    expect(formatSeconds(600)).toBe('10 min');
    expect(formatSeconds(750)).toBe('12 min 30 s');
    expect(formatSeconds(3725)).toBe('1 h 02 min');
    expect(formatSeconds(3599.6)).toBe('1 h 00 min');
  });
  it('labelled aligns values and indents continuation lines', () => {
    expect(labelled('Load', '20 %')).toBe('Load         20 %');
    expect(labelled('A', 'x\ny', 4)).toBe('A   x\n    y');
    expect(labelled('Temperature-long', 'v')).toBe('Temperature-long v');
  });
});

describe('BoundedLines', () => {
  it('chunking does not change the lines, and no line longer than the bound comes out', () => {
    const textArb = fc.array(fc.string({ maxLength: 30 }).map((s) => s.replace(/\n/g, '')), { maxLength: 10 });
    fc.assert(
      fc.property(textArb, fc.array(fc.nat(40), { maxLength: 10 }), (lines, cuts) => {
        const text = lines.map((l) => `${l}\n`).join('');
        const splitter = new BoundedLines(20);
        const out: Array<string | null> = [];
        let pos = 0;
        for (const c of [...cuts, text.length]) {
          out.push(...splitter.push(text.slice(pos, pos + c)));
          pos += c;
        }
        out.push(...splitter.push(text.slice(pos)));
        expect(out).toEqual(lines.map((l) => (l.length > 20 ? null : l.replace(/\r$/, ''))));
      }),
    );
  });
});

/** The simulator behind a ByteTransport; replies are cut into chunks of `chunk` bytes and sent async. */
function simLink(sim: ArecaSimulator, chunk = Infinity): ByteTransport & { closed: boolean } {
  const listeners = new Set<DataListener>();
  const link = {
    closed: false,
    write(bytes: Uint8Array) {
      if (link.closed) throw new Error('closed');
      const reply = sim.receive(bytes);
      setImmediate(() => {
        for (let i = 0; i < reply.length; i += chunk) for (const l of listeners) l(reply.subarray(i, i + chunk));
      });
    },
    onData(l: DataListener) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    close() {
      link.closed = true;
    },
  };
  return link;
}

describe('ArecaSerialClient + readArecaController against the simulator', () => {
  it('reads the controller whatever the chunking of the replies', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 5 }), async (chunk, members) => {
        const client = new ArecaSerialClient(simLink(new ArecaSimulator(createArecaModel({ memberCount: members })), chunk), { replyTimeoutMs: 200 });
        const r = await readArecaController(client);
        client.close();
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.value.disks.size).toBe(members);
        expect(arecaArrays(r.value)).toEqual([expect.objectContaining({ state: 'ok', members: expect.arrayContaining([]) })]);
      }),
      { numRuns: 25 },
    );
  });

  it('garbage before a reply is skipped; a dropped reply and a bad checksum are timeouts', async () => {
    const sim = new ArecaSimulator(createArecaModel());
    const client = new ArecaSerialClient(simLink(sim), { replyTimeoutMs: 60 });
    sim.queueFault({ kind: 'garbage', bytes: Uint8Array.from([1, 2, 0x5e, 0x01, 9]) });
    expect(await client.request({ kind: 'identify' })).toMatchObject({ ok: true, value: { kind: 'identify' } });
    sim.queueFault({ kind: 'drop' });
    expect(await client.request({ kind: 'identify' })).toMatchObject({ ok: false, error: { kind: 'timeout', message: expect.stringMatching(/no answer to GUI_IDENTIFY within 60 ms \(nothing came back\)/) } });
    sim.queueFault({ kind: 'corrupt-checksum' });
    expect(await client.request({ kind: 'identify' })).toMatchObject({ ok: false, error: { kind: 'timeout', message: expect.stringMatching(/checksum/) } });
    client.close();
    expect(await client.request({ kind: 'identify' })).toMatchObject({ ok: false, error: { kind: 'closed' } });
  });

  it('a wrong password is refused; a port that is not an Areca is named', async () => {
    const refused = await readArecaController(new ArecaSerialClient(simLink(new ArecaSimulator(createArecaModel())), { replyTimeoutMs: 100 }), 'guess');
    expect(refused).toMatchObject({ ok: false, error: { kind: 'refused' } });
    const model = createArecaModel();
    model.identifyText = 'Totally Other Box';
    const other = await readArecaController(new ArecaSerialClient(simLink(new ArecaSimulator(model)), { replyTimeoutMs: 100 }));
    expect(other).toMatchObject({ ok: false, error: { kind: 'not-areca', message: expect.stringContaining('"Totally Other Box"') } });
  });
});

describe('raid-areca control model', () => {
  const stateAfterLosses = (raidLevel: number, members: number, losses: number) => {
    const model = createArecaModel({ memberCount: members });
    model.volumes[0]!.raidLevel = raidLevel;
    const removed: RemovedDisks = new Map();
    for (let d = 0; d < losses; d++) expect(failDisk(model, removed, d)).toBeNull();
    return (arecaSimState(model).volumes as Array<{ state: string }>)[0]!.state;
  };

  it.each([
    [0, 2, 1, 'failed'], // raid0 tolerates nothing
    [1, 2, 1, 'degraded'],
    [1, 2, 2, 'failed'],
    [3, 4, 1, 'degraded'], // raid5
    [3, 4, 2, 'failed'],
    [4, 5, 2, 'degraded'], // raid6
    [4, 5, 3, 'failed'],
  ])('raid level byte %d with %d disks after %d losses is %s', (level, members, losses, state) => {
    expect(stateAfterLosses(level, members, losses)).toBe(state);
  });

  it('replacing a disk starts a rebuild; a failed volume stays failed; heal restores everything', () => {
    const model = createArecaModel({ memberCount: 3 });
    const removed: RemovedDisks = new Map();
    failDisk(model, removed, 1);
    expect(replaceDisk(model, removed, 1)).toBeNull();
    expect(model.volumes[0]!.status & ARECA_VOLUME_STATUS.REBUILDING).not.toBe(0);
    expect(model.volumes[0]!.failMask).toBe(0);
    failDisk(model, removed, 0);
    failDisk(model, removed, 2);
    replaceDisk(model, removed, 0);
    expect((arecaSimState(model).volumes as Array<{ state: string }>)[0]!.state).toBe('failed');
    heal(model, removed);
    expect(arecaSimState(model)).toMatchObject({ volumes: [{ state: 'ok', status: [], failMask: 0 }], missingDisks: [3] });
  });
});
