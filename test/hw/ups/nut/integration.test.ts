// Against Debian's real NUT 2.8: `upsc` reads our server, and our client reads
// a real upsd serving a nut-ddl dump through dummy-ups.

import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NutClient } from '../../../../hw/ups/nut/client';
import { readNutReading } from '../../../../hw/ups/nut/reading';
import { NutServer } from '../../../../hw/ups/nut/server';
import { connectTcp } from '../../../../hw/ups/nut/tcpTransport';
import { parseNutDump } from '../../../../hw/ups/nutDump';
import { readingFromNutVars, readingToNutVars } from '../../../../hw/ups/nutVars';
import { timerSchedule } from '../../../../hw/ups/schedule';
import { haveBinaries, parseUpscOutput, startNut, UPSC, UPSD, type NutHarness } from './nutHarness';

const DDL = '/work/shared/fixtures/nut-ddl';
const haveNut = haveBinaries(UPSC, UPSD, '/lib/nut/dummy-ups');
if (!haveNut) console.warn(`NUT integration skipped: need ${UPSC}, ${UPSD} and /lib/nut/dummy-ups (Debian nut-server, nut-client)`);
const describeNut = haveNut ? describe : describe.skip;

/** upsc run asynchronously: our server lives in this process, so a blocking spawn would starve it. */
function upsc(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(UPSC, args, { timeout: 5000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function dumpVars(file: string): Map<string, string> {
  const d = parseNutDump(readFileSync(join(DDL, file), 'utf8'));
  if (!d.ok) throw new Error(d.error);
  return d.value.vars;
}

describeNut('upsc against our server', () => {
  it('prints exactly the variables we hold, for a reading and for raw dump variables', async () => {
    const apc = readingFromNutVars(dumpVars('APC__Smart-UPS_2200__apcsmart__2.2.0__01.dev')).reading;
    const raw = dumpVars('Inform__Sinus_SS_210__blazer_ser__2.4.3__01.dev');
    raw.set('ups.alarm', 'text with "quotes" and \\ backslash');
    const server = new NutServer({
      port: 0,
      ups: [{ name: 'apc', description: 'from a reading' }, { name: 'inform' }],
      provider: (name) => (name === 'apc' ? apc : { vars: raw }),
    });
    const { port } = await server.listen();
    try {
      const a = await upsc(`apc@127.0.0.1:${port}`);
      expect(a.code).toBe(0);
      expect(parseUpscOutput(a.stdout)).toEqual(readingToNutVars(apc));
      const i = await upsc(`inform@127.0.0.1:${port}`);
      expect(i.code).toBe(0);
      expect(parseUpscOutput(i.stdout)).toEqual(raw);
      const one = await upsc(`apc@127.0.0.1:${port}`, 'battery.charge');
      expect(one.stdout.trim()).toBe(String(apc['battery.charge']));
      const list = await upsc('-l', `127.0.0.1:${port}`);
      expect(list.stdout.split('\n').filter(Boolean)).toEqual(['apc', 'inform']);
      const missing = await upsc(`nosuch@127.0.0.1:${port}`);
      expect(missing.code).not.toBe(0);
      expect(missing.stderr).toContain('Unknown UPS');
    } finally {
      await server.close();
    }
  });
});

describeNut('our client against a real upsd + dummy-ups', () => {
  let nut: NutHarness;
  let dir: string;
  const file = 'APC__Smart-UPS_2200__apcsmart__2.2.0__01.dev';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edge-ha-ddl-'));
    copyFileSync(join(DDL, file), join(dir, 'ups.dev'));
    nut = await startNut([{ name: 'su2200', driver: 'dummy-ups', port: join(dir, 'ups.dev'), desc: 'dummy from nut-ddl' }]);
  });
  afterAll(async () => {
    await nut?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the same values as the dump, through LIST VAR and GET VAR', async () => {
    const c = new NutClient(await connectTcp({ host: '127.0.0.1', port: nut.port }), { schedule: timerSchedule });
    try {
      expect(await c.netver()).toEqual({ ok: true, value: '1.3' });
      expect(await c.ver()).toMatchObject({ ok: true, value: expect.stringContaining('upsd 2.8') });
      expect(await c.listUps()).toEqual({ ok: true, value: [{ name: 'su2200', description: 'dummy from nut-ddl' }] });
      const got = await readNutReading(c, 'su2200');
      if (!got.ok) throw new Error(got.error.message);
      // upsc is the oracle for what upsd serves: the same variables, the same values.
      expect(got.value.vars).toEqual(parseUpscOutput((await upsc(`su2200@127.0.0.1:${nut.port}`)).stdout));
      // And every dump variable is served with the dump's value (driver.* is dummy-ups's own).
      const dump = dumpVars(file);
      const own = [...dump].filter(([name]) => !name.startsWith('driver.'));
      expect(own.length).toBe(33);
      for (const [name, value] of own) expect([name, got.value.vars.get(name)]).toEqual([name, value]);
      expect(got.value.reading).toEqual(readingFromNutVars(dump).reading);
      expect(got.value.reading['battery.charge']).toBe(89);
      expect(got.value.reading['ups.status']).toEqual(['OB']);
      expect(await c.getVar('su2200', 'battery.runtime')).toEqual({ ok: true, value: '21180' });
      expect(await c.getVar('su2200', 'no.such.var')).toMatchObject({ ok: false, error: { kind: 'nut', code: 'VAR-NOT-SUPPORTED' } });
      expect(await c.getVar('nosuch', 'ups.status')).toMatchObject({ ok: false, error: { kind: 'nut', code: 'UNKNOWN-UPS' } });
      expect(await c.login('su2200')).toMatchObject({ ok: false, error: { kind: 'nut', code: 'USERNAME-REQUIRED' } });
      expect(await c.authenticate('mon', 'monpw')).toEqual({ ok: true, value: undefined });
      expect(await c.login('su2200')).toEqual({ ok: true, value: undefined });
      expect(await c.logout()).toEqual({ ok: true, value: undefined });
    } finally {
      c.close();
    }
  });
});
