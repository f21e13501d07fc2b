import fc from 'fast-check';
import { MemoryPower } from '../../../hw/fence/deps';
import { LcusFenceDevice } from '../../../hw/fence/lcus/device';
import { decodeLcusFrame, encodeLcusFrame, LcusFrameReader } from '../../../hw/fence/lcus/protocol';
import { LcusSim } from '../../../hw/fence/lcus/sim';
import type { FenceSimFaults } from '../../../hw/fence/sim/faults';
import { hex, linkFactory, virtualClock } from './helpers';

describe('LCUS protocol', () => {
  it('encodes the reference frames', () => {
    const enc = (channel: number, on: boolean): string => {
      const r = encodeLcusFrame({ channel, on });
      if (!r.ok) throw new Error(r.error);
      return hex(r.value);
    };
    expect(enc(1, false)).toBe('A0 01 00 A1');
    expect(enc(1, true)).toBe('A0 01 01 A2');
    expect(enc(2, false)).toBe('A0 02 00 A2');
    expect(enc(2, true)).toBe('A0 02 01 A3');
  });

  it('rejects channels outside 1..8', () => {
    for (const channel of [0, 9, 1.5, -1]) {
      const r = encodeLcusFrame({ channel, on: true });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toContain(`got ${channel}`);
    }
  });

  it('decodes frames and names a wrong checksum', () => {
    expect(decodeLcusFrame(Uint8Array.from([0xa0, 0x03, 0x01, 0xa4]))).toEqual({ ok: true, value: { channel: 3, on: true } });
    const bad = decodeLcusFrame(Uint8Array.from([0xa0, 0x01, 0x00, 0xa2]));
    expect(bad).toEqual({ ok: false, error: { kind: 'bad-checksum', frame: [0xa0, 1, 0, 0xa2], expected: 0xa1 } });
    expect(decodeLcusFrame(Uint8Array.from([0xa0, 0x09, 0x00, 0xa9])).ok).toBe(false);
    expect(decodeLcusFrame(Uint8Array.from([0xa0, 0x01, 0x02, 0xa3])).ok).toBe(false);
  });

  it('reassembles frames split across pushes and skips stray bytes', () => {
    const reader = new LcusFrameReader();
    expect(reader.push(Uint8Array.from([0x55, 0xa0, 0x02]))).toEqual([{ ok: false, error: { kind: 'stray-byte', byte: 0x55 } }]);
    expect(reader.pendingBytes).toBe(2);
    expect(reader.push(Uint8Array.from([0x01, 0xa3]))).toEqual([{ ok: true, value: { channel: 2, on: true } }]);
  });

  it('never throws on random bytes, holds at most 3 bytes, and round-trips valid frames', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 10 }), (chunks) => {
        const reader = new LcusFrameReader();
        for (const c of chunks) {
          reader.push(c);
          expect(reader.pendingBytes).toBeLessThanOrEqual(3);
        }
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.boolean(), (channel, on) => {
        const frame = encodeLcusFrame({ channel, on });
        expect(frame.ok && decodeLcusFrame(frame.value)).toEqual({ ok: true, value: { channel, on } });
      }),
    );
  });
});

function setup(faults: Partial<FenceSimFaults> = {}, senseOverride?: () => Promise<boolean | null>) {
  const { clock, fenceClock } = virtualClock();
  const power = new MemoryPower();
  const sim = new LcusSim({ power, schedule: clock.schedule, faults });
  const { open, links } = linkFactory(sim);
  const device = new LcusFenceDevice({
    name: 'relay',
    channels: { peer: 2 },
    openTransport: open,
    senseOff: senseOverride ?? (async () => !power.isOn(2)),
    clock: fenceClock,
  });
  return { clock, power, sim, links, device };
}

describe('LcusFenceDevice against the simulator', () => {
  it('off writes A0 02 00 A2 and is confirmed by the power sense', async () => {
    const { clock, power, links, device } = setup();
    const r = await clock.settle(device.off('peer'));
    expect(r.ok).toBe(true);
    expect(r.reason).toMatch(/^relay: relay 2 switched; target "peer" reads off/);
    expect(links.map((l) => hex(l.written[0]!))).toEqual(['A0 02 00 A2']);
    expect(links[0]!.closed).toBe(true);
    expect(power.isOn(2)).toBe(false);
    expect((await clock.settle(device.status('peer'))).state).toBe('off');
    expect((await clock.settle(device.on('peer'))).ok).toBe(true);
    expect(power.isOn(2)).toBe(true);
  });

  it('a slow relay is still confirmed within the window', async () => {
    const { clock, device } = setup({ slowMs: 3000 });
    const r = await clock.settle(device.off('peer'));
    expect(r.ok).toBe(true);
    expect(r.durationMs).toBeGreaterThanOrEqual(3000);
  });

  it('a board that takes the frame but does not switch is a failure', async () => {
    const { clock, power, device } = setup({ lie: true });
    const r = await clock.settle(device.off('peer'));
    expect(r.ok).toBe(false);
    expect(r.reason).toContain('target "peer" still reads on');
    expect(power.isOn(2)).toBe(true);
  });

  it('a dead board (silent) is a failure, never a success', async () => {
    const { clock, device } = setup({ silent: true });
    const r = await clock.settle(device.off('peer'));
    expect(r.ok).toBe(false);
    expect(r.reason).toContain('still reads on');
  });

  it('an undecided or hanging power sense is a failure with the reason', async () => {
    const unsure = setup({}, async () => null);
    const r1 = await unsure.clock.settle(unsure.device.off('peer'));
    expect(r1.ok).toBe(false);
    expect(r1.reason).toContain('cannot confirm: power sense cannot tell');

    const hung = setup({}, () => new Promise<boolean | null>(() => {}));
    const r2 = await hung.clock.settle(hung.device.off('peer'));
    expect(r2.ok).toBe(false);
    expect(r2.reason).toContain('no reading within 3000 ms');

    const broken = setup({}, async () => {
      throw new Error('gpio gone');
    });
    const r3 = await broken.clock.settle(broken.device.off('peer'));
    expect(r3.ok).toBe(false);
    expect(r3.reason).toContain('power sense failed: gpio gone');
    expect((await broken.clock.settle(broken.device.status('peer'))).state).toBe('unknown');
  });

  it('link failures and unknown targets are failures', async () => {
    const { clock, fenceClock } = virtualClock();
    const base = { name: 'relay', channels: { peer: 1 }, senseOff: async () => true, clock: fenceClock };
    const refused = new LcusFenceDevice({ ...base, openTransport: async () => Promise.reject(new Error('ENOENT /dev/ttyUSB0')) });
    expect((await clock.settle(refused.off('peer'))).reason).toContain('failed to open: ENOENT /dev/ttyUSB0');
    expect((await clock.settle(refused.monitor())).ok).toBe(false);
    const hanging = new LcusFenceDevice({ ...base, openTransport: () => new Promise(() => {}) });
    expect((await clock.settle(hanging.off('peer'))).reason).toContain('did not open within 5000 ms');
    const badWrite = new LcusFenceDevice({
      ...base,
      openTransport: async () => ({ write: () => Promise.reject(new Error('EIO')), onData: () => () => {}, close: () => {} }),
    });
    const w = await clock.settle(badWrite.off('peer'));
    expect(w.ok).toBe(false);
    expect(w.reason).toContain('writing the relay frame failed: EIO');
    expect((await clock.settle(refused.off('other'))).reason).toContain('no relay channel configured for target "other"');
    expect((await clock.settle(refused.off('toString'))).reason).toContain('no relay channel configured for target "toString"');
  });

  it('normally-closed wiring sends the relay-on frame to cut power', async () => {
    const { clock, fenceClock } = virtualClock();
    const power = new MemoryPower();
    const sim = new LcusSim({ power, schedule: clock.schedule, relayOnCutsPower: true });
    const { open, links } = linkFactory(sim);
    const device = new LcusFenceDevice({
      name: 'nc',
      channels: { peer: 1 },
      relayOnCutsPower: true,
      openTransport: open,
      senseOff: async () => !power.isOn(1),
      clock: fenceClock,
    });
    expect((await clock.settle(device.off('peer'))).ok).toBe(true);
    expect(hex(links[0]!.written[0]!)).toBe('A0 01 01 A2');
  });
});
