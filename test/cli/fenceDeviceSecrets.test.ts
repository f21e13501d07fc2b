// A password given with --password-file never reaches stdout, stderr or the
// --json output of `edge-ha fence-device`, whatever the device answers: for
// the APC PDU console (the simulator, and a hostile "console" that echoes the
// password back inside its garbage) and for IPMI (the real ipmi_sim).

import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { MemoryPower } from '../../hw/fence';
import { startFenceSimServer, type FenceSimServer } from '../../hw/fence/simServer';
import { ipmiSimMissing, startIpmiSim, type IpmiSimHandle } from '../hw/fence/ipmi/ipmiSim';
import { runFenceCli, type CliRun } from './fenceHelpers';

const PDU_PASSWORD = 'Pdu-Qx81-secret';
const IPMI_PASSWORD = 'Ipmi-Zr42-pass';
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-ha-secrets-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function passwordFile(name: string, secret: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return file;
}

function expectNoSecret(runs: CliRun[], secret: string): void {
  for (const r of runs) {
    expect(r.out).not.toContain(secret);
    expect(r.err).not.toContain(secret);
  }
}

describe('apc-pdu: the password never printed', () => {
  let server: FenceSimServer | null = null;
  let hostile: net.Server | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
    await new Promise((r) => (hostile ? hostile.close(r) : r(undefined)));
    hostile = null;
  });

  const pdu = (address: string, action: string, file: string, ...extra: string[]) =>
    runFenceCli(['fence-device', 'apc-pdu', '--action', action, '--address', address, '--outlet', '2', '--login', 'apc', '--password-file', file, '--timeout', '1500', ...extra]);

  it('in every action and result, plain and --json, right password and wrong', async () => {
    const power = new MemoryPower();
    const started = await startFenceSimServer({ kind: 'apc-pdu', host: '127.0.0.1', port: 0, power, login: 'apc', password: PDU_PASSWORD });
    if (!started.ok) throw new Error(started.reason);
    server = started;
    const address = `127.0.0.1:${started.port}`;
    const right = passwordFile('pdu.pw', PDU_PASSWORD);
    const runs: CliRun[] = [];
    for (const action of ['monitor', 'status', 'off', 'status', 'on', 'reboot']) {
      runs.push(await pdu(address, action, right));
      runs.push(await pdu(address, action, right, '--json'));
    }
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0]);
    const wrong = passwordFile('wrong.pw', 'Wrong-Pdu-77z');
    const refused = [await pdu(address, 'off', wrong), await pdu(address, 'off', wrong, '--json')];
    expect(refused.map((r) => r.code)).toEqual([1, 1]);
    expectNoSecret([...runs, ...refused], PDU_PASSWORD);
    expectNoSecret(refused, 'Wrong-Pdu-77z');
  });

  it('as the sense device of an lcus-relay board (its login from --login/--password-file)', async () => {
    const power = new MemoryPower();
    const pduSim = await startFenceSimServer({ kind: 'apc-pdu', host: '127.0.0.1', port: 0, power, login: 'apc', password: PDU_PASSWORD });
    if (!pduSim.ok) throw new Error(pduSim.reason);
    server = pduSim;
    const board = await startFenceSimServer({ kind: 'lcus', host: '127.0.0.1', port: 0, power });
    if (!board.ok) throw new Error(board.reason);
    const file = passwordFile('sense.pw', PDU_PASSWORD);
    try {
      const run = (action: string, ...extra: string[]) =>
        runFenceCli([
          'fence-device', 'lcus-relay', '--action', action, '--address', `127.0.0.1:${board.port}`, '--outlet', '3',
          '--sense-agent', 'apc-pdu', '--sense-address', `127.0.0.1:${pduSim.port}`, '--sense-outlet', '3',
          '--login', 'apc', '--password-file', file, '--timeout', '1500', ...extra,
        ]);
      const runs = [await run('off'), await run('status', '--json')];
      expect(runs.map((r) => r.code)).toEqual([0, 2]);
      expect(power.isOn(3)).toBe(false);
      expectNoSecret(runs, PDU_PASSWORD);
    } finally {
      await board.close();
    }
  });

  it('even when the "console" echoes the password back inside its reply', async () => {
    hostile = net.createServer((socket) => {
      let stage = 0;
      let typed = '';
      socket.on('error', () => socket.destroy());
      socket.write('\r\nUser Name : ');
      socket.on('data', (chunk) => {
        typed += chunk.toString('latin1');
        let cr: number;
        while ((cr = typed.indexOf('\r')) >= 0) {
          const line = typed.slice(0, cr);
          typed = typed.slice(cr + 1).replace(/^\n/, '');
          if (stage++ === 0) socket.write('\r\nPassword  : ');
          else socket.write(`${line}\x01\x02\x03 rejected`);
        }
      });
    });
    await new Promise<void>((r) => hostile!.listen(0, '127.0.0.1', r));
    const port = (hostile.address() as net.AddressInfo).port;
    const file = passwordFile('echoed.pw', PDU_PASSWORD);
    const runs = [await pdu(`127.0.0.1:${port}`, 'off', file), await pdu(`127.0.0.1:${port}`, 'status', file, '--json')];
    expect(runs.map((r) => r.code)).toEqual([1, 1]);
    // The reason does quote the console's bytes, with the password blanked out.
    expect(runs[0]!.err).toMatch(/not an APC console: "\*\*\*/);
    expectNoSecret(runs, PDU_PASSWORD);
  });
});

const missing = ipmiSimMissing();
if (missing !== null) console.warn(`skipping the ipmi password tests: ${missing}`);
(missing === null ? describe : describe.skip)('ipmi: the password never printed', () => {
  let sim: IpmiSimHandle;
  beforeAll(async () => {
    sim = await startIpmiSim({ initialPower: 'on', password: IPMI_PASSWORD });
  }, 20_000);
  afterAll(async () => {
    await sim?.stop();
  });

  const ipmi = (action: string, file: string, ...extra: string[]) =>
    runFenceCli(['fence-device', 'ipmi', '--action', action, '--host', sim.host, '--port', String(sim.port), '--user', sim.user, '--password-file', file, ...extra]);

  it('in every action and result, plain and --json, right password and wrong', async () => {
    const runs: CliRun[] = [];
    for (const action of ['monitor', 'status', 'off', 'status', 'on']) {
      runs.push(await ipmi(action, sim.passwordFile));
      runs.push(await ipmi(action, sim.passwordFile, '--json'));
    }
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0, 0, 0, 2, 2, 0, 0]);
    expect(sim.power()).toBe('on');
    const wrong = passwordFile('ipmi-wrong.pw', 'Wrong-Ipmi-55k');
    const refused = [await ipmi('off', wrong, '--timeout', '200'), await ipmi('status', wrong, '--timeout', '200', '--json')];
    expect(refused.map((r) => r.code)).toEqual([1, 1]);
    expect(sim.power()).toBe('on');
    expectNoSecret([...runs, ...refused], IPMI_PASSWORD);
    expectNoSecret(refused, 'Wrong-Ipmi-55k');
  }, 30_000);
});
