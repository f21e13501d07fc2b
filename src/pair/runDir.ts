// The run directory of the simulated pair: the two example configurations,
// rewritten so that everything the daemons write lands in one directory
// (state, control sockets, a private copy of the key file), every command is
// an absolute path, and optionally every port is moved so that several pairs
// (parallel tests) can run on one machine.
//
// The example files are validated with the project's own config parser, and
// the files written are loaded back with loadConfig, so a mistake shows up
// here with the config's own error text rather than as a daemon that dies.

import { promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { parseDocument, type Document, type YAMLSeq } from 'yaml';
import { formatHostPort } from '../config/hostPort';
import { loadConfig, MAX_CONFIG_BYTES, parseConfigText } from '../config/load';
import { readConfigFile } from '../config/fileChecks';
import { probeExisting } from '../shell/control/socketPath';
import { fencingFor, type PairFenceKind } from './fenceConfig';
import type { NodeHardwarePlan } from './nodeHardware';
import { reapOrphans } from './orphans';
import { hardwarePorts, readExampleHardware, rewriteHardware, type ExampleHardware } from './runDirHardware';
import type { Config, HostPort } from '../config/types';

export const EXAMPLE_FILES = ['node-a.yaml', 'node-b.yaml'] as const;
export const MIN_PORT_BASE = 1024;
export const MAX_PORT = 65535;
/**
 * Where `--fence rps10|lcus|apc-pdu` serves its simulator (TCP), and the UDP
 * port of each node's BMC with `--fence ipmi` (on the node's own address);
 * moved with --port-base like the ports of the example files.
 */
export const FENCE_SIM_PORT = 5413;
/** The PDU console's or the BMCs' password for `--fence apc-pdu|ipmi` (mode 0600). */
export const FENCE_SECRET_FILE = 'fence-password';

export interface RunDirOptions {
  /** Directory holding node-a.yaml, node-b.yaml and keys (normally <repo>/examples/pair). */
  exampleDir: string;
  /** Created if missing. */
  runDir: string;
  /** When set, the distinct ports of the examples become portBase, portBase+1, ... in order of appearance. */
  portBase?: number;
  /** An existing broker for the daemons' telemetry (`--broker`); default: the examples' URL, port moved with portBase. */
  brokerUrl?: string;
  /** What the nodes fence each other through (`--fence`); default sim-power, the examples' own device. */
  fence?: PairFenceKind;
}

/** The fencing of the pair: the kind, and where its simulators must listen. */
export interface PairFenceLayout {
  kind: PairFenceKind;
  /** The RPS-10 / relay board / PDU simulator (TCP). */
  sim: HostPort;
  /** Each node's BMC (UDP, ipmi), in node order. */
  bmcs: [HostPort, HostPort];
  /** The PDU's or the BMCs' password (also in secretFile); null for the kinds without one. */
  secret: string | null;
  secretFile: string | null;
}

export interface PairNodeFiles {
  id: string;
  peerId: string;
  configPath: string;
  stateDir: string;
  controlSocket: string;
  /** The effective configuration of the file written. */
  config: Config;
  /** The simulated hardware of this node (from its config's `hardware:` section). */
  hardware: NodeHardwarePlan;
}

export interface RunDirLayout {
  runDir: string;
  nodes: [PairNodeFiles, PairNodeFiles];
  /** Where the simulated power switch must listen (both configs name it). */
  power: HostPort;
  /** Heartbeat path names, in config order. */
  pathNames: string[];
  keyFile: string;
  /** The broker both daemons publish to; null when the example configs have telemetry off. */
  brokerUrl: string | null;
  fence: PairFenceLayout;
}

export type RunDirResult = { ok: true; layout: RunDirLayout } | { ok: false; error: string };

interface Source {
  file: string;
  text: string;
  config: Config;
  hardware: ExampleHardware | null;
}

function simPowerAddress(config: Config): HostPort | string {
  const devices = config.fencing.devices.filter((d) => d.type === 'sim-power');
  const first = devices[0];
  if (devices.length !== 1 || first === undefined || first.type !== 'sim-power') {
    return `expected exactly one fence device of type sim-power, found ${devices.length}`;
  }
  return first.address;
}

/** The problems that would keep two example files from forming a pair, or null. */
export function pairProblem(a: Config, b: Config): string | null {
  if (a.node.id === b.node.id) return `both files use node.id ${JSON.stringify(a.node.id)}`;
  if (a.peer.id !== b.node.id || b.peer.id !== a.node.id) {
    return `peer.id must name the other node: ${a.node.id} names ${a.peer.id}, ${b.node.id} names ${b.peer.id}`;
  }
  const names = (c: Config) => c.heartbeat.paths.map((p) => p.name).join(',');
  if (names(a) !== names(b)) return `the heartbeat paths differ: [${names(a)}] and [${names(b)}]`;
  const pa = simPowerAddress(a);
  const pb = simPowerAddress(b);
  if (typeof pa === 'string') return `${a.node.id}: ${pa}`;
  if (typeof pb === 'string') return `${b.node.id}: ${pb}`;
  if (formatHostPort(pa) !== formatHostPort(pb)) {
    return `the two files name different power switches: ${formatHostPort(pa)} and ${formatHostPort(pb)}`;
  }
  return null;
}

/** The ports of the pair in order of first appearance: paths of each file (bind, peer), then the power switch. */
export function pairPorts(configs: readonly Config[]): number[] {
  const ports: number[] = [];
  const add = (port: number) => {
    if (!ports.includes(port)) ports.push(port);
  };
  for (const c of configs) {
    for (const p of c.heartbeat.paths) {
      add(p.bind.port);
      add(p.peer.port);
    }
  }
  for (const c of configs) {
    const power = simPowerAddress(c);
    if (typeof power !== 'string') add(power.port);
  }
  for (const c of configs) {
    const port = brokerPort(c);
    if (port !== null) add(port);
  }
  return ports;
}

function brokerPort(c: Config): number | null {
  if (!c.telemetry.enabled || !c.telemetry.broker.url) return null;
  const u = new URL(c.telemetry.broker.url);
  return Number(u.port || (u.protocol === 'mqtts:' ? 8883 : 1883));
}

/** The broker URL a generated config gets: the operator's, or the example's with its port moved. */
function brokerUrlFor(c: Config, ports: Map<number, number> | null, external: string | undefined): string | null {
  if (!c.telemetry.enabled || !c.telemetry.broker.url) return null;
  if (external !== undefined) return external;
  const u = new URL(c.telemetry.broker.url);
  const port = brokerPort(c)!;
  u.port = String(ports?.get(port) ?? port);
  return u.toString().replace(/\/$/, '');
}

/** Maps each port to base + its index; an error when the range leaves 1024..65535. */
export function portMap(ports: readonly number[], base: number): Map<number, number> | string {
  const last = base + ports.length - 1;
  if (!Number.isInteger(base) || base < MIN_PORT_BASE || last > MAX_PORT) {
    return `port base must be an integer from ${MIN_PORT_BASE} to ${MAX_PORT - ports.length + 1} (the pair needs ${ports.length} ports), got ${base}`;
  }
  return new Map(ports.map((port, i) => [port, base + i]));
}

async function readSource(file: string): Promise<Source | string> {
  const read = readConfigFile(file, MAX_CONFIG_BYTES);
  if (!read.ok) return read.errors.join('; ');
  // parseConfigText, not loadConfig: a fresh git checkout does not keep the
  // key file's 0600, and the copy we make is what the daemons will check.
  const parsed = parseConfigText(read.text, dirname(file), file);
  if (!parsed.ok) return `${file}: ${parsed.errors.join('; ')}`;
  const hardware = readExampleHardware(parseDocument(read.text), file);
  if (!hardware.ok) return hardware.error;
  return { file, text: read.text, config: parsed.config, hardware: hardware.value };
}

function moved(address: HostPort, ports: Map<number, number> | null): string {
  return formatHostPort({ host: address.host, port: ports?.get(address.port) ?? address.port });
}

function argvNode(doc: Document, argv: readonly string[]) {
  const node = doc.createNode([...argv]) as YAMLSeq;
  node.flow = true;
  return node;
}

/**
 * The text of one generated file. `config` is the example's (already resolved) configuration;
 * `edit` makes the rest of the changes (hardware, fencing) on the same document.
 */
export function rewriteConfig(
  source: { file: string; text: string; config: Config },
  target: { stateDir: string; controlSocket: string; keyFile: string; brokerUrl?: string | null },
  ports: Map<number, number> | null,
  edit?: (doc: Document) => void,
): string {
  const doc = parseDocument(source.text);
  const c = source.config;
  doc.setIn(['stateDir'], target.stateDir);
  doc.setIn(['controlSocket'], target.controlSocket);
  doc.setIn(['heartbeat', 'keyFile'], target.keyFile);
  c.heartbeat.paths.forEach((p, i) => {
    doc.setIn(['heartbeat', 'paths', i, 'bind'], moved(p.bind, ports));
    doc.setIn(['heartbeat', 'paths', i, 'peer'], moved(p.peer, ports));
  });
  c.fencing.devices.forEach((d, i) => {
    if (d.type === 'command') doc.setIn(['fencing', 'devices', i, 'command'], argvNode(doc, d.command));
    else if ('address' in d) doc.setIn(['fencing', 'devices', i, 'address'], moved(d.address, ports));
  });
  doc.setIn(['resource', 'command'], argvNode(doc, c.resource.command));
  if (target.brokerUrl) doc.setIn(['telemetry', 'broker', 'url'], target.brokerUrl);
  edit?.(doc);
  const note = ` Generated by \`edge-ha pair\` from ${source.file}: edit that file, not this one.\n`;
  doc.commentBefore = doc.commentBefore ? `${note}\n${doc.commentBefore}` : note;
  return doc.toString();
}

async function copyKeyFile(from: string, to: string): Promise<void> {
  const key = await fs.readFile(from);
  await fs.writeFile(to, key, { mode: 0o600 });
  // writeFile's mode applies only when it creates the file.
  await fs.chmod(to, 0o600);
}

async function makePrivateDir(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  await fs.chmod(dir, 0o700);
}

/** Checked before anything is rewritten: the files of a running pair must not change under it. */
async function runningDaemon(runDir: string, ids: string[]): Promise<string | null> {
  for (const id of ids) {
    try {
      await probeExisting(join(runDir, id, 'control.sock'));
    } catch (e) {
      return `${(e as Error).message}: another \`edge-ha pair\` seems to use ${runDir}; stop it, or pass --run-dir and --port-base`;
    }
  }
  return null;
}

/** Writes <runDir>/node-a.yaml, node-b.yaml and keys; returns where everything is. */
export async function prepareRunDir(options: RunDirOptions): Promise<RunDirResult> {
  try {
    return await prepare(options);
  } catch (e) {
    return { ok: false, error: `cannot prepare the run directory ${options.runDir}: ${(e as Error).message}` };
  }
}

async function prepare(options: RunDirOptions): Promise<RunDirResult> {
  const runDir = resolve(options.runDir);
  const sources: Source[] = [];
  for (const name of EXAMPLE_FILES) {
    const source = await readSource(join(resolve(options.exampleDir), name));
    if (typeof source === 'string') return { ok: false, error: source };
    sources.push(source);
  }
  const [a, b] = sources as [Source, Source];
  const problem = pairProblem(a.config, b.config);
  if (problem !== null) return { ok: false, error: `the example pair in ${options.exampleDir} is inconsistent: ${problem}` };
  let ports: Map<number, number> | null = null;
  if (options.portBase !== undefined) {
    const all = [...new Set([...pairPorts([a.config, b.config]), ...hardwarePorts([a.hardware, b.hardware]), FENCE_SIM_PORT])];
    const map = portMap(all, options.portBase);
    if (typeof map === 'string') return { ok: false, error: map };
    ports = map;
  }
  const fence = await fenceLayout(runDir, options.fence ?? 'sim-power', [a.config, b.config], ports);

  if (b.config.heartbeat.keyFile !== a.config.heartbeat.keyFile) {
    return { ok: false, error: `${a.file} and ${b.file} must share one key file for the demo` };
  }
  // Daemons left by a supervisor that was killed outright are ended first.
  await reapOrphans(runDir);
  const busy = await runningDaemon(runDir, [a.config.node.id, b.config.node.id]);
  if (busy !== null) return { ok: false, error: busy };
  await makePrivateDir(runDir);
  const keyFile = join(runDir, 'keys');
  await copyKeyFile(a.config.heartbeat.keyFile, keyFile);
  if (fence.secretFile !== null) await writePrivateFile(fence.secretFile, `${fence.secret}\n`);
  const power = movedAddress(simPowerAddress(a.config) as HostPort, ports);

  const nodes: PairNodeFiles[] = [];
  for (const [index, source] of sources.entries()) {
    const id = source.config.node.id;
    const stateDir = join(runDir, id);
    const controlSocket = join(stateDir, 'control.sock');
    await makePrivateDir(stateDir);
    const configPath = join(runDir, basename(source.file));
    const brokerUrl = brokerUrlFor(source.config, ports, options.brokerUrl);
    let hardware: NodeHardwarePlan | null = null;
    const peerIndex = index === 0 ? 1 : 0;
    const edit = (doc: Document): void => {
      hardware = rewriteHardware(doc, source.hardware, stateDir, ports);
      rewriteFencing(doc, fence, { peerIndex, peerId: source.config.peer.id, power });
    };
    const text = rewriteConfig(source, { stateDir, controlSocket, keyFile, brokerUrl }, ports, edit);
    await fs.writeFile(configPath, text, { mode: 0o644 });
    const loaded = loadConfig(configPath);
    if (!loaded.ok) return { ok: false, error: `generated ${configPath} is not valid: ${loaded.errors.join('; ')}` };
    nodes.push({ id, peerId: source.config.peer.id, configPath, stateDir, controlSocket, config: loaded.config, hardware: hardware! });
  }
  const pathNames = a.config.heartbeat.paths.map((p) => p.name);
  const brokerUrl = nodes[0]!.config.telemetry.enabled ? (nodes[0]!.config.telemetry.broker.url ?? null) : null;
  return { ok: true, layout: { runDir, nodes: nodes as [PairNodeFiles, PairNodeFiles], power, pathNames, keyFile, brokerUrl, fence } };
}

function movedAddress(address: HostPort, ports: Map<number, number> | null): HostPort {
  return { host: address.host, port: ports?.get(address.port) ?? address.port };
}

async function writePrivateFile(file: string, text: string): Promise<void> {
  await fs.writeFile(file, text, { mode: 0o600 });
  await fs.chmod(file, 0o600);
}

/** Where the fence simulators listen: the switch's host, and each node's BMC on the node's own address. */
async function fenceLayout(runDir: string, kind: PairFenceKind, configs: [Config, Config], ports: Map<number, number> | null): Promise<PairFenceLayout> {
  const port = ports?.get(FENCE_SIM_PORT) ?? FENCE_SIM_PORT;
  const power = simPowerAddress(configs[0]) as HostPort;
  const bmc = (c: Config): HostPort => ({ host: c.heartbeat.paths[0]?.bind.host ?? power.host, port });
  const needsSecret = kind === 'apc-pdu' || kind === 'ipmi';
  return {
    kind,
    sim: { host: power.host, port },
    bmcs: [bmc(configs[0]), bmc(configs[1])],
    secret: needsSecret ? randomBytes(8).toString('hex') : null,
    secretFile: needsSecret ? join(resolve(runDir), FENCE_SECRET_FILE) : null,
  };
}

/** Replaces the example's fence devices by the `--fence` kind's (sim-power keeps the example's). */
function rewriteFencing(doc: Document, fence: PairFenceLayout, node: { peerIndex: 0 | 1; peerId: string; power: HostPort }): void {
  const section = fencingFor({
    kind: fence.kind,
    peerIndex: node.peerIndex,
    peerId: node.peerId,
    power: node.power,
    fenceSim: fence.sim,
    peerBmc: fence.bmcs[node.peerIndex],
    secretFile: fence.secretFile ?? '',
  });
  if (section === null) return;
  const devices = doc.createNode(section.devices);
  devices.commentBefore = ` Generated for \`edge-ha pair --fence ${fence.kind}\` (the example's sim-power device is replaced).`;
  doc.setIn(['fencing', 'devices'], devices);
  doc.deleteIn(['fencing', 'levels']);
  if (section.levels !== undefined) doc.setIn(['fencing', 'levels'], doc.createNode(section.levels));
}
