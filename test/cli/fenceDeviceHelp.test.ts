// `edge-ha fence-device --help` names every agent with the options it takes,
// and the "does not take" check agrees with what the help says.

import { AGENT_TABLE, foreignOptions, keyToFlag, MANUAL_AGENTS, resolveAgent, type ManualOptions } from '../../src/shell/fence/manualAgents';
import { runFenceCli } from './fenceHelpers';

describe('fence-device --help', () => {
  it('lists every agent, its options, the aliases and the exit codes', async () => {
    const r = await runFenceCli(['fence-device', '--help']);
    expect(r.code).toBe(0);
    for (const agent of MANUAL_AGENTS) {
      expect(r.out).toContain(`\n  ${agent}: `);
      for (const line of AGENT_TABLE[agent].usage) expect(r.out).toContain(line);
    }
    expect(r.out).toContain('--sense-line N');
    expect(r.out).toContain('--protocol apcsmart|megatec');
    expect(r.out).toMatch(/aliases apc-ups, megatec-ups/);
    expect(r.out).toMatch(/alias lcus/);
    expect(r.out).toMatch(/Exit codes: 0 success \(status: the target is on\), 1 failure or a bad option \(the reason on stderr\), 2 off \(status\)/);
    // Every option in the agents' usage lines is a real option of the command.
    const flags = new Set(Object.values(AGENT_TABLE).flatMap((e) => e.usage.join(' ').match(/--[a-z][a-z-]*/g) ?? []));
    for (const flag of flags) expect(r.out).toMatch(new RegExp(`^\\s+${flag}[ ,]`, 'm'));
  });
});

describe('which options an agent takes', () => {
  it('each agent takes exactly the options its usage lines name', () => {
    const all = new Set(Object.values(AGENT_TABLE).flatMap((e) => e.usage.join(' ').match(/--[a-z][a-z-]*/g) ?? []));
    for (const agent of MANUAL_AGENTS) {
      const named = AGENT_TABLE[agent].usage.join(' ');
      for (const flag of all) {
        const key = flag.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) as keyof ManualOptions;
        expect(keyToFlag(key)).toBe(flag);
        const refused = foreignOptions(agent, agent, { [key]: 'x' });
        if (new RegExp(`${flag}\\b`).test(named)) expect(refused).toBeNull();
        else expect(refused).toContain(`${agent} does not take ${flag} (it takes`);
      }
      // --action, --timeout and --json go with every agent.
      expect(foreignOptions(agent, agent, { action: 'off', timeout: '5', json: true })).toBeNull();
    }
  });

  it('aliases resolve; unknown names are refused with the list', () => {
    expect(resolveAgent('lcus')).toEqual({ ok: true, agent: 'lcus-relay' });
    expect(resolveAgent('apc-ups')).toEqual({ ok: true, agent: 'ups', protocol: 'apcsmart' });
    expect(resolveAgent('megatec-ups')).toEqual({ ok: true, agent: 'ups', protocol: 'megatec' });
    expect(resolveAgent('toString')).toMatchObject({ ok: false, reason: expect.stringContaining('unknown agent "toString"') });
  });
});
