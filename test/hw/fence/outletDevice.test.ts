// The shared agent skeleton: the read-back rule and target lookups, and that a
// switch refused before the session (an unencodable command) opens no link.

import { MemoryPower } from '../../../hw/fence/deps';
import { confirmReadBack, fedTarget, outletFor } from '../../../hw/fence/outletDevice';
import { MegatecUpsFenceDevice } from '../../../hw/fence/upsswitch/megatecDevice';
import { MegatecUpsSim } from '../../../hw/fence/upsswitch/megatecSim';
import { linkFactory, virtualClock } from './helpers';

describe('confirmReadBack', () => {
  it('passes only a read-back equal to the wanted state', () => {
    expect(confirmReadBack({ ok: true, value: 'off' }, 'off', 'X took off', 'it still reads')).toEqual({ ok: true, value: 'off' });
    expect(confirmReadBack({ ok: true, value: 'on' }, 'off', 'X took off', 'it still reads')).toEqual({ ok: false, reason: 'X took off but it still reads on' });
    expect(confirmReadBack({ ok: true, value: 'off' }, 'on', 'X took on', 'it still reads')).toEqual({ ok: false, reason: 'X took on but it still reads off' });
    expect(confirmReadBack({ ok: false, reason: 'silence' }, 'off', 'X took off', 'it still reads')).toEqual({
      ok: false,
      reason: 'X took off but the status check failed: silence',
    });
  });
});

describe('target lookups', () => {
  it('maps configured targets and names the missing one', () => {
    expect(outletFor({ peer: 4 }, 'peer')).toEqual({ ok: true, value: 4 });
    expect(outletFor({ peer: 4 }, 'toString')).toEqual({ ok: false, reason: 'no outlet configured for target "toString"' });
    expect(fedTarget(['peer'], 'peer')).toEqual({ ok: true, value: 'peer' });
    expect(fedTarget(['peer'], 'other')).toEqual({ ok: false, reason: 'this UPS does not feed target "other"' });
  });
});

describe('OutletFenceDevice.switchTo', () => {
  it('refuses an unencodable command without opening the link; status still works', async () => {
    const { clock, fenceClock } = virtualClock();
    const power = new MemoryPower();
    const { open, links } = linkFactory(new MegatecUpsSim({ power, schedule: clock.schedule }));
    const device = new MegatecUpsFenceDevice({ name: 'ups', targets: ['peer'], clock: fenceClock, openTransport: open, restoreMinutes: 10_000 });
    const r = await clock.settle(device.off('peer'));
    expect(r.ok).toBe(false);
    expect(r.reason.startsWith('ups: ')).toBe(true);
    expect(links).toHaveLength(0);
    expect(power.isOn(0)).toBe(true);
    expect(await clock.settle(device.status('peer'))).toMatchObject({ state: 'on', reason: 'ups: UPS output reads on' });
    expect(links).toHaveLength(1);
  });
});
