// `--fence`: the outlet adapter between the hw/fence simulators and the
// pair's node power, and what each kind writes into the node configs.
import { outletPower } from '../../src/pair/fenceSims';
import { fencingFor, NODE_OUTLETS, PAIR_FENCE_KINDS } from '../../src/pair/fenceConfig';
import type { PowerBackend } from '../../src/simpower';

function nodePower(failOff = false) {
  const on = new Map([['node-a', true], ['node-b', true]]);
  const calls: string[] = [];
  const power: PowerBackend = {
    plugs: () => [...on.keys()],
    isOn: (p) => on.get(p) === true,
    powerOff: async (p) => {
      calls.push(`off ${p}`);
      if (failOff) throw new Error('relay stuck');
      on.set(p, false);
    },
    powerOn: async (p) => {
      calls.push(`on ${p}`);
      on.set(p, true);
    },
  };
  return { power, calls, on };
}

describe('outletPower', () => {
  test('outlet 1 powers the first node, outlet 2 the second; others are empty sockets', async () => {
    const { power, calls } = nodePower();
    const errors: string[] = [];
    const outlets = outletPower(['node-a', 'node-b'], power, (m) => errors.push(m));
    expect(NODE_OUTLETS).toEqual([1, 2]);
    outlets.powerOff(2);
    await Promise.resolve();
    expect(calls).toEqual(['off node-b']);
    expect(outlets.isOn(2)).toBe(false);
    expect(outlets.isOn(1)).toBe(true);
    outlets.powerOff(2); // already off: nothing to do
    outlets.powerOn(2);
    await Promise.resolve();
    expect(calls).toEqual(['off node-b', 'on node-b']);
    expect(outlets.isOn(2)).toBe(true);
    outlets.powerOff(5);
    expect(outlets.isOn(5)).toBe(false);
    outlets.powerOn(5);
    expect(outlets.isOn(5)).toBe(true);
    expect(calls).toHaveLength(2);
    expect(errors).toEqual([]);
  });

  test('a node power failure is reported, not thrown into the simulator', async () => {
    const { power } = nodePower(true);
    const errors: string[] = [];
    const outlets = outletPower(['node-a', 'node-b'], power, (m) => errors.push(m));
    expect(() => outlets.powerOff(1)).not.toThrow();
    await new Promise((r) => setImmediate(r));
    expect(errors).toEqual(['outlet 1 (node-a) off: relay stuck']);
    expect(outlets.isOn(1)).toBe(true);
  });
});

describe('fencingFor', () => {
  const ctx = {
    peerIndex: 1 as const,
    peerId: 'node-b',
    power: { host: '127.0.0.1', port: 5410 },
    fenceSim: { host: '127.0.0.1', port: 5413 },
    peerBmc: { host: '127.0.0.2', port: 5413 },
    secretFile: '/run/pair/fence-password',
  };

  test('sim-power keeps the example\'s devices', () => {
    expect(fencingFor({ ...ctx, kind: 'sim-power' })).toBeNull();
  });

  test('each kind names the peer\'s outlet on the simulator', () => {
    expect(fencingFor({ ...ctx, kind: 'rps10' })?.devices).toEqual([expect.objectContaining({ type: 'rps10', address: '127.0.0.1:5413', outlet: 2 })]);
    expect(fencingFor({ ...ctx, peerIndex: 0, peerId: 'node-a', kind: 'apc-pdu' })?.devices).toEqual([
      expect.objectContaining({ type: 'apc-pdu', outlet: 1, passwordFile: '/run/pair/fence-password', console: 'aos' }),
    ]);
    expect(fencingFor({ ...ctx, kind: 'ipmi' })?.devices).toEqual([expect.objectContaining({ type: 'ipmi', address: '127.0.0.2:5413' })]);
  });

  test('lcus: the relay board fences alone; the switch only reads the power back', () => {
    const s = fencingFor({ ...ctx, kind: 'lcus' });
    expect(s?.devices).toEqual([
      expect.objectContaining({ name: 'relay-board', type: 'lcus', channel: 2, senseDevice: 'power-sense' }),
      expect.objectContaining({ name: 'power-sense', type: 'sim-power', address: '127.0.0.1:5410', plug: 'node-b' }),
    ]);
    expect(s?.levels).toEqual([['relay-board']]);
  });

  test('every kind is covered', () => {
    for (const kind of PAIR_FENCE_KINDS) expect(() => fencingFor({ ...ctx, kind })).not.toThrow();
  });
});
