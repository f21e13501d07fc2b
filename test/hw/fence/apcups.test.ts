import fc from 'fast-check';
import { MemoryPower } from '../../../hw/fence/deps';
import { ApcUpsFenceDevice, type ApcUpsFenceOptions } from '../../../hw/fence/upsswitch/apcDevice';
import { APC_CMD_SHUTDOWN_RETURN, APC_CMD_SOFT_SHUTDOWN, matchAck, matchOutputState, matchSmartMode } from '../../../hw/fence/upsswitch/apcProtocol';
import { ApcUpsSim, type ApcUpsSimOptions } from '../../../hw/fence/upsswitch/apcSim';
import { allWritten, linkFactory, virtualClock } from './helpers';

describe('APC Smart UPS as a switch: protocol', () => {
  it('uses the cluster-glue command bytes', () => {
    expect(APC_CMD_SOFT_SHUTDOWN).toBe('S');
    expect(APC_CMD_SHUTDOWN_RETURN).toBe('@000');
  });

  it('reads acks, NA, the * alert and the Q bitmap, skipping unrelated alerts', () => {
    expect(matchAck('OK\r\n')).toMatchObject({ kind: 'match', value: 'ok' });
    expect(matchAck('!*')).toMatchObject({ kind: 'match', value: 'ok' });
    expect(matchAck('NA\r\n')).toMatchObject({ kind: 'match', value: 'not-supported' });
    expect(matchAck('O')).toEqual({ kind: 'more' });
    expect(matchAck('XX\r\n')).toEqual({ kind: 'fail', reason: '"XX" instead of OK, * or NA' });
    expect(matchSmartMode('$SM\r\n')).toMatchObject({ kind: 'match' });
    expect(matchOutputState('08\r\n')).toMatchObject({ value: 'on' });
    expect(matchOutputState('10\r\n')).toMatchObject({ value: 'on' });
    expect(matchOutputState('00\r\n')).toMatchObject({ value: 'off' });
    expect(matchOutputState('zz\r\n').kind).toBe('fail');
  });

  it('matchers never throw on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        const text = Buffer.from(bytes).toString('latin1');
        matchAck(text);
        matchSmartMode(text);
        matchOutputState(text);
      }),
    );
  });
});

function setup(simOptions: Partial<ApcUpsSimOptions> = {}, deviceOptions: Partial<ApcUpsFenceOptions> = {}) {
  const { clock, fenceClock } = virtualClock();
  const power = new MemoryPower();
  const sim = new ApcUpsSim({ power, schedule: clock.schedule, nowMs: () => clock.nowMs, ...simOptions });
  const { open, links } = linkFactory(sim);
  const device = new ApcUpsFenceDevice({ name: 'ups', targets: ['peer'], clock: fenceClock, openTransport: open, ...deviceOptions });
  return { clock, power, sim, links, device };
}

describe('ApcUpsFenceDevice against the simulator', () => {
  it('on line power: S gets NA, @000 is paced, the output goes off after the grace delay', async () => {
    const { clock, power, sim, links, device } = setup({ graceMs: 20_000 });
    const r = await clock.settle(device.off('peer'));
    expect(r).toMatchObject({ ok: true, reason: 'ups: UPS output off after @000; Q confirms off' });
    expect(r.durationMs).toBeGreaterThanOrEqual(20_000);
    expect(power.isOn(0)).toBe(false);
    expect(sim.received.slice(0, 3)).toEqual(['Y', 'S', '@000']);
    expect(links[0]!.written.slice(2, 6).map((b) => Buffer.from(b).toString('latin1'))).toEqual(['@', '0', '0', '0']);
    expect(links[0]!.closed).toBe(true);
  });

  it('on battery: S is enough; older units ack with *', async () => {
    const { clock, power, links, device } = setup({ onBattery: true, asteriskAck: true, graceMs: 5000 });
    const r = await clock.settle(device.off('peer'));
    expect(r).toMatchObject({ ok: true, reason: 'ups: UPS output off after S; Q confirms off' });
    expect(allWritten(links)).not.toContain('@');
    expect(power.isOn(0)).toBe(false);
  });

  it('on turns the output back with ^N twice', async () => {
    const { clock, power, links, device } = setup({ graceMs: 1000 });
    expect((await clock.settle(device.off('peer'))).ok).toBe(true);
    const r = await clock.settle(device.on('peer'));
    expect(r.ok).toBe(true);
    expect(power.isOn(0)).toBe(true);
    expect(allWritten(links.slice(1)).split('\x0e').length - 1).toBe(2);
    expect(await clock.settle(device.status('peer'))).toMatchObject({ state: 'on' });
  });

  it('a UPS that acks but never cuts is a failure', async () => {
    const { clock, power, device } = setup({ faults: { lie: true } });
    const r = await clock.settle(device.off('peer'));
    expect(r).toMatchObject({ ok: false, reason: 'ups: UPS acknowledged @000 but output still reads on after 60000 ms' });
    expect(power.isOn(0)).toBe(true);
  });

  it('silence, garbage and half answers are failures', async () => {
    const silent = setup({ faults: { silent: true } });
    const r1 = await silent.clock.settle(silent.device.off('peer'));
    expect(r1.reason).toBe('ups: UPS did not enter smart mode: no answer within 3000 ms while waiting for SM after Y');
    const garbage = setup({ faults: { garbage: true } });
    const r2 = await garbage.clock.settle(garbage.device.off('peer'));
    expect(r2.ok).toBe(false);
    expect(r2.reason).toContain('UPS did not enter smart mode: unexpected answer');
    const half = setup({ faults: { halfAnswer: true } });
    const r3 = await half.clock.settle(half.device.off('peer'));
    expect(r3.ok).toBe(false);
    expect(r3.reason).toContain('half answer: only "SM" within 3000 ms while waiting for SM after Y');
    expect(half.power.isOn(0)).toBe(true);
  });

  it('a slow UPS still works; an unknown target and a dead link fail', async () => {
    const slow = setup({ faults: { slowMs: 1500 }, graceMs: 1000 });
    expect((await slow.clock.settle(slow.device.off('peer'))).ok).toBe(true);
    expect((await slow.clock.settle(slow.device.off('other'))).reason).toBe('ups: this UPS does not feed target "other"');
    const dead = setup({}, { openTransport: () => Promise.reject(new Error('ECONNREFUSED')) });
    expect((await dead.clock.settle(dead.device.monitor())).reason).toBe('ups: link to the UPS failed to open: ECONNREFUSED');
  });
});
