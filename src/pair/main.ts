// `edge-ha pair`: the simulated pair of `npm start`. Prepares the run
// directory, starts the supervisor, then runs the live view (terminal) or
// script mode (anything else) until quit, EOF, or a signal, and stops
// everything it started.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ReadStream, WriteStream } from 'node:tty';
import { COMMAND_SUMMARY } from './commands';
import { isPairFenceKind, PAIR_FENCE_KINDS, type PairFenceKind } from './fenceConfig';
import { ipmiMissing } from './ipmiBmc';
import { printable } from './format';
import { findRepoRoot } from './repoRoot';
import { startEmbeddedBroker, type EmbeddedBroker } from './broker';
import { watchBroker } from './mqttWatch';
import { prepareRunDir, type RunDirLayout } from './runDir';
import { printEvents, runScript } from './script';
import { PairSupervisor, type PairSupervisorOptions } from './supervisor';
import { restoreTerminal, runView } from './view';

export const PAIR_USAGE = `Usage: edge-ha pair [options]

Runs a simulated edge-ha pair on this machine: two daemons on loopback
(node-a on 127.0.0.1, node-b on 127.0.0.2, configs from examples/pair/),
a simulated power switch that really kills (off) and restarts (on) the
fenced node, and a demo resource (examples/pair/demo-service.sh).
Each node also gets simulated hardware (the hardware: section of the
example configs): a Megatec UPS on a TCP port, a RAID1 in an mdstat file,
and a /dev/watchdog FIFO that resets (power-cycles) the node when its
daemon stops petting it.

On a terminal it shows a live view of both nodes. Keys:
  c  crash the active node        f  freeze the active node for 5 s
  x  cut the crossover path       a  cut all heartbeat paths
  h  heal all paths               s  switch over to the other node
  u  active node's UPS on battery l  active node's UPS battery low
  m  mains back on every UPS      d  fail a disk of the active node
  r  rebuild every failed disk    w  hang the active daemon for good
                                     (its watchdog or the peer resets it)
  q  quit (Ctrl-C too)

Otherwise it reads commands from stdin, one per line:
  crash a|b|active     freeze a|b|active [seconds]     hang a|b|active
  cut crossover|lan|all     heal     switchover     status
  ups a|b|active|all battery|low|line
  disk a|b|active|all fail|rebuild|repair
  sleep <seconds>     quit (EOF too)
and prints one line per transition, fence, power change, hardware change
and command reply.

Options:
  --json           script mode: print JSON objects, one per line, each with
                   t (ms since start), node, role, epoch, reason and type
  --port-base N    move the pair's ports to N (crossover), N+1 (lan),
                   N+2 (power switch), N+3 (broker), N+4 and N+5 (the UPS
                   of each node) and N+6 (the --fence simulator);
                   default: the ports of examples/pair
  --fence KIND     what the nodes fence each other through: sim-power (the
                   simulated switch, default), rps10 (a WTI RPS-10), lcus (a
                   relay board; the switch reads the power back), apc-pdu
                   (an APC PDU console), ipmi (one ipmi_sim BMC per node);
                   the simulators' outlets power the nodes: 1 node-a, 2 node-b
  --run-dir DIR    configs, state and control sockets of both nodes go here
                   (default: <repo>/.run/pair)
  --broker URL     publish telemetry to this MQTT broker (mqtt://HOST:PORT);
                   default: an embedded broker on 127.0.0.1:18830 (N+3 with
                   --port-base). Watch it with
                   mosquitto_sub -h 127.0.0.1 -p 18830 -t 'edge-ha/#' -v
  -h, --help       show this help and exit
`;

export interface PairArgs {
  json: boolean;
  fence?: PairFenceKind;
  help: boolean;
  portBase?: number;
  runDir?: string;
  broker?: string;
}

export type ParsedPairArgs = { ok: true; args: PairArgs } | { ok: false; error: string };

export function parsePairArgs(argv: readonly string[]): ParsedPairArgs {
  const args: PairArgs = { json: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i] as string;
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const flag = eq === -1 ? raw : raw.slice(0, eq);
    const takeValue = (): string | null => (eq !== -1 ? raw.slice(eq + 1) : (argv[++i] ?? null));
    if (flag === '--json' && eq === -1) args.json = true;
    else if ((flag === '--help' || flag === '-h') && eq === -1) args.help = true;
    else if (flag === '--port-base') {
      const value = takeValue();
      if (value === null || !/^[0-9]{1,5}$/.test(value)) {
        return { ok: false, error: `--port-base: expected a port number, got ${JSON.stringify(value ?? '')}` };
      }
      args.portBase = Number(value);
    } else if (flag === '--broker') {
      const value = takeValue();
      if (value === null || !/^(mqtts?|tcp|ssl):\/\/[^/\s]+$/.test(value)) return { ok: false, error: `--broker: expected mqtt://HOST:PORT, got ${JSON.stringify(value ?? '')}` };
      args.broker = value;
    } else if (flag === '--fence') {
      const value = takeValue();
      if (value === null || !isPairFenceKind(value)) return { ok: false, error: `--fence: expected one of ${PAIR_FENCE_KINDS.join(', ')}, got ${JSON.stringify(value ?? '')}` };
      args.fence = value;
    } else if (flag === '--run-dir') {
      const value = takeValue();
      if (value === null || value === '') return { ok: false, error: '--run-dir: expected a directory' };
      args.runDir = value;
    } else {
      return { ok: false, error: `unknown option ${JSON.stringify(raw)}` };
    }
  }
  return { ok: true, args };
}

export interface PairIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  /** Real runs: SIGINT/SIGTERM/SIGHUP stop the pair, and a crash restores the terminal. */
  handleSignals: boolean;
  /** Tests: a stand-in daemon. */
  daemonArgv?: PairSupervisorOptions['daemonArgv'];
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export function runPair(argv: string[]): Promise<number> {
  return runPairWith(argv, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, handleSignals: true });
}

export async function runPairWith(argv: readonly string[], io: PairIo): Promise<number> {
  const say = (text: string): void => void io.stderr.write(`edge-ha pair: ${text}\n`);
  const parsed = parsePairArgs(argv);
  if (!parsed.ok) {
    say(`${parsed.error}\nRun \`edge-ha pair --help\` for the options.`);
    return 2;
  }
  const args = parsed.args;
  if (args.help) {
    io.stdout.write(PAIR_USAGE);
    return 0;
  }
  const repoRoot = findRepoRoot();
  if (repoRoot === null) return (say(`cannot find the edge-ha checkout above ${__dirname}`), 1);
  if (io.daemonArgv === undefined && !existsSync(join(repoRoot, 'dist', 'src', 'cli', 'main.js'))) {
    return (say('edge-ha is not built yet; run `npm run build` first (`npm start` does it for you)'), 1);
  }
  if (args.fence === 'ipmi') {
    const missing = ipmiMissing();
    if (missing !== null) return (say(`--fence ipmi: ${missing}`), 1);
  }
  const prepared = await prepareRunDir({
    ...(args.fence !== undefined ? { fence: args.fence } : {}),
    exampleDir: join(repoRoot, 'examples', 'pair'),
    runDir: args.runDir ?? join(repoRoot, '.run', 'pair'),
    portBase: args.portBase,
    ...(args.broker !== undefined ? { brokerUrl: args.broker } : {}),
  });
  if (!prepared.ok) return (say(prepared.error), 1);
  const sup = new PairSupervisor({ layout: prepared.layout, repoRoot, daemonArgv: io.daemonArgv });
  const mqtt = await startTelemetrySide(prepared.layout, args, sup, say);
  if (!mqtt.ok) return (say(mqtt.error), 1);
  try {
    return await runStarted(sup, args, io, prepared.layout.runDir, say);
  } finally {
    await mqtt.stop();
  }
}

/** The embedded broker (unless --broker) and the watch that reports each node's birth and death at it. */
async function startTelemetrySide(layout: RunDirLayout, args: PairArgs, sup: PairSupervisor, say: (t: string) => void): Promise<{ ok: true; stop: () => Promise<void> } | { ok: false; error: string }> {
  const url = layout.brokerUrl;
  if (url === null) return { ok: true, stop: async () => undefined };
  let broker: EmbeddedBroker | null = null;
  if (args.broker === undefined) {
    const u = new URL(url);
    try {
      broker = await startEmbeddedBroker(u.hostname, Number(u.port));
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
  }
  const u = new URL(url);
  const cluster = layout.nodes[0].config.cluster.id;
  say(`telemetry: ${broker ? 'embedded MQTT broker' : 'broker'} at ${url}; watch it with`);
  say(`  mosquitto_sub -h ${u.hostname} -p ${u.port || 1883} -t 'edge-ha/${cluster}/#' -v     (JSON events)`);
  say(`  mosquitto_sub -h ${u.hostname} -p ${u.port || 1883} -t 'spBv1.0/${cluster}/#' -v    (Sparkplug B, protobuf)`);
  const watch = watchBroker(url, cluster, (s) => sup.report({ type: 'broker', tMs: sup.now(), node: s.node, kind: s.kind, detail: s.detail }));
  return {
    ok: true,
    stop: async () => {
      await watch.close();
      await broker?.close();
    },
  };
}

async function runStarted(sup: PairSupervisor, args: PairArgs, io: PairIo, runDir: string, say: (t: string) => void): Promise<number> {
  let stopNow: () => void = () => undefined;
  const stopSignal = new Promise<void>((resolve) => (stopNow = resolve));
  const tty = io.stdin.isTTY === true && io.stdout.isTTY === true && !args.json;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!tty) say(`${signal}: stopping both nodes`);
    stopNow();
  };
  const onFatal = (err: unknown): void => {
    if (tty) restoreTerminal(io.stdin as ReadStream, io.stdout as WriteStream);
    say(`internal error, stopping everything: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    void sup.stop().finally(() => process.exit(1));
  };
  if (io.handleSignals) {
    for (const s of SIGNALS) process.on(s, onSignal);
    process.on('uncaughtException', onFatal);
    process.on('unhandledRejection', onFatal);
  }
  // A reader that went away (`| head`) ends the run rather than the process.
  const onOutputError = (): void => stopNow();
  io.stdout.on('error', onOutputError);
  let unprint: () => void = () => undefined;
  try {
    try {
      await sup.start();
    } catch (e) {
      say((e as Error).message);
      return 1;
    }
    if (tty) {
      // tty is true only when both are terminals.
      await runView(sup, { input: io.stdin as ReadStream, output: io.stdout as WriteStream, stopSignal });
    } else {
      say(`${sup.nodeIds.join(' and ')} are starting (run dir ${runDir}); ${sup.hardware.fenceDescription}.`);
      say(`commands on stdin, one per line: ${COMMAND_SUMMARY}. EOF or quit stops everything.`);
      const writeLine = (line: string): void => void io.stdout.write(`${line}\n`);
      unprint = printEvents(sup, { json: args.json, writeLine });
      await runScript(sup, { input: io.stdin, writeLine, json: args.json, stopSignal });
    }
    return 0;
  } finally {
    await sup.stop();
    unprint();
    if (tty) printSummary(sup, io);
    if (io.handleSignals) {
      for (const s of SIGNALS) process.removeListener(s, onSignal);
      process.removeListener('uncaughtException', onFatal);
      process.removeListener('unhandledRejection', onFatal);
    }
    io.stdout.removeListener('error', onOutputError);
    // Script mode reads stdin; stop holding it so the process can exit.
    if (!tty && 'pause' in io.stdin) io.stdin.pause();
  }
}

function printSummary(sup: PairSupervisor, io: PairIo): void {
  const all = sup.snapshot().flatMap((node) => node.transitions.map((t) => ({ ...t, node: node.id })));
  const lines = ['edge-ha pair stopped; no process of it is left running. Last transitions:'];
  for (const t of all.sort((x, y) => x.tMs - y.tMs)) {
    lines.push(`  t=${Math.round(t.tMs)}ms ${t.node} ${t.from} -> ${t.to} (epoch ${t.epoch}): ${printable(t.reason)}`);
  }
  io.stdout.write(`${lines.join('\n')}\n`);
}
