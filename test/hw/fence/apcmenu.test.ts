import fc from 'fast-check';
import { ApcMenuFenceDevice, type ApcMenuFenceOptions } from '../../../hw/fence/apcpdu/menuDevice';
import { controlChoice, findMenuChoice, switchLabel, matchConfirmPrompt, matchMenu, matchMenuLogin, matchPressEnter, parseMenuOutlets } from '../../../hw/fence/apcpdu/menuProtocol';
import { ApcMenuSim, type ApcMenuSimOptions } from '../../../hw/fence/apcpdu/menuSim';
import { MemoryPower } from '../../../hw/fence/deps';
import { allWritten, consoleLinkFactory, virtualClock } from './helpers';

const LOGIN = 'apc-admin';
const PASSWORD = 'Menu-Pa55word';

describe('APC menu console protocol', () => {
  it('finds menus, prompts and outlet states', () => {
    expect(matchMenu('\r\n     1- Device Manager\r\n> ')).toMatchObject({ kind: 'match' });
    expect(matchMenu('\r\n     1- Device Manager\r\n')).toEqual({ kind: 'more' });
    expect(matchMenu('x\x00y').kind).toBe('fail');
    expect(matchMenuLogin('\r\nUser Name : ').kind).toBe('fail');
    expect(matchConfirmPrompt("Enter 'YES' to continue or <ENTER> to cancel : ")).toMatchObject({ kind: 'match' });
    expect(matchConfirmPrompt('menu\r\n> ').kind).toBe('fail');
    expect(matchPressEnter('Press <ENTER> to continue...')).toMatchObject({ kind: 'match' });
    expect(parseMenuOutlets('     1- Outlet 1     ON\r\n     2- db server    OFF\r\n     3- Logout\r\n')).toEqual([
      { outlet: 1, name: 'Outlet 1', state: 'on' },
      { outlet: 2, name: 'db server', state: 'off' },
    ]);
    const control = '     1- Immediate On\r\n     2- Delayed On\r\n     3- Immediate Off\r\n> ';
    expect(findMenuChoice(control, switchLabel('off'))).toBe('3');
    expect(findMenuChoice(control, switchLabel('on'))).toBe('1');
    expect(findMenuChoice(control, /^Immediate Reboot$/)).toBeUndefined();
    expect(controlChoice('rack-pdu', 'off')).toBe('2');
    expect(controlChoice('masterswitch-plus', 'off')).toBe('3');
  });

  it('matchers never throw on random text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        matchMenu(text);
        matchMenuLogin(text);
        matchConfirmPrompt(text);
        matchPressEnter(text);
        parseMenuOutlets(text);
        findMenuChoice(text, /Off/);
      }),
    );
  });
});

function setup(simOptions: Partial<ApcMenuSimOptions> = {}, deviceOptions: Partial<ApcMenuFenceOptions> = {}) {
  const { clock, fenceClock } = virtualClock();
  const power = new MemoryPower();
  const sim = new ApcMenuSim({ power, schedule: clock.schedule, login: LOGIN, password: PASSWORD, ...simOptions });
  const { open, links } = consoleLinkFactory(sim, clock);
  const device = new ApcMenuFenceDevice({ name: 'ms', outlets: { peer: 3 }, login: LOGIN, password: PASSWORD, clock: fenceClock, openTransport: open, ...deviceOptions });
  return { clock, power, sim, links, device };
}

describe('ApcMenuFenceDevice against the simulator', () => {
  it('walks the menus, confirms with YES and reads OFF in the Device Manager', async () => {
    const { clock, power, sim, links, device } = setup();
    const r = await clock.settle(device.off('peer'));
    expect(r).toMatchObject({ ok: true, reason: 'ms: outlet 3 switched off; Device Manager shows off' });
    expect(power.isOn(3)).toBe(false);
    expect(power.isOn(2)).toBe(true);
    expect(sim.switched).toEqual([{ outlet: 3, want: 'off' }]);
    expect(allWritten(links)).toBe(`${LOGIN}\r\n${PASSWORD}\r\n1\r\n3\r\n1\r\n2\r\nYES\r\n\r\n\x1b\x1b\x1b\x1b\x1b4\r\n`);
    expect(await clock.settle(device.status('peer'))).toMatchObject({ state: 'off' });
    expect((await clock.settle(device.on('peer'))).ok).toBe(true);
    expect(power.isOn(3)).toBe(true);
    expect(await clock.settle(device.monitor())).toMatchObject({ ok: true, reason: 'ms: logged in; 8 outlets listed' });
  });

  it('MasterSwitch plus: Immediate Off is item 3, found by its label', async () => {
    const { clock, power, links, device } = setup({ variant: 'masterswitch-plus' });
    expect((await clock.settle(device.off('peer'))).ok).toBe(true);
    expect(power.isOn(3)).toBe(false);
    expect(allWritten(links)).toContain('1\r\n3\r\n1\r\n3\r\nYES');
  });

  it('a console that confirms but does not switch is a failure', async () => {
    const { clock, power, device } = setup({ faults: { lie: true } });
    const r = await clock.settle(device.off('peer'));
    expect(r).toMatchObject({ ok: false, reason: 'ms: PDU confirmed the off but outlet 3 still reads on' });
    expect(power.isOn(3)).toBe(true);
  });

  it('silence, garbage, half answers and a wrong password fail without leaking secrets', async () => {
    const cases = [
      { faults: { silent: true }, expected: 'no answer within 10000 ms while waiting for the "User Name :" prompt' },
      { faults: { garbage: true }, expected: 'not an APC console' },
      { faults: { halfAnswer: true }, expected: 'half answer' },
    ];
    for (const c of cases) {
      const { clock, power, device } = setup({ faults: c.faults });
      const r = await clock.settle(device.off('peer'));
      expect(r.ok).toBe(false);
      expect(r.reason).toContain(c.expected);
      expect(r.reason).not.toContain(PASSWORD);
      expect(power.isOn(3)).toBe(true);
    }
    const wrong = setup({ password: 'other' });
    const r = await wrong.clock.settle(wrong.device.off('peer'));
    expect(r.reason).toBe('ms: unexpected answer while waiting for the main menu after login: login refused (the PDU asked for the user name again)');
  });

  it('a slow console works; an outlet the PDU lacks and an unknown target fail', async () => {
    const slow = setup({ faults: { slowMs: 2000 } });
    expect((await slow.clock.settle(slow.device.off('peer'))).ok).toBe(true);
    const small = setup({ outletCount: 2 });
    const r = await small.clock.settle(small.device.off('peer'));
    expect(r).toMatchObject({ ok: false, reason: 'ms: the Device Manager menu has no line for outlet 3' });
    expect(small.sim.switched).toEqual([]);
    expect((await small.clock.settle(small.device.off('ghost'))).reason).toBe('ms: no outlet configured for target "ghost"');
  });
});
