// Every kind of validation error, with its exact text: operators read these
// lines, so their wording is part of the interface.

import { parseConfigText, type LoadResult } from '../../src/config/load';
import { MINIMAL_YAML, variant } from './fixtures';

function errorsOf(text: string): string[] {
  const result: LoadResult = parseConfigText(text, '/etc/edge-ha', 'edge-ha.yaml');
  if (result.ok) throw new Error('expected the configuration to be refused');
  return result.errors;
}

const ID_EXPECTED = 'an id (1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit)';

test('the minimal configuration is valid (the variants below each break one thing)', () => {
  expect(parseConfigText(MINIMAL_YAML, '/etc/edge-ha', 'edge-ha.yaml').ok).toBe(true);
});

describe('host:port', () => {
  test('an address without a port gives the documented message', () => {
    const text = variant((d) => (d.heartbeat.paths[1].peer = '10.0.0'));
    expect(errorsOf(text)).toEqual(['heartbeat.paths[1].peer: expected host:port, got "10.0.0"']);
  });

  test('a numeric host that is not a dotted quad is not taken for a hostname', () => {
    const text = variant((d) => (d.heartbeat.paths[0].bind = '10.0.0:5405'));
    expect(errorsOf(text)).toEqual([
      'heartbeat.paths[0].bind: expected host:port, got "10.0.0:5405" ("10.0.0" is neither an IPv4 address nor a hostname)',
    ]);
  });

  test('a port out of range and an unbracketed IPv6 address say why', () => {
    const text = variant((d) => {
      d.heartbeat.paths[0].peer = '[fe80::2%eth1]:65536';
      d.heartbeat.paths[1].peer = 'fe80::2:5405';
    });
    expect(errorsOf(text)).toEqual([
      'heartbeat.paths[0].peer: expected host:port, got "[fe80::2%eth1]:65536" (the port must be 1..65535)',
      'heartbeat.paths[1].peer: expected host:port, got "fe80::2:5405" (write an IPv6 address in brackets: [address]:port)',
    ]);
  });
});

test('a wrong type names the expected type and the value found', () => {
  const text = variant((d) => {
    d.node.priority = 'high';
    d.cluster.waitForAll = 'yes';
  });
  expect(errorsOf(text)).toEqual([
    'cluster.waitForAll: expected true or false, got "yes"',
    'node.priority: expected an integer 0..65535, got "high"',
  ]);
});

test('a number out of range, or not whole, is refused once', () => {
  const text = variant((d) => {
    d.heartbeat.intervalMs = 4;
    d.heartbeat.paths[0].missMultiplier = -1.5;
  });
  expect(errorsOf(text)).toEqual([
    'heartbeat.intervalMs: expected an integer 5..10000, got 4',
    'heartbeat.paths[0].missMultiplier: expected an integer 2..100, got -1.5',
  ]);
});

test('a missing key and an empty value are told apart', () => {
  const text = variant((d) => {
    delete d.cluster.id;
    d.node.id = null;
    delete d.fencing;
  });
  expect(errorsOf(text)).toEqual([
    `cluster.id: expected ${ID_EXPECTED}, got nothing (the key is missing)`,
    `node.id: expected ${ID_EXPECTED}, got an empty value`,
    'fencing: expected a mapping with at least one fence device (edge-ha never takes over the service without ' +
      'first fencing the peer), got nothing (the key is missing)',
  ]);
});

test('an unknown key lists the keys that section accepts', () => {
  const text = variant((d) => {
    d.heartbeat.pathz = [];
    d.timeouts = { fenceDelay: 10 };
  });
  expect(errorsOf(text)).toEqual([
    'heartbeat.pathz: unknown key (expected one of: keyFile, intervalMs, missMultiplier, paths)',
    'timeouts.fenceDelay: unknown key (expected one of: startupWaitMs, fenceDelayMs, fenceTimeoutMs, fenceRetryMs, ' +
      'fenceRetryMaxMs, restartDelayMs, shutdownLingerMs, fenceDelayRandomMs, powerShutdownWaitMs)',
  ]);
});

test('duplicate path names and bind addresses name the earlier path', () => {
  const text = variant((d) => {
    d.heartbeat.paths[1].name = 'crossover';
    d.heartbeat.paths.push({ name: 'third', bind: '192.168.77.1:5405', peer: '192.168.88.2:5405' });
  });
  expect(errorsOf(text)).toEqual([
    'heartbeat.paths[1].name: expected a path name not used by another path, got "crossover" ' +
      '(already used by heartbeat.paths[0])',
    'heartbeat.paths[2].bind: expected a bind address not used by another path, got "192.168.77.1:5405" ' +
      '(already used by heartbeat.paths[0])',
  ]);
});

test('a path whose peer is its own bind address is refused', () => {
  const text = variant((d) => (d.heartbeat.paths[0].peer = '192.168.77.1:5405'));
  expect(errorsOf(text)).toEqual([
    'heartbeat.paths[0].peer: expected an address different from bind, got "192.168.77.1:5405" ' +
      '(the node would send its heartbeats to itself)',
  ]);
});

test('peer.id must differ from node.id', () => {
  const text = variant((d) => (d.peer.id = d.node.id));
  expect(errorsOf(text)).toEqual(['peer.id: expected an id different from node.id, got "a"']);
});

test('ids are checked against the id pattern', () => {
  const text = variant((d) => {
    d.cluster.id = '-leading-dash';
    d.heartbeat.paths[0].name = 'x'.repeat(65);
  });
  expect(errorsOf(text)).toEqual([
    `cluster.id: expected ${ID_EXPECTED}, got "-leading-dash"`,
    `heartbeat.paths[0].name: expected ${ID_EXPECTED}, got "${'x'.repeat(60)}..."`,
  ]);
});

test('no fence device: the message says edge-ha never takes over without fencing', () => {
  const text = variant((d) => (d.fencing.devices = []));
  expect(errorsOf(text)).toEqual([
    'fencing.devices: expected 1 to 8 fence devices (edge-ha never takes over the service without first fencing ' +
      'the peer), got an empty list',
  ]);
});

test('a bad enum value lists the accepted values', () => {
  const text = variant((d) => {
    d.fencing.action = 'shutdown';
    d.logging = { level: 'verbose' };
  });
  expect(errorsOf(text)).toEqual([
    'fencing.action: expected one of: off, reboot, got "shutdown"',
    'logging.level: expected one of: debug, info, warn, error, got "verbose"',
  ]);
});

test('fence devices: unknown type, bad command element, forbidden and malformed options', () => {
  const text = variant((d) => {
    d.fencing.devices = [
      { name: 'x', type: 'ilo' },
      { name: 'y', type: 'command', command: ['fence_x', 3] },
      { name: 'z', type: 'command', command: 'fence_z', options: { action: 'on', ipport: 623 } },
      { name: 'w', type: 'command', command: 'fence_w', options: { 'bad name': 1 } },
    ];
  });
  expect(errorsOf(text)).toEqual([
    'fencing.devices[0].type: expected a fence device type: command, sim-power, rps10, apc-pdu, apc-ups, megatec-ups, lcus, ipmi, gpio-relay, rcd-serial, watchdog, operator, got "ilo"',
    'fencing.devices[1].command[1]: expected a string argument, got 3',
    'fencing.devices[2].options.action: expected no "action" option (fencing.action sets it), got "on"',
    'fencing.devices[3].options["bad name"]: expected an option name of letters, digits, "_" and "-", starting with a letter, got "bad name"',
  ]);
});

test('a __proto__ fence option is refused, not silently dropped', () => {
  const text = MINIMAL_YAML.replace('command: fence_ipmilan', 'command: fence_ipmilan\n      options: {__proto__: x}');
  expect(errorsOf(text)).toEqual([
    'fencing.devices[0].options.__proto__: expected no "__proto__" option (a reserved name), got "x"',
  ]);
});

test('an empty command and fenceRetryMaxMs below fenceRetryMs are refused', () => {
  expect(errorsOf(variant((d) => (d.resource.command = '   ')))).toEqual([
    'resource.command: expected a command: a string (split on whitespace) or a list of strings, got "   "',
  ]);
  expect(errorsOf(variant((d) => (d.timeouts = { fenceRetryMs: 5000, fenceRetryMaxMs: 100 })))).toEqual([
    'timeouts.fenceRetryMaxMs: expected an integer at least timeouts.fenceRetryMs (5000), got 100',
  ]);
});

test('a "~" path is refused rather than silently resolved under the config directory', () => {
  expect(errorsOf(variant((d) => (d.stateDir = '~/edge-ha')))).toEqual([
    'stateDir: expected a file path (absolute, or relative to the configuration file), got "~/edge-ha" ' +
      '("~" is not expanded)',
  ]);
});

test('a control socket path longer than a Unix socket address allows is refused', () => {
  const long = `/run/${'d'.repeat(110)}/control.sock`;
  expect(errorsOf(variant((d) => (d.controlSocket = long)))).toEqual([
    `controlSocket: expected a path of at most 107 bytes (the limit of a Unix socket address), got "${long}" ` +
      `(${long.length} bytes once resolved)`,
  ]);
});

describe('YAML syntax', () => {
  test('a syntax error names the file, line and column', () => {
    const text = 'cluster:\n  id: c1\nnode: [a\npeer:\n  id: b\n';
    expect(errorsOf(text)).toEqual([
      'edge-ha.yaml:4:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
  });

  test('a duplicate key is an error at its line', () => {
    expect(errorsOf('cluster:\n  id: c1\n  id: c2\n')).toEqual([
      'edge-ha.yaml:3:3: YAML syntax error: Map keys must be unique',
    ]);
  });

  test('an unknown alias is an error, not an exception', () => {
    expect(errorsOf('cluster: *nothing\n')).toEqual([
      'edge-ha.yaml:1:10: YAML syntax error: alias *nothing has no anchor &nothing before it',
    ]);
  });

  test('an empty file and a top-level list are refused', () => {
    expect(errorsOf('# only a comment\n')).toEqual([
      'edge-ha.yaml: the file is empty; expected a mapping with the keys of a configuration',
    ]);
    expect(errorsOf('- cluster\n')[0]).toMatch(/^\(top level\): expected a mapping \(keys: cluster, node, .*\), got a list of 1 item$/);
  });
});
