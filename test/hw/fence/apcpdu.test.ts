import fc from 'fast-check';
import { ApcPduFenceDevice, type ApcPduFenceOptions } from '../../../hw/fence/apcpdu/device';
import {
  encodeApcPduCommand,
  type ApcPduCommand,
  matchCommandReply,
  matchLoggedIn,
  parseOutletStatusLine,
  parseResultCode,
  redact,
} from '../../../hw/fence/apcpdu/protocol';
import { ApcPduSim, type ApcPduSimOptions } from '../../../hw/fence/apcpdu/sim';
import { MemoryPower } from '../../../hw/fence/deps';
import { allWritten, consoleLinkFactory, virtualClock } from './helpers';

const LOGIN = 'fence-user';
const PASSWORD = 's3cr3t-Pa55';

describe('APC PDU protocol', () => {
  it('encodes AOS commands and refuses bad outlets', () => {
    expect(encodeApcPduCommand({ kind: 'off', outlet: 3 })).toEqual({ ok: true, value: 'olOff 3' });
    expect(encodeApcPduCommand({ kind: 'on', outlet: 12 })).toEqual({ ok: true, value: 'olOn 12' });
    expect(encodeApcPduCommand({ kind: 'status', outlet: 'all' })).toEqual({ ok: true, value: 'olStatus all' });
    expect(encodeApcPduCommand({ kind: 'off', outlet: 'all' } as unknown as ApcPduCommand).ok).toBe(false);
    expect(encodeApcPduCommand({ kind: 'off', outlet: 0 }).ok).toBe(false);
  });

  it('parses status lines, result codes and whole replies', () => {
    expect(parseOutletStatusLine(' 3: web: db: Off')).toEqual({ outlet: 3, name: 'web: db', state: 'off' });
    expect(parseOutletStatusLine('3: Outlet 3: Maybe')).toBeUndefined();
    expect(parseResultCode('E102: Parameter Error')).toEqual({ code: 'E102', message: 'Parameter Error' });
    const m = matchCommandReply('olStatus 2\r\nE000: Success\r\n 2: Outlet 2: On\r\n\r\napc>');
    expect(m).toEqual({
      kind: 'match',
      value: { result: { code: 'E000', message: 'Success' }, outlets: [{ outlet: 2, name: 'Outlet 2', state: 'on' }] },
      consumed: 51,
    });
    expect(matchCommandReply('olStatus 2\r\nE000: Succ').kind).toBe('more');
    expect(matchCommandReply('\xff\x00apc>').kind).toBe('fail');
    expect(matchLoggedIn('\r\nUser Name : ')).toEqual({ kind: 'fail', reason: 'login refused (the PDU asked for the user name again)' });
  });

  it('redacts every occurrence of each secret', () => {
    expect(redact(`user ${LOGIN} pw ${PASSWORD}${PASSWORD}`, [PASSWORD, LOGIN])).toBe('user *** pw ******');
    expect(redact('nothing', [''])).toBe('nothing');
  });

  it('matchers never throw on random text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        matchCommandReply(text);
        matchLoggedIn(text);
        parseOutletStatusLine(text);
        parseResultCode(text);
      }),
    );
  });
});

function setup(simOptions: Partial<ApcPduSimOptions> = {}, deviceOptions: Partial<ApcPduFenceOptions> = {}) {
  const { clock, fenceClock } = virtualClock();
  const power = new MemoryPower();
  const sim = new ApcPduSim({ power, schedule: clock.schedule, login: LOGIN, password: PASSWORD, ...simOptions });
  const { open, links } = consoleLinkFactory(sim, clock);
  const device = new ApcPduFenceDevice({ name: 'pdu', outlets: { peer: 5 }, login: LOGIN, password: PASSWORD, clock: fenceClock, openTransport: open, ...deviceOptions });
  return { clock, power, sim, links, device };
}

function expectNoSecrets(reason: string): void {
  expect(reason).not.toContain(PASSWORD);
  expect(reason).not.toContain(LOGIN);
}

describe('ApcPduFenceDevice against the simulator', () => {
  it('logs in, switches off, confirms with olStatus and logs out', async () => {
    const { clock, power, sim, links, device } = setup();
    const r = await clock.settle(device.off('peer'));
    expect(r).toMatchObject({ ok: true, reason: 'pdu: outlet 5 switched off; olStatus confirms off' });
    expect(power.isOn(5)).toBe(false);
    expect(power.isOn(4)).toBe(true);
    expect(allWritten(links)).toBe(`${LOGIN}\r\n${PASSWORD}\r\nolOff 5\r\nolStatus 5\r\nexit\r\n`);
    expect(sim.commands).toEqual(['olOff 5', 'olStatus 5', 'exit']);
    expect(links[0]!.closed).toBe(true);
    expect(await clock.settle(device.status('peer'))).toMatchObject({ state: 'off', reason: 'pdu: outlet 5 reads off' });
    expect((await clock.settle(device.on('peer'))).ok).toBe(true);
    expect(power.isOn(5)).toBe(true);
    expect(await clock.settle(device.monitor())).toMatchObject({ ok: true, reason: 'pdu: logged in; 8 outlets listed' });
  });

  it('a PDU that answers E000 but does not switch is a failure', async () => {
    const { clock, power, device } = setup({ faults: { lie: true } });
    const r = await clock.settle(device.off('peer'));
    expect(r).toMatchObject({ ok: false, reason: 'pdu: PDU took olOff 5 but outlet 5 still reads on' });
    expect(power.isOn(5)).toBe(true);
  });

  it('silence, garbage and half answers are failures without secrets', async () => {
    const silent = setup({ faults: { silent: true } });
    const r1 = await silent.clock.settle(silent.device.off('peer'));
    expect(r1).toMatchObject({ ok: false, reason: 'pdu: no answer within 10000 ms while waiting for the "User Name :" prompt' });

    const garbage = setup({ faults: { garbage: true } });
    const r2 = await garbage.clock.settle(garbage.device.off('peer'));
    expect(r2.ok).toBe(false);
    expect(r2.reason).toContain('not an APC console');

    const half = setup({ faults: { halfAnswer: true } });
    const r3 = await half.clock.settle(half.device.off('peer'));
    expect(r3.ok).toBe(false);
    expect(r3.reason).toContain('half answer');
    for (const r of [r1, r2, r3]) expectNoSecrets(r.reason);
  });

  it('a half answer to the command after a good login is a failure', async () => {
    const { clock, sim, device, power } = setup();
    const pending = device.off('peer');
    // Let the login finish (prompts come at once), then cut every later answer in half.
    for (let i = 0; i < 20 && !sim.commands.length; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      clock.runNext();
    }
    sim.faults.halfAnswer = true;
    const r = await clock.settle(pending);
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/half answer|status check failed/);
    expect(power.isOn(5)).toBe(false);
  });

  it('a slow PDU still works within the timeouts', async () => {
    const { clock, device } = setup({ faults: { slowMs: 3000 } });
    expect((await clock.settle(device.off('peer'))).ok).toBe(true);
  });

  it('a refused login and a PDU that echoes the password keep the secrets out of the reason', async () => {
    const wrong = setup({ password: 'other' });
    const r = await wrong.clock.settle(wrong.device.off('peer'));
    expect(r.reason).toBe('pdu: unexpected answer while waiting for the "apc>" prompt after login: login refused (the PDU asked for the user name again)');
    expect(wrong.sim.loginFailures).toBe(1);

    const { clock, fenceClock } = virtualClock();
    const echoing = new ApcPduFenceDevice({
      name: 'pdu',
      outlets: { peer: 1 },
      login: LOGIN,
      password: PASSWORD,
      clock: fenceClock,
      openTransport: async () => {
        const listeners: ((b: Uint8Array) => void)[] = [];
        const emit = (t: string): void => void clock.schedule(0, () => listeners.forEach((l) => l(Buffer.from(t, 'latin1'))));
        emit('User Name : ');
        return {
          write: (b: Uint8Array) => {
            const t = Buffer.from(b).toString('latin1');
            emit(t.startsWith(LOGIN) ? `${t}Password  : ` : `${t}weird banner with no prompt`);
          },
          onData: (l) => (listeners.push(l), () => undefined),
          close: () => undefined,
        };
      },
    });
    const e = await clock.settle(echoing.off('peer'));
    expect(e.ok).toBe(false);
    expect(e.reason).toContain('half answer');
    expectNoSecrets(e.reason);
  });

  it('no fault and no operation ever puts the login or password in a reason', async () => {
    const faultSets = [{}, { silent: true }, { garbage: true }, { halfAnswer: true }, { lie: true }, { slowMs: 20_000 }];
    for (const faults of faultSets) {
      for (const wrongPassword of [false, true]) {
        const { clock, device } = setup({ faults, ...(wrongPassword ? { password: 'x' } : {}) });
        const results = [
          await clock.settle(device.off('peer')),
          await clock.settle(device.on('peer')),
          await clock.settle(device.status('peer')),
          await clock.settle(device.monitor()),
        ];
        for (const r of results) expectNoSecrets(r.reason);
      }
    }
  });

  it('PDU error codes, unknown targets and dead links are failures', async () => {
    const { clock, device } = setup({ outletCount: 4 });
    expect((await clock.settle(device.off('peer'))).reason).toBe('pdu: "olOff 5": PDU answered E102: Parameter Error');
    expect((await clock.settle(device.status('ghost'))).state).toBe('unknown');
    const dead = setup({}, { openTransport: () => new Promise(() => {}) });
    expect((await dead.clock.settle(dead.device.off('peer'))).reason).toBe('pdu: link to the PDU did not open within 5000 ms');
  });
});
