import { RcdSerialFenceDevice, type RcdSerialFenceOptions } from '../../../../hw/fence/rcdserial/device';
import { FakeLinkFactory } from '../../../../hw/link/fakeLink';
import { ManualClock } from '../../../../hw/ups/sim/manualClock';

/**
 * The peer's reset, simulated: the sense reads off from `resetToOffMs` after
 * DTR (or RTS) rises until `bootMs` after the line is cleared, unless the
 * cable is `unplugged` (the pulse reaches nothing).
 */
function rig(extra: Partial<RcdSerialFenceOptions> = {}) {
  const clock = new ManualClock();
  const fenceClock = { schedule: clock.schedule, nowMs: () => clock.nowMs };
  const links = new FakeLinkFactory({ clock: fenceClock, description: 'serial /dev/ttyS1' });
  const peer = { unplugged: false, offFromMs: Number.POSITIVE_INFINITY, onAgainMs: Number.POSITIVE_INFINITY, senseCalls: 0 };
  const signal = extra.signal ?? 'dtr';
  links.onOpen = (link) => {
    const original = signal === 'dtr' ? link.modem.setDtr.bind(link.modem) : link.modem.setRts.bind(link.modem);
    const hook = async (on: boolean) => {
      const r = await original(on);
      if (r.ok && !peer.unplugged) {
        if (on) peer.offFromMs = clock.nowMs + 200;
        else if (Number.isFinite(peer.offFromMs)) peer.onAgainMs = clock.nowMs + 5000;
      }
      return r;
    };
    if (signal === 'dtr') link.modem.setDtr = hook;
    else link.modem.setRts = hook;
  };
  const senseOff = async (target: string): Promise<boolean | null> => {
    peer.senseCalls++;
    if (target !== 'node-b') return null;
    return clock.nowMs >= peer.offFromMs && clock.nowMs < peer.onAgainMs;
  };
  const device = new RcdSerialFenceDevice({
    name: 'rcd',
    target: 'node-b',
    openLink: links.open,
    senseOff,
    clock: fenceClock,
    confirmTimeoutMs: 3000,
    sensePollMs: 100,
    settleMs: 50,
    ...extra,
  });
  return { clock, links, peer, device };
}

describe('RcdSerialFenceDevice', () => {
  it('clears both lines, pulses DTR for pulseMs, closes the port, and confirms by the sense', async () => {
    const { clock, links, device } = rig();
    const off = await clock.settle(device.off('node-b'));
    expect(off).toEqual({ ok: true, reason: 'rcd: DTR pulsed for 1500 ms on serial /dev/ttyS1; target "node-b" read off after 250 ms (power sense reads off)', durationMs: 1500 });
    const link = links.latest!;
    expect(link.modem.history).toEqual([
      { atMs: 0, signal: 'RTS', asserted: false },
      { atMs: 0, signal: 'DTR', asserted: false },
      { atMs: 0, signal: 'DTR', asserted: true },
      { atMs: 1500, signal: 'DTR', asserted: false },
    ]);
    expect(link.isOpen).toBe(false);
    expect(await clock.settle(device.status('node-b'))).toMatchObject({ state: 'off' });
    // The reset restarts the target by itself (5 s boot here); on only waits for it.
    expect(await clock.settle(device.on('node-b'))).toMatchObject({ ok: false, reason: expect.stringContaining('still reads off') });
    clock.advance(3000);
    const on = await clock.settle(device.on('node-b'));
    expect(on).toMatchObject({ ok: true, reason: expect.stringContaining('has no on action; target "node-b" reads on') });
  });

  it('can use RTS instead', async () => {
    const { clock, links, device } = rig({ signal: 'rts', pulseMs: 400 });
    expect((await clock.settle(device.off('node-b'))).ok).toBe(true);
    expect(links.latest!.modem.history.filter((h) => h.asserted).map((h) => [h.signal, h.atMs])).toEqual([['RTS', 0]]);
    expect(links.latest!.modem.history.at(-1)).toEqual({ atMs: 400, signal: 'RTS', asserted: false });
  });

  it('fails with the reason when the sense never goes off (cable unplugged)', async () => {
    const { clock, peer, device } = rig();
    peer.unplugged = true;
    const off = await clock.settle(device.off('node-b'));
    expect(off.ok).toBe(false);
    expect(off.reason).toMatch(/^rcd: DTR pulsed for 1500 ms on serial \/dev\/ttyS1, but target "node-b" still reads on after 29\d\d ms \(power sense reads on\)$/);
  });

  it('fails with the ioctl reason when the port has no modem lines (a pty), and releases the port', async () => {
    const { clock, links, device } = rig();
    links.onOpen = (link) => (link.modem.failure = 'Error: Inappropriate ioctl for device, cannot set');
    const off = await clock.settle(device.off('node-b'));
    expect(off).toMatchObject({
      ok: false,
      reason: 'rcd: cannot reset "node-b": cannot set RTS off on fake link: Error: Inappropriate ioctl for device, cannot set',
    });
    expect(links.latest!.isOpen).toBe(false);
    const mon = await clock.settle(device.monitor());
    expect(mon).toMatchObject({ ok: false, reason: expect.stringContaining('Inappropriate ioctl') });
  });

  it('without a sense the pulse still goes out but the off is unconfirmed', async () => {
    const { clock, links, device } = rig({ senseOff: undefined });
    const off = await clock.settle(device.off('node-b'));
    expect(off.ok).toBe(false);
    expect(off.reason).toContain('DTR pulsed for 1500 ms on serial /dev/ttyS1, but no sense input is configured, so the result is unconfirmed');
    expect(links.latest!.modem.history.some((h) => h.signal === 'DTR' && h.asserted)).toBe(true);
    expect(await clock.settle(device.status('node-b'))).toMatchObject({ state: 'unknown' });
    expect(await clock.settle(device.on('node-b'))).toMatchObject({ ok: false });
  });

  it('names an open failure, a hung sense and a foreign target', async () => {
    const { clock, links, device } = rig();
    links.openFailure = { kind: 'not-found', message: 'serial /dev/ttyS1: no such device (unplugged, or the pty is gone)' };
    expect(await clock.settle(device.off('node-b'))).toMatchObject({
      ok: false,
      reason: 'rcd: reset cable port failed to open: serial /dev/ttyS1: no such device (unplugged, or the pty is gone)',
    });
    links.openFailure = null;
    const hung = rig({ senseOff: () => new Promise(() => undefined), senseTimeoutMs: 500 });
    const off = await hung.clock.settle(hung.device.off('node-b'));
    expect(off.ok).toBe(false);
    expect(off.reason).toContain('cannot confirm target "node-b" is off after');
    expect(off.reason).toContain('power sense gave no reading within 500 ms');
    expect(await clock.settle(device.off('node-c'))).toMatchObject({ ok: false, reason: 'rcd: this reset cable is not wired to target "node-c"' });
    expect(await clock.settle(device.monitor())).toMatchObject({ ok: true, reason: expect.stringContaining('modem lines answer') });
  });
});
