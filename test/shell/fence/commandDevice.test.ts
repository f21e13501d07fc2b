import fc from 'fast-check';
import * as fs from 'node:fs';
import { CommandFenceDevice, buildAgentStdin, type CommandFenceDeviceConfig } from '../../../src/shell/fence/commandDevice';
import { makeScriptDir, type ScriptDir } from '../resource/scriptHelpers';

let dir: ScriptDir;
let agent: string;

beforeAll(() => {
  dir = makeScriptDir('edge-ha-fence-');
  // Records stdin and argv, prints a line on stderr, exits with the code in ./code.
  agent = dir.script(
    'fence_record',
    `cat > ${dir.file('stdin.txt')}; printf '%s\\n' "$@" > ${dir.file('argv.txt')}; ` +
      `echo "agent says: code $(cat ${dir.file('code')})" >&2; exit "$(cat ${dir.file('code')})"`,
  );
});
afterAll(() => dir.cleanup());
beforeEach(() => {
  fs.rmSync(dir.file('stdin.txt'), { force: true });
  fs.rmSync(dir.file('argv.txt'), { force: true });
});

function device(options: Record<string, string>, overrides: Partial<CommandFenceDeviceConfig> = {}): CommandFenceDevice {
  return new CommandFenceDevice({ name: 'ipmi-n2', type: 'command', command: [agent], options, timeoutMs: 5000, ...overrides });
}
const exitWith = (code: number): void => fs.writeFileSync(dir.file('code'), String(code));

describe('CommandFenceDevice: what the agent receives', () => {
  it('writes action, plug and the options as key=value lines on stdin, and nothing on the command line', async () => {
    exitWith(0);
    const d = device({ ipaddr: '192.0.2.10', login: 'admin', passwd: 's3cret =x', lanplus: '1' });
    const r = await d.off('n2');
    expect(r.ok).toBe(true);
    expect(dir.read('stdin.txt')).toBe('action=off\nplug=n2\nipaddr=192.0.2.10\nlogin=admin\npasswd=s3cret =x\nlanplus=1\n');
    expect(dir.read('argv.txt')).toBe('\n'); // no arguments at all: the password never shows in ps
  });

  it.each(['port', 'plug'])('does not add plug= when the options already name %s', async (key) => {
    exitWith(0);
    await device({ [key]: '4', ipaddr: 'pdu1' }).on('n2');
    expect(dir.read('stdin.txt')).toBe(`action=on\n${key}=4\nipaddr=pdu1\n`);
  });

  it('sends no plug for monitor, and the right action for status', async () => {
    exitWith(0);
    await device({ ipaddr: 'pdu1' }).monitor();
    expect(dir.read('stdin.txt')).toBe('action=monitor\nipaddr=pdu1\n');
    await device({ ipaddr: 'pdu1' }).status('n2');
    expect(dir.read('stdin.txt')).toBe('action=status\nplug=n2\nipaddr=pdu1\n');
  });
});

describe('CommandFenceDevice: exit codes', () => {
  it('off/on/monitor: 0 is success, anything else a failure with the agent stderr', async () => {
    const d = device({});
    exitWith(0);
    expect(await d.off('n2')).toMatchObject({ ok: true, reason: 'off succeeded (exit 0)' });
    for (const code of [1, 2, 5]) {
      exitWith(code);
      const off = await d.off('n2');
      expect(off).toMatchObject({ ok: false, reason: `off failed (exit ${code}): agent says: code ${code}` });
      expect((await d.on('n2')).ok).toBe(false);
      expect((await d.monitor()).ok).toBe(false);
    }
  });

  it('status: 0 is on, 2 is off, 1 and others are unknown', async () => {
    const d = device({});
    const cases: Array<[number, string]> = [
      [0, 'on'],
      [2, 'off'],
      [1, 'unknown'],
      [3, 'unknown'],
      [8, 'unknown'],
    ];
    for (const [code, state] of cases) {
      exitWith(code);
      const s = await d.status('n2');
      expect(s.state).toBe(state);
      if (state === 'unknown') expect(s.reason).toContain(`exit ${code}`);
    }
  });
});

describe('CommandFenceDevice: failures that never reach an exit code', () => {
  it('a timeout is a failure, reported at the deadline', async () => {
    const slow = dir.script('fence_slow', 'cat > /dev/null; sleep 10');
    const d = device({}, { command: [slow], timeoutMs: 250 });
    const t0 = Date.now();
    const off = await d.off('n2');
    expect(off).toMatchObject({ ok: false, reason: 'off timed out after 250 ms (a timeout is a failure)' });
    expect(Date.now() - t0).toBeLessThan(1500);
    const status = await d.status('n2');
    expect(status.state).toBe('unknown');
    expect(status.reason).toContain('timed out after 250 ms');
  });

  it('reports a missing agent', async () => {
    const off = await device({}, { command: [dir.file('fence_missing')] }).off('n2');
    expect(off.ok).toBe(false);
    expect(off.reason).toContain('ENOENT');
  });

  it('refuses options that would override the action, without running the agent', async () => {
    exitWith(0);
    const off = await device({ action: 'on' }).off('n2');
    expect(off).toMatchObject({ ok: false, reason: 'off not attempted: option "action" is not allowed: the fencer chooses the action' });
    expect(fs.existsSync(dir.file('stdin.txt'))).toBe(false);
  });

  it('refuses a value with a line break, naming the key but not echoing the value', async () => {
    const off = await device({ passwd: 'hunter2\naction=on' }).off('n2');
    expect(off.ok).toBe(false);
    expect(off.reason).toContain('"passwd" contains a line break');
    expect(off.reason).not.toContain('hunter2');
    expect(fs.existsSync(dir.file('stdin.txt'))).toBe(false);
  });
});

describe('buildAgentStdin', () => {
  const key = fc.stringMatching(/^[a-z_][a-z0-9_-]{0,15}$/).filter((k) => !['action', 'option', 'port', 'plug'].includes(k));
  const value = fc.string({ maxLength: 30 });

  it('yields exactly one line per item, action first, or refuses a value that could inject a line', () => {
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 6 }), fc.string({ minLength: 1, maxLength: 20 }), (options, target) => {
        const r = buildAgentStdin('off', target, options);
        const values = [target, ...Object.values(options)];
        const injectable = values.some((v) => /[\r\n\0]/.test(v));
        expect(r.ok).toBe(!injectable);
        if (!r.ok) return;
        const lines = r.text.slice(0, -1).split('\n');
        expect(r.text.endsWith('\n')).toBe(true);
        expect(lines).toEqual(['action=off', `plug=${target}`, ...Object.entries(options).map(([k, v]) => `${k}=${v}`)]);
      }),
    );
  });
});
