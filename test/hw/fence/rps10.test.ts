import fc from 'fast-check';
import { MemoryPower } from '../../../hw/fence/deps';
import { matchStatus, matchSwitched } from '../../../hw/fence/rps10/answers';
import { Rps10FenceDevice, type Rps10FenceOptions } from '../../../hw/fence/rps10/device';
import { decodeRps10Command, encodeRps10Command, parseRps10Line, Rps10CommandReader, splitLines } from '../../../hw/fence/rps10/protocol';
import { Rps10Sim, type Rps10SimOptions } from '../../../hw/fence/rps10/sim';
import { simTransport, type SimLink } from '../../../hw/ups/sim/simTransport';
import { hex, virtualClock } from './helpers';

function enc(address: number | '*', action: 'off' | 'on' | 'toggle' | 'status'): string {
  const r = encodeRps10Command({ address, action });
  if (!r.ok) throw new Error(r.error);
  return hex(r.value);
}

describe('RPS-10 protocol', () => {
  it('encodes the reference commands', () => {
    expect(enc(0, 'toggle')).toBe('02 18 18 02 18 18 30 54 0D');
    expect(enc(3, 'on')).toBe('02 18 18 02 18 18 33 31 0D');
    expect(enc('*', 'status')).toBe('02 18 18 02 18 18 2A 3F 0D');
    expect(enc(0, 'off')).toBe('02 18 18 02 18 18 30 30 0D');
    expect(encodeRps10Command({ address: 10, action: 'off' }).ok).toBe(false);
  });

  it('decodes what it encodes, and the command reader finds commands among noise', () => {
    const frame = encodeRps10Command({ address: 7, action: 'status' });
    expect(frame.ok && decodeRps10Command(frame.value)).toEqual({ ok: true, value: { address: 7, action: 'status' } });
    const reader = new Rps10CommandReader();
    const noisy = Uint8Array.from([0x41, 0x02, 0x18, 0x55, ...(frame.ok ? frame.value : [])]);
    const out = reader.push(noisy);
    expect(out.map((r) => r.ok)).toEqual([false, true]);
  });

  it('parses reply lines with either line-end order', () => {
    expect(splitLines('Plug 0 Off\r\nComplete\n\rPlug')).toEqual({ lines: ['Plug 0 Off', 'Complete'], consumed: 22 });
    expect(parseRps10Line('Plug 4 On')).toEqual({ ok: true, value: { kind: 'plug', outlet: 4, state: 'on' } });
    expect(parseRps10Line('RPS-10 Ready')).toEqual({ ok: true, value: { kind: 'ready' } });
    const bad = parseRps10Line('Plug 4 Maybe');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toContain('"Plug 4 Maybe" is not an RPS-10 reply');
  });

  it('matchers accept the full answer and refuse contradictions', () => {
    expect(matchSwitched(0, 'off')('Plug 0 Off\r\nComplete\r\n').kind).toBe('match');
    expect(matchSwitched(0, 'off')('Plug 0 Off\r\n').kind).toBe('more');
    expect(matchSwitched(0, 'off')('Plug 0 On\r\nComplete\r\n')).toEqual({ kind: 'fail', reason: 'switch reports plug 0 on after the off command' });
    expect(matchSwitched(0, 'off')('Complete\r\n').kind).toBe('fail');
    expect(matchStatus(2)('Plug 0 On\r\nPlug 1 On\r\nPlug 2 Off\r\nComplete\r\n')).toMatchObject({ kind: 'match', value: 'off' });
  });

  it('parsers and matchers never throw on random input, and the reader holds at most 8 bytes', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.integer({ min: 0, max: 9 }), (text, outlet) => {
        splitLines(text);
        for (const line of splitLines(text).lines) parseRps10Line(line);
        matchSwitched(outlet, 'off')(text);
        matchStatus(outlet)(text);
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 30 }), { maxLength: 10 }), (chunks) => {
        const reader = new Rps10CommandReader();
        for (const c of chunks) {
          reader.push(c);
          expect(reader.pendingBytes).toBeLessThanOrEqual(8);
        }
        decodeRps10Command(chunks[0] ?? new Uint8Array());
      }),
    );
  });
});

function setup(simOptions: Partial<Rps10SimOptions> = {}, deviceOptions: Partial<Rps10FenceOptions> = {}) {
  const { clock, fenceClock } = virtualClock();
  const power = new MemoryPower();
  const sim = new Rps10Sim({ power, schedule: clock.schedule, outletCount: 4, ...simOptions });
  const links: SimLink[] = [];
  const device = new Rps10FenceDevice({
    name: 'rps10',
    outlets: { peer: 2 },
    clock: fenceClock,
    openTransport: async () => {
      const link = simTransport(sim);
      links.push(link);
      if (deviceOptions.waitForReady !== false) sim.reset();
      return link;
    },
    ...deviceOptions,
  });
  return { clock, power, sim, links, device };
}

describe('Rps10FenceDevice against the simulator', () => {
  it('off sends the exact command, then confirms by a status query', async () => {
    const { clock, power, links, device } = setup();
    const r = await clock.settle(device.off('peer'));
    expect(r).toMatchObject({ ok: true, reason: 'rps10: plug 2 switched off; status confirms off' });
    expect(power.isOn(2)).toBe(false);
    expect(power.isOn(1)).toBe(true);
    expect(links[0]!.written.map(hex)).toEqual([enc(2, 'off'), enc(2, 'status')]);
    expect(links[0]!.closed).toBe(true);
    expect(await clock.settle(device.status('peer'))).toMatchObject({ state: 'off' });
    expect((await clock.settle(device.on('peer'))).ok).toBe(true);
    expect(power.isOn(2)).toBe(true);
    expect((await clock.settle(device.monitor())).ok).toBe(true);
  });

  it('works with LF CR line ends and a slow switch', async () => {
    const { clock, device } = setup({ lineEnd: '\n\r', faults: { slowMs: 4000 } });
    expect((await clock.settle(device.off('peer'))).ok).toBe(true);
  });

  it('a switch that says done but does not switch is a failure', async () => {
    const { clock, power, device } = setup({ faults: { lie: true } });
    const r = await clock.settle(device.off('peer'));
    expect(r.ok).toBe(false);
    expect(r.reason).toBe('rps10: switch said plug 2 off but status still reads on');
    expect(power.isOn(2)).toBe(true);
  });

  it('silence is a timeout failure', async () => {
    const { clock, device } = setup({ faults: { silent: true } });
    const r = await clock.settle(device.off('peer'));
    expect(r.ok).toBe(false);
    expect(r.reason).toContain('no answer within 12000 ms while waiting for "RPS-10 Ready"');
    expect(r.durationMs).toBe(12_000);
  });

  it('silence after the banner is a timeout failure on the command', async () => {
    const { clock, sim, device } = setup({ bootMs: 100 });
    const pending = device.off('peer');
    await new Promise((resolve) => setImmediate(resolve));
    clock.advance(150);
    sim.faults.silent = true;
    const r = await clock.settle(pending);
    expect(r.reason).toContain('no answer within 14000 ms while waiting for "Plug 2 Off" and "Complete"');
  });

  it('garbage is a failure naming the bytes', async () => {
    const { clock, device } = setup({}, { waitForReady: false });
    const g = setup({ faults: { garbage: true } }, { waitForReady: false });
    const r = await g.clock.settle(g.device.off('peer'));
    expect(r.ok).toBe(false);
    expect(r.reason).toContain('unexpected answer while waiting for "Plug 2 Off" and "Complete"');
    expect(r.reason).toContain('is not an RPS-10 reply');
    expect((await clock.settle(device.off('peer'))).ok).toBe(true);
  });

  it('a half answer is a failure quoting what came', async () => {
    const { clock, power, device } = setup({ faults: { halfAnswer: true } }, { waitForReady: false });
    const r = await clock.settle(device.off('peer'));
    expect(r.ok).toBe(false);
    expect(r.reason).toBe('rps10: half answer: only "Plug 2 Off\\r" within 14000 ms while waiting for "Plug 2 Off" and "Complete"');
    // The switch did cut (only its answer was cut short); the fencer's own status check can still find out.
    expect(power.isOn(2)).toBe(false);
  });

  it('an outlet the switch does not have, an unknown target and a dead link are failures', async () => {
    const { clock, device } = setup({ outletCount: 1 });
    expect((await clock.settle(device.off('peer'))).ok).toBe(false);
    expect((await clock.settle(device.off('nobody'))).reason).toContain('no outlet configured for target "nobody"');
    expect((await clock.settle(device.status('nobody'))).state).toBe('unknown');
    const dead = setup({}, { openTransport: () => Promise.reject(new Error('EACCES')) });
    expect((await dead.clock.settle(dead.device.monitor())).reason).toBe('rps10: link to the switch failed to open: EACCES');
  });
});
