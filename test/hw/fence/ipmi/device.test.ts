// IpmiFenceDevice and the v1.5 session over a fake UDP socket and a scripted
// BMC, on a virtual clock: the session handshake, sequence numbers, auth codes
// (checked by the fake BMC with its own MD5), loss and retry, garbage and
// forged replies, read-back confirmation, and reasons without the password.

import fc from 'fast-check';
import { IpmiFenceDevice, type IpmiFenceOptions } from '../../../../hw/fence/ipmi/device';
import { udpLinkFactory } from '../../../../hw/fence/ipmi/udpTransport';
import { ManualClock } from '../../../../hw/ups/sim/manualClock';
import { drive } from './drive';
import { FakeBmc, md5Code, pad16 } from './fakeBmc';

function setup(over: Partial<IpmiFenceOptions> = {}, bmc = new FakeBmc()) {
  const clock = new ManualClock();
  let counter = 7;
  const device = new IpmiFenceDevice({
    name: 'bmc-b',
    host: '192.0.2.10',
    user: bmc.user,
    password: bmc.password,
    timeoutMs: 1000,
    retries: 3,
    offConfirmTimeoutMs: 5000,
    pollIntervalMs: 500,
    clock: { schedule: clock.schedule, nowMs: () => clock.nowMs },
    openLink: udpLinkFactory(bmc.socketFactory()),
    randomBytes: (n) => Uint8Array.from({ length: n }, () => counter++),
    ...over,
  });
  return { bmc, clock, device };
}

const SESSION_OPEN = ['06/38', '06/39', '06/3a', '06/3b'];

describe('IpmiFenceDevice over a fake BMC', () => {
  it('off: handshake, status, power down, read-back, close; sequence numbers count up from the BMC`s', async () => {
    const { bmc, clock, device } = setup();
    const r = await drive(device.off('node-b'), clock);
    expect(r.ok).toBe(true);
    expect(r.reason).toBe('bmc-b: "node-b": power down accepted; chassis status reads off after 0 ms');
    expect(bmc.powerOn).toBe(false);
    expect(bmc.commands()).toEqual([...SESSION_OPEN, '00/01', '00/02', '00/01', '06/3c']);
    expect(bmc.seen[4].data).toEqual(Buffer.from([]));
    expect(bmc.seen[5].data).toEqual(Buffer.from([0x00]));
    // Pre-session requests: no auth, seq 0, session 0. Activate: temp id, seq 0. Then the BMC's numbers.
    expect(bmc.seen.slice(0, 2).map((s) => [s.authType, s.seq, s.sessionId])).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect([bmc.seen[2].authType, bmc.seen[2].seq, bmc.seen[2].sessionId]).toEqual([2, 0, bmc.tempSessionId]);
    const inSession = bmc.seen.slice(3);
    expect(inSession.map((s) => s.sessionId)).toEqual(inSession.map(() => bmc.sessionId));
    expect(inSession.map((s) => s.seq)).toEqual(inSession.map((_, i) => bmc.initialInbound + i));
    // Activate Session asked for ADMINISTRATOR with MD5, and Set Session Privilege for ADMINISTRATOR.
    expect([bmc.seen[2].data[0], bmc.seen[2].data[1], bmc.seen[3].data[0]]).toEqual([2, 4, 4]);
  });

  it('every authenticated request carries the MD5 code of password, session id, message and sequence', async () => {
    const { bmc, clock, device } = setup();
    expect((await drive(device.status('node-b'), clock)).state).toBe('on');
    const authed = bmc.seen.filter((s) => s.authType === 2);
    expect(authed.map((s) => s.cmd)).toEqual([0x3a, 0x3b, 0x01, 0x3c]);
    for (const s of authed) expect(s.authCode?.toString('hex')).toBe(md5Code(bmc.password, s.sessionId, s.message, s.seq).toString('hex'));
    // And the code depends on every input: the same message one sequence number later has another code.
    const last = authed[authed.length - 1];
    expect(md5Code(bmc.password, last.sessionId, last.message, last.seq + 1).equals(last.authCode as Buffer)).toBe(false);
  });

  it('straight-password sessions send the padded password as the code; none sends no code', async () => {
    const a = setup({ authType: 'password' });
    expect((await drive(a.device.status('x'), a.clock)).state).toBe('on');
    expect(a.bmc.seen.slice(2).every((s) => s.authType === 4 && s.authCode?.equals(pad16(a.bmc.password)))).toBe(true);
    const b = setup({ authType: 'none' });
    expect((await drive(b.device.status('x'), b.clock)).state).toBe('on');
    expect(b.bmc.seen.every((s) => s.authType === 0 && s.authCode === null)).toBe(true);
  });

  it('a lost request is sent again after timeoutMs with the next session sequence number', async () => {
    const bmc = new FakeBmc();
    bmc.dropOnce.add(0x38);
    bmc.dropOnce.add(0x02);
    const { clock, device } = setup({}, bmc);
    const r = await drive(device.off('node-b'), clock);
    expect(r.ok).toBe(true);
    expect(bmc.commands()).toEqual(['06/38', ...SESSION_OPEN, '00/01', '00/02', '00/02', '00/01', '06/3c']);
    const controls = bmc.seen.filter((s) => s.cmd === 0x02 && s.netFn === 0);
    expect(controls[1].seq).toBe(controls[0].seq + 1);
    expect(controls[1].rqSeq).toBe(controls[0].rqSeq);
    expect(r.durationMs).toBe(2000);
  });

  it('all tries lost: fails after (retries + 1) x timeoutMs and names the request', async () => {
    const bmc = new FakeBmc();
    bmc.dropRequests = 100;
    const { clock, device } = setup({ timeoutMs: 700, retries: 2 }, bmc);
    const r = await drive(device.off('node-b'), clock);
    expect(r.ok).toBe(false);
    expect(r.durationMs).toBe(2100);
    expect(r.reason).toBe(
      'bmc-b: off of "node-b" failed: no IPMI session with 192.0.2.10:623 as user "admin" (md5, ADMINISTRATOR): no valid reply to Get Channel Authentication Capabilities after 3 tries of 700 ms',
    );
    expect(bmc.seen).toHaveLength(3);
  });

  it('garbage datagrams before the real reply are ignored', async () => {
    const bmc = new FakeBmc();
    bmc.tamper = (reply) => [Buffer.from('hello'), Buffer.from([0x06, 0, 0xff, 0x07, 0, 1, 2]), reply];
    const { clock, device } = setup({}, bmc);
    const r = await drive(device.status('node-b'), clock);
    expect(r).toMatchObject({ state: 'on', durationMs: 0 });
  });

  type Forgery = [string, (reply: Buffer, bmc: FakeBmc) => Buffer, RegExp];
  const forgeries: Forgery[] = [
    // Re-signed, so only the checksum is wrong.
    ['wrong body checksum', (r, bmc) => {
      const msg = Buffer.from(r.subarray(30));
      msg[msg.length - 1] = (msg[msg.length - 1] + 1) & 0xff;
      return bmc.datagram(2, r.readUInt32LE(5), r.readUInt32LE(9), msg);
    }, /checksum 2\) is wrong/],
    ['another session id', (r) => { const c = Buffer.from(r); c.writeUInt32LE(0x0200_0020, 9); return c; }, /session id 0x02000020 is not this session's 0x02000010/],
    ['an auth code made with another password', (r, bmc) => bmc.datagram(2, r.readUInt32LE(5), r.readUInt32LE(9), r.subarray(30), 'guess'), /auth code is wrong/],
  ];

  it.each(forgeries)('a reply with %s is rejected, and the failure says why', async (_label, forge, why) => {
    const bmc = new FakeBmc();
    // Tamper only in-session replies to Get Chassis Status.
    bmc.tamper = (reply, req) => (req.cmd === 0x01 && req.netFn === 0 ? [forge(reply, bmc)] : [reply]);
    const { clock, device } = setup({ retries: 1 }, bmc);
    const r = await drive(device.status('node-b'), clock);
    expect(r.state).toBe('unknown');
    expect(r.reason).toMatch(/no valid reply to Get Chassis Status after 2 tries of 1000 ms; ignored 2 datagrams, the last because/);
    expect(r.reason).toMatch(why);
  });

  it('a replayed reply (an old session sequence number) is rejected', async () => {
    const bmc = new FakeBmc();
    let saved: Buffer | null = null;
    bmc.tamper = (reply, req) => {
      if (req.cmd === 0x3b) saved = reply;
      // Answer Get Chassis Status with the recorded Set Session Privilege reply, rewritten to look like the answer.
      if (req.cmd === 0x01 && saved) {
        const msg = Buffer.from(reply.subarray(30));
        return [bmc.datagram(2, saved.readUInt32LE(5), saved.readUInt32LE(9), msg)];
      }
      return [reply];
    };
    const { clock, device } = setup({ retries: 0 }, bmc);
    const r = await drive(device.status('node-b'), clock);
    expect(r.state).toBe('unknown');
    expect(r.reason).toMatch(/is not newer than .*\(replayed or reordered\)/);
  });

  it('a late reply to an earlier request (same session, other rqSeq) does not answer this one', async () => {
    const bmc = new FakeBmc();
    let privReply: Buffer | null = null;
    bmc.tamper = (reply, req) => {
      if (req.cmd === 0x3b) {
        privReply = reply;
        return [reply];
      }
      return req.cmd === 0x01 && privReply ? [privReply, reply] : [reply];
    };
    const { clock, device } = setup({}, bmc);
    const r = await drive(device.status('node-b'), clock);
    // The stale datagram is ignored and the real answer still counts.
    expect(r).toMatchObject({ state: 'on', durationMs: 0 });
  });

  it('"power down accepted but still on" is a failure after offConfirmTimeoutMs', async () => {
    const bmc = new FakeBmc();
    bmc.ignoreControl = true;
    const { clock, device } = setup({ offConfirmTimeoutMs: 3000, pollIntervalMs: 1000 }, bmc);
    const r = await drive(device.off('node-b'), clock);
    expect(r.ok).toBe(false);
    expect(r.reason).toBe('bmc-b: off of "node-b" failed: BMC accepted power down but output still reads on after 3000 ms');
    expect(r.durationMs).toBe(3000);
  });

  it('a chassis that goes off a few reads later is confirmed when it does', async () => {
    const bmc = new FakeBmc();
    bmc.controlDelayReads = 3;
    const { clock, device } = setup({ pollIntervalMs: 250 }, bmc);
    const r = await drive(device.off('node-b'), clock);
    expect(r).toMatchObject({ ok: true, durationMs: 750 });
    expect(r.reason).toContain('reads off after 750 ms');
  });

  it('already off: no command is sent', async () => {
    const bmc = new FakeBmc();
    bmc.powerOn = false;
    const { clock, device } = setup({}, bmc);
    const r = await drive(device.off('node-b'), clock);
    expect(r).toMatchObject({ ok: true, reason: 'bmc-b: "node-b": chassis power already reads off' });
    expect(bmc.commands()).not.toContain('00/02');
  });

  it('on powers up and confirms; a completion code names the error', async () => {
    const a = setup({}, Object.assign(new FakeBmc(), { powerOn: false }));
    expect(await drive(a.device.on('node-b'), a.clock)).toMatchObject({ ok: true });
    expect(a.bmc.seen.find((s) => s.cmd === 0x02)?.data).toEqual(Buffer.from([0x01]));
    const b = setup({}, Object.assign(new FakeBmc(), { controlCompletionCode: 0xd4 }));
    const r = await drive(b.device.off('node-b'), b.clock);
    expect(r.reason).toBe('bmc-b: off of "node-b" failed: Chassis Control (power down) failed: completion code 0xd4 (insufficient privilege level)');
  });

  it('an auth type the BMC does not offer is refused before any password is sent', async () => {
    const bmc = new FakeBmc();
    bmc.offeredAuths = 1 << 4;
    const { clock, device } = setup({}, bmc);
    const r = await drive(device.monitor(), clock);
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/the BMC does not offer MD5 authentication at ADMINISTRATOR privilege \(it offers: password\)/);
    expect(bmc.commands()).toEqual(['06/38']);
  });

  it('an unknown user and a wrong password fail with reasons that never hold the password', async () => {
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[A-Za-z0-9!#%+-]{6,16}$/), fc.constantFrom('md5', 'password'), async (password, authType) => {
        const bmc = new FakeBmc();
        const wrongPw = setup({ password, authType, retries: 0 }, bmc);
        const r1 = await drive(wrongPw.device.off('node-b'), wrongPw.clock);
        expect(r1.ok).toBe(false);
        expect(r1.reason).toMatch(/no valid reply to Activate Session after 1 try of 1000 ms \(a BMC ignores an Activate Session with a wrong password or user\)/);
        const wrongUser = setup({ password, user: 'root', authType }, new FakeBmc());
        const r2 = await drive(wrongUser.device.status('node-b'), wrongUser.clock);
        expect(r2.reason).toMatch(/completion code 0x81 \(invalid user name\)/);
        for (const reason of [r1.reason, r2.reason]) expect(reason).not.toContain(password);
      }),
      { numRuns: 25 },
    );
  });

  it('a password longer than 16 bytes is refused by length, not echoed', async () => {
    const { clock, device } = setup({ password: 'x'.repeat(17) });
    const r = await drive(device.monitor(), clock);
    expect(r.reason).toMatch(/the password is 17 bytes; IPMI v1.5 allows at most 16/);
  });

  it('never rejects: a failing socket factory, a rejecting link, a throwing random source', async () => {
    const clock = new ManualClock();
    const base = { name: 'b', host: 'h', user: 'u', password: 'pw-123456', clock: { schedule: clock.schedule, nowMs: () => clock.nowMs } };
    const throwing = new IpmiFenceDevice({ ...base, openLink: udpLinkFactory(() => { throw new Error('no sockets'); }) });
    expect(await drive(throwing.status('t'), clock)).toMatchObject({ state: 'unknown', reason: 'b: status of "t" unknown: UDP link to h:623 failed to open: no sockets' });
    const rejecting = new IpmiFenceDevice({ ...base, openLink: () => Promise.reject(new Error('ENOTFOUND h')) });
    expect((await drive(rejecting.off('t'), clock)).reason).toContain('failed to open: ENOTFOUND h');
    const hanging = new IpmiFenceDevice({ ...base, timeoutMs: 400, openLink: () => new Promise(() => undefined) });
    expect(await drive(hanging.monitor(), clock)).toMatchObject({ ok: false, durationMs: 400 });
    const badRandom = new IpmiFenceDevice({ ...base, openLink: udpLinkFactory(new FakeBmc().socketFactory()), randomBytes: () => { throw new Error('entropy gone'); } });
    expect((await drive(badRandom.on('t'), clock)).reason).toContain('entropy gone');
  });

  it('a socket error (port unreachable) is named in the timeout reason', async () => {
    const bmc = new FakeBmc();
    bmc.dropRequests = 10;
    let sock: ReturnType<FakeBmc['socket']> | null = null;
    const factory = () => (sock = bmc.socket());
    const { clock, device } = setup({ openLink: udpLinkFactory(factory), retries: 0 }, bmc);
    const p = device.status('node-b');
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    const err = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    (sock as ReturnType<FakeBmc['socket']> | null)?.emitError(err);
    const r = await drive(p, clock);
    expect(r.reason).toMatch(/socket error: ECONNREFUSED \(port unreachable: nothing listens on the BMC port\)/);
  });
});
