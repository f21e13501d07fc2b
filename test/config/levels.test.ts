// fencing.levels: the fencing topology in the configuration file.

import fs from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { parseConfigText, type LoadResult } from '../../src/config/load';
import { toFileForm } from '../../src/config/render';
import { variant } from './fixtures';

function load(text: string): LoadResult {
  return parseConfigText(text, '/etc/edge-ha', 'edge-ha.yaml');
}
function errorsOf(text: string): string[] {
  const r = load(text);
  if (r.ok) throw new Error('expected the configuration to be refused');
  return r.errors;
}

/** Three devices: ipmi, pdu-a, pdu-b. */
function withDevices(levels: unknown): string {
  return variant((d) => {
    d.fencing.devices.push(
      { name: 'pdu-a', type: 'command', command: 'fence_apc' },
      { name: 'pdu-b', type: 'command', command: 'fence_apc' },
    );
    if (levels !== undefined) d.fencing.levels = levels;
  });
}

test('levels are kept in order, and absent levels stay absent', () => {
  const r = load(withDevices([['ipmi'], ['pdu-a', 'pdu-b']]));
  if (!r.ok) throw new Error(r.errors.join('\n'));
  expect(r.config.fencing.levels).toEqual([['ipmi'], ['pdu-a', 'pdu-b']]);
  expect(r.warnings.filter((w) => w.startsWith('fencing.levels:'))).toEqual([]);
  const plain = load(withDevices(undefined));
  if (!plain.ok) throw new Error(plain.errors.join('\n'));
  expect(plain.config.fencing.levels).toBeUndefined();
});

test('the effective config printed back loads again with the same levels', () => {
  const r = load(withDevices([['pdu-a', 'pdu-b'], ['ipmi']]));
  if (!r.ok) throw new Error(r.errors.join('\n'));
  const again = load(stringify(toFileForm(r.config)));
  if (!again.ok) throw new Error(again.errors.join('\n'));
  expect(again.config.fencing.levels).toEqual([['pdu-a', 'pdu-b'], ['ipmi']]);
});

test('an unknown device name is an error at its key path, listing the known names', () => {
  expect(errorsOf(withDevices([['ipmi'], ['pdu-a', 'pdu-c']]))).toEqual([
    'fencing.levels[1][1]: expected the name of a device in fencing.devices (ipmi, pdu-a, pdu-b), got "pdu-c"',
  ]);
});

test('a device twice in one level is an error; the same device in two levels is allowed', () => {
  expect(errorsOf(withDevices([['pdu-a', 'pdu-b', 'pdu-a']]))).toEqual([
    'fencing.levels[0][2]: expected a device not already in this level, got "pdu-a" (already in this level at fencing.levels[0][0])',
  ]);
  expect(load(withDevices([['pdu-a'], ['pdu-a', 'pdu-b'], ['ipmi']])).ok).toBe(true);
});

test('empty levels, an empty list and a level that is not a list are refused', () => {
  expect(errorsOf(withDevices([]))).toEqual([
    'fencing.levels: expected a list of 1 to 9 levels, each a list of device names, got an empty list',
  ]);
  expect(errorsOf(withDevices([['ipmi'], []]))).toEqual([
    'fencing.levels[1]: expected a level: a list of 1 to 8 device names, got an empty list',
  ]);
  expect(errorsOf(withDevices(['ipmi']))).toEqual([
    'fencing.levels[0]: expected a level: a list of 1 to 8 device names, got "ipmi"',
  ]);
  const tooMany = Array.from({ length: 10 }, () => ['ipmi']);
  expect(errorsOf(withDevices(tooMany))[0]).toMatch(/^fencing\.levels: expected a list of 1 to 9 levels/);
});

test('a device no level names raises a warning', () => {
  const r = load(withDevices([['ipmi'], ['pdu-a']]));
  if (!r.ok) throw new Error(r.errors.join('\n'));
  expect(r.warnings).toContain('fencing.levels: device pdu-b is in fencing.devices but in no level, so never used to fence');
});


test('levels that a hung device could starve of the overall timeout raise a warning naming the level', () => {
  const text = variant((d) => {
    d.fencing.devices = [
      { name: 'ipmi', type: 'command', command: 'fence_ipmilan', timeoutMs: 4000 },
      { name: 'pdu', type: 'command', command: 'fence_apc', timeoutMs: 2000 },
    ];
    d.fencing.levels = [['ipmi'], ['pdu']];
    d.timeouts = { fenceTimeoutMs: 8000 };
  });
  const starved = load(text);
  if (!starved.ok) throw new Error(starved.errors.join('\n'));
  expect(starved.warnings.filter((w) => w.startsWith('fencing.levels['))).toEqual([
    'fencing.levels[1]: the levels before it can take 8000 ms when their devices hang (off + status, each up to ' +
      "the device's timeoutMs), which is at least timeouts.fenceTimeoutMs 8000; this level may never be tried " +
      '(shorten the device timeouts or lengthen fenceTimeoutMs)',
  ]);
  const roomy = load(text.replace('fenceTimeoutMs: 8000', 'fenceTimeoutMs: 8001'));
  if (!roomy.ok) throw new Error(roomy.errors.join('\n'));
  expect(roomy.warnings.filter((w) => w.startsWith('fencing.levels['))).toEqual([]);
});

test('the topology example in docs/configuration.md loads, with its levels and no levels warning', () => {
  const docs = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'configuration.md'), 'utf8');
  const block = /```yaml\n(fencing:\n[\s\S]*?levels:[\s\S]*?)```/.exec(docs)?.[1];
  expect(block).toBeDefined();
  const text = variant((d) => (d.fencing = parse(block ?? '').fencing));
  const r = load(text);
  if (!r.ok) throw new Error(r.errors.join('\n'));
  expect(r.config.fencing.levels).toEqual([['ipmi-b'], ['pdu-1', 'pdu-2']]);
  expect(r.warnings.filter((w) => w.startsWith('fencing.levels'))).toEqual([]);
});
