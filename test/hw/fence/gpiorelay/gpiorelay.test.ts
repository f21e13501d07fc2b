import { GpioRelayFenceDevice, type GpioRelayFenceOptions } from '../../../../hw/fence/gpiorelay/device';
import { openGpioLine } from '../../../../hw/gpio/line';
import { simGpioBackend, SimGpioChip } from '../../../../hw/gpio/sim';
import type { GpioLine, GpioLineConfig } from '../../../../hw/gpio/types';
import { ManualClock } from '../../../../hw/ups/sim/manualClock';

/**
 * A simulated peer: its power-good output (our sense input, active high) drops
 * `offDelayMs` after our relay output is energised, and comes back
 * `onDelayMs` after it is released, unless the relay contact is `welded`.
 */
async function rig(opts: { relayActiveLow?: boolean; offDelayMs?: number; onDelayMs?: number; withSense?: boolean } = {}) {
  const clock = new ManualClock();
  const gclock = { schedule: clock.schedule, nowMs: () => clock.nowMs };
  const chip = new SimGpioChip('gpiochip0', ['relay', 'power-good']);
  const backend = simGpioBackend(chip);
  const open = async (cfg: GpioLineConfig): Promise<GpioLine> => {
    const r = await openGpioLine(backend, cfg, gclock);
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };
  const peer = { welded: false, powered: true };
  chip.drive('power-good', 1);
  const energised = (): boolean => chip.level('relay') === (opts.relayActiveLow ? 0 : 1);
  chip.onChange((c) => {
    if (c.name !== 'relay' || c.by !== 'host' || peer.welded) return;
    const cut = energised();
    clock.schedule(cut ? (opts.offDelayMs ?? 300) : (opts.onDelayMs ?? 300), () => {
      if (energised() === cut) chip.drive('power-good', cut ? 0 : 1);
    });
  });
  const relay = await open({ name: 'relay', chip: 'gpiochip0', offset: 0, direction: 'out', activeLow: opts.relayActiveLow === true });
  const sense = opts.withSense === false ? undefined : await open({ name: 'power-good', chip: 'gpiochip0', offset: 1, direction: 'in' });
  const make = (extra: Partial<GpioRelayFenceOptions> = {}) =>
    new GpioRelayFenceDevice({
      name: 'relay-1',
      target: 'node-b',
      relay,
      ...(sense ? { sense } : {}),
      mode: { kind: 'hold' },
      clock: gclock,
      confirmTimeoutMs: 2000,
      sensePollMs: 100,
      settleMs: 50,
      ...extra,
    });
  return { clock, chip, relay, sense, peer, make, energised };
}

describe('GpioRelayFenceDevice', () => {
  it('hold mode: off energises an active-low relay and is confirmed when the sense reads off; on restores', async () => {
    const { clock, chip, make, energised } = await rig({ relayActiveLow: true });
    const device = make();
    expect(chip.level('relay')).toBe(1); // released, active-low
    const off = await clock.settle(device.off('node-b'));
    expect(off.ok).toBe(true);
    expect(off.reason).toBe('relay-1: relay energised; target "node-b" reads off after 350 ms (sense input "power-good" reads off)');
    expect(off.durationMs).toBe(350);
    expect(chip.level('relay')).toBe(0);
    expect(energised()).toBe(true);
    expect(await clock.settle(device.status('node-b'))).toMatchObject({ state: 'off' });
    const on = await clock.settle(device.on('node-b'));
    expect(on).toMatchObject({ ok: true, reason: expect.stringContaining('relay released; target "node-b" reads on') });
    expect(chip.level('relay')).toBe(1);
    expect(await clock.settle(device.monitor())).toMatchObject({ ok: true });
  });

  it('fails with the reason when the sense never reads off (welded contact)', async () => {
    const { clock, peer, make } = await rig();
    peer.welded = true;
    const off = await clock.settle(make().off('node-b'));
    expect(off.ok).toBe(false);
    expect(off.reason).toMatch(/^relay-1: relay energised, but target "node-b" still reads on after 19\d\d ms \(sense input "power-good" reads on\)$/);
    expect(off.durationMs).toBeLessThanOrEqual(2000);
  });

  it('without a sense input the relay is still driven but an off is never confirmed', async () => {
    const { clock, chip, make } = await rig({ withSense: false });
    const device = make();
    const off = await clock.settle(device.off('node-b'));
    expect(off.ok).toBe(false);
    expect(off.reason).toContain('relay energised, but no sense input is configured, so the result is unconfirmed');
    expect(chip.level('relay')).toBe(1);
    expect(await clock.settle(device.status('node-b'))).toMatchObject({ state: 'unknown', reason: expect.stringContaining('relay is energised') });
    expect(await clock.settle(device.monitor())).toMatchObject({ ok: false });
  });

  it('pulse mode: a power cycle reads off only during the pulse, which still confirms; the relay is released after pulseMs', async () => {
    const { clock, chip, make } = await rig({ offDelayMs: 100, onDelayMs: 100 });
    const device = make({ mode: { kind: 'pulse', pulseMs: 1000 } });
    const releasedAt: number[] = [];
    chip.onChange((c) => c.name === 'relay' && c.level === 0 && releasedAt.push(clock.nowMs));
    const off = await clock.settle(device.off('node-b'));
    expect(off).toMatchObject({ ok: true, reason: expect.stringContaining('relay pulsed for 1000 ms; target "node-b" read off after 150 ms') });
    expect(releasedAt).toEqual([1000]);
    // Power is back after the cycle: status says so truthfully.
    clock.advance(200);
    expect(await clock.settle(device.status('node-b'))).toMatchObject({ state: 'on' });
    const on = await clock.settle(device.on('node-b'));
    expect(on).toMatchObject({ ok: false, reason: 'relay-1: pulse mode has no on action (set onPulseMs for a power-button relay)' });
  });

  it('names a relay write error, an unreadable sense and a foreign target', async () => {
    const { clock, chip, make } = await rig();
    const device = make();
    chip.failWrites('relay', 'EIO writing value');
    const off = await clock.settle(device.off('node-b'));
    expect(off).toMatchObject({ ok: false, reason: 'relay-1: cannot energise the relay: GPIO line "relay": EIO writing value' });
    chip.failWrites('relay', null);
    chip.failReads('power-good', 'EIO reading value');
    const blind = await clock.settle(device.off('node-b'));
    expect(blind.ok).toBe(false);
    expect(blind.reason).toContain('cannot confirm target "node-b" is off after');
    expect(blind.reason).toContain('sense input "power-good" unreadable: GPIO line "power-good": EIO reading value');
    expect(await clock.settle(device.off('node-c'))).toMatchObject({ ok: false, reason: 'relay-1: this relay does not power target "node-c"' });
    expect(await clock.settle(device.monitor())).toMatchObject({ ok: false, reason: expect.stringContaining('unreadable') });
  });
});
