// The fence commands of the edge-ha CLI:
//   edge-ha fence history [--json] [--limit N] [-c FILE | -s SOCKET | --state-dir DIR]
//   edge-ha fence <node> [--off | --reboot | --status] [--yes] [--json] [-c FILE | -s SOCKET]
//   edge-ha fence confirm <node> [--yes] [--json] [-c FILE | -s SOCKET]
//   edge-ha fence-device <agent> --action on|off|reboot|status|monitor [agent options] [--json]
//   (the agents and their options: src/shell/fence/manualAgents.ts)
// Exit codes follow the fence-agents API where a device answers (0 success or
// on, 1 failure, 2 off); a configuration the command cannot use is 2 for
// `fence` and `fence history`, like the rest of the CLI; `fence confirm`
// without the operator's confirmation is 64.

import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config/load';
import { controlRequest } from '../shell/control';
import { FENCE_HISTORY_NAME, formatFenceHistory, joinFenceHistory } from '../shell/fence/history';
import { IPMI_DEFAULT_PORT } from '../config/powerDevices';
import { agentsHelp, AGENT_ALIASES, MANUAL_ACTIONS, MANUAL_AGENTS, type ManualOptions } from '../shell/fence/manualAgents';
import { runFenceDevice, type ManualIo } from '../shell/fence/manualCli';
import { fenceConfirm, stdinTerminal } from '../shell/fence/manualConfirm';
import { readJsonLines } from '../shell/state/jsonl';

const DEFAULT_CONFIG = process.env.EDGE_HA_CONFIG ?? '/etc/edge-ha/edge-ha.yaml';
/** Like stonith_admin's default: a fence through every level may take a while. */
const FENCE_REQUEST_TIMEOUT_MS = 120_000;
/** Each fence is two records. */
const DEFAULT_HISTORY_LIMIT = 50;

export type SetExitCode = (code: number) => void;

/** What the command could not use, with its exit code; printed as `edge-ha: <message>`. */
class FenceCliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

const stdio: ManualIo = {
  out: (s) => void process.stdout.write(s.endsWith('\n') ? s : `${s}\n`),
  err: (s) => void process.stderr.write(s.endsWith('\n') ? s : `${s}\n`),
};

/**
 * Adds `fence` (with `fence history`) and `fence-device` to the program.
 * `setExitCode` receives each command's exit code (main's `code`); without it
 * process.exitCode is set.
 */
export function registerFenceCommands(program: Command, setExitCode?: SetExitCode): void {
  const exit = setExitCode ?? ((c: number) => void (process.exitCode = c));
  // `fence` and `fence history` both take -c/-s/--json: for the subcommand to get its own, every
  // command on the way must stop reading options at a subcommand's name (the program has none of its own).
  program.enablePositionalOptions();
  const guarded = <A extends unknown[]>(fn: (...a: A) => Promise<number>) =>
    async (...a: A): Promise<void> => {
      try {
        exit(await fn(...a));
      } catch (err) {
        if (!(err instanceof FenceCliError)) throw err;
        stdio.err(`edge-ha: ${err.message}`);
        exit(err.exitCode);
      }
    };

  const fence = program
    .command('fence')
    .description("fence the peer by hand through the running daemon's fence devices (asks for confirmation)")
    .argument('<node>', 'the node to fence: the peer of the node whose daemon you reach')
    .option('--off', 'power it off and confirm it is off (default)')
    .option('--reboot', 'power it off, confirm, then power it on again')
    .option('--status', "read the node's power state from every fence device (changes nothing)")
    .option('--yes', 'do not ask for confirmation')
    .option('--json', 'print JSON')
    // `fence history --json`: options after the subcommand's name are the subcommand's, not these.
    .enablePositionalOptions();
  clientOptions(fence).action(guarded((node: string, o: FenceOptions) => fenceNode(node, o)));

  clientOptions(
    fence
      .command('history')
      .description('show the fence history (works with no daemon running: reads the state directory)')
      .option('--json', 'print JSON')
      .option('--limit <n>', `at most this many fences, newest last (default ${DEFAULT_HISTORY_LIMIT})`)
      .option('--state-dir <dir>', 'read this state directory instead of the one in the config'),
  ).action(guarded((o: HistoryOptions) => fenceHistory(o)));

  clientOptions(
    fence
      .command('confirm')
      .description("tell the running daemon that <node> is really powered off, checked by hand (like Heartbeat's meatware): it then takes over as if the node had been fenced")
      .argument('<node>', 'the node you have checked is powered off (the peer of the node whose daemon you reach)')
      .option('--yes', 'confirm without typing the node name (for scripts; the warning is still printed)')
      .option('--json', "print the daemon's reply as JSON"),
  ).action(
    guarded(async (node: string, o: ClientOptions & { yes?: boolean; json?: boolean }) => {
      const socket = o.socket ?? configOrFail(o.config, '--socket PATH').controlSocket;
      return fenceConfirm(node, { socket, yes: o.yes, json: o.json }, stdio, stdinTerminal());
    }),
  );

  registerFenceDevice(program, guarded);
}

type Guard = <A extends unknown[]>(fn: (...a: A) => Promise<number>) => (...a: A) => Promise<void>;

/** `fence-device`: every agent's options on one command; the agents table says which go together. */
function registerFenceDevice(program: Command, guarded: Guard): void {
  const aliases = Object.keys(AGENT_ALIASES).join(', ');
  program
    .command('fence-device')
    .description('drive ONE fence device by hand, no daemon needed (exit 0 ok/on, 1 failed, 2 off); agents and their options below')
    .argument('<agent>', `${MANUAL_AGENTS.join(' | ')} (also ${aliases})`)
    .option('--action <action>', `one of: ${MANUAL_ACTIONS.join(', ')}`)
    .option('--timeout <ms>', 'per call; gpio-relay, rcd-serial: how long the sense may take to read the wanted state')
    .option('--json', 'print JSON')
    // Serial devices over ser2net.
    .option('--address <host:port>', "rps10, apc-pdu, ups, lcus-relay: the ser2net TCP port of the serial line; sim-power: the switch")
    .option('--outlet <n>', 'rps10: outlet 0..9; apc-pdu: outlet 1..64; lcus-relay: relay channel 1..8')
    .option('--login <name>', 'apc-pdu (or the apc-pdu sense of lcus-relay): console login')
    .option('--console <kind>', 'apc-pdu (or the apc-pdu sense of lcus-relay): aos (command line, default) or menu')
    .option('--protocol <name>', 'ups: apcsmart (APC Smart-UPS) or megatec (Megatec/Q1)')
    .option('--restore-minutes <m>', 'ups --protocol megatec: turn the output back on after this many minutes (default 0: stay off)')
    .option('--sense-agent <agent>', 'lcus-relay: the device that reads the power back (rps10, apc-pdu, apc-ups, megatec-ups)')
    .option('--sense-address <host:port>', "lcus-relay: the sense device's ser2net TCP port")
    .option('--sense-outlet <n>', "lcus-relay: the sense device's outlet")
    // GPIO relay and RC-delay reset cable.
    .option('--chip <name>', 'gpio-relay: the GPIO chip of the relay output (gpiochip0, or its label)')
    .option('--line <n>', 'gpio-relay: the relay output, as the line offset in the chip')
    .option('--active-low', 'gpio-relay: the relay is energised by a low level')
    .option('--mode <mode>', 'gpio-relay: hold (off energises it until released, default) or pulse')
    .option('--pulse-ms <ms>', 'gpio-relay --mode pulse: pulse length (default 1000); rcd-serial: default 1500')
    .option('--hold-ms <ms>', 'gpio-relay --mode hold: keep a confirmed off this long, then release (default: until Ctrl-C)')
    .option('--sense-chip <name>', 'gpio-relay, rcd-serial: the chip of the power-good input (gpio-relay default: --chip)')
    .option('--sense-line <n>', 'gpio-relay, rcd-serial: the power-good input, as the line offset')
    .option('--sense-active-low', 'gpio-relay, rcd-serial: the power-good input reads low while the peer has power')
    .option('--gpio-backend <name>', 'gpio-relay, rcd-serial: gpiod (default), onoff (sysfs) or sim')
    .option('--sim-file <file>', 'with --gpio-backend sim: the JSON inputs file that plays the peer, e.g. {"power-good": 1}')
    .option('--sim-outputs <file>', 'with --gpio-backend sim: where the relay\'s level is written, e.g. {"relay": 1}')
    .option('--signal <line>', 'rcd-serial: the modem line wired to the reset: dtr (default) or rts')
    // --port is the BMC's UDP port for ipmi, the serial port for rcd-serial.
    .option('--port <n|path>', `ipmi: the BMC's UDP port (default ${IPMI_DEFAULT_PORT}); rcd-serial: /dev/ttyS1 or serial:/dev/ttyS1`)
    .option('--host <host>', "ipmi: the BMC's address")
    .option('--user <name>', 'ipmi: the BMC user (default: the null user)')
    .option('--lanplus', 'ipmi: IPMI v2.0 RMCP+ instead of v1.5')
    .option('--auth-type <type>', 'ipmi: v1.5 authentication md5 (default), password or none')
    .option('--privilege <level>', 'ipmi: callback, user, operator or administrator (default)')
    .option('--agent <name|path>', 'fence-agent: the ClusterLabs agent, e.g. fence_ipmilan (looked up in PATH)')
    .option('--arg <key=value>', 'fence-agent: an option for the agent (repeat it)', (v: string, all: string[] | undefined) => [...(all ?? []), v])
    .option('--plug <name>', 'fence-agent: sent as plug=; sim-power: the plug (required)')
    .option('--password-file <file>', 'apc-pdu (also as lcus-relay sense), ipmi, fence-agent: file (mode 0600 or stricter) whose first line is the password')
    .addHelpText('after', agentsHelp())
    .action(guarded((agent: string, o: ManualOptions) => runFenceDevice(agent, o, stdio)));
}

function clientOptions(c: Command): Command {
  return c
    .option('-c, --config <file>', 'node configuration (to find the control socket and state directory)', DEFAULT_CONFIG)
    .option('-s, --socket <path>', 'control socket path (overrides the config)');
}

interface ClientOptions {
  config: string;
  socket?: string;
}

function configOrFail(file: string, instead: string) {
  const loaded = loadConfig(file);
  if (!loaded.ok) throw new FenceCliError(`${file}: ${loaded.errors[0]} (or pass ${instead})`, 2);
  return loaded.config;
}

// ------------------------------------------------------------------ fence history

interface HistoryOptions extends ClientOptions {
  json?: boolean;
  limit?: string;
  stateDir?: string;
}

async function fenceHistory(o: HistoryOptions): Promise<number> {
  const limit = o.limit === undefined ? DEFAULT_HISTORY_LIMIT : Number(o.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new FenceCliError(`--limit: expected 1..10000, got ${o.limit}`, 2);
  let records: unknown[];
  if (o.stateDir === undefined && o.socket !== undefined) {
    const reply = await controlRequest(o.socket, 'fence-history', { limit: limit * 2 + 1 }, { timeoutMs: 10_000 });
    records = Array.isArray(reply) ? reply : [];
  } else {
    const dir = o.stateDir ?? configOrFail(o.config, '--state-dir DIR or --socket PATH').stateDir;
    records = await readHistoryFiles(dir, limit * 2 + 1);
  }
  const entries = joinFenceHistory(records).slice(-limit);
  stdio.out(o.json ? JSON.stringify(entries, null, 2) : formatFenceHistory(entries));
  return 0;
}

async function readHistoryFiles(dir: string, limit: number): Promise<unknown[]> {
  const file = path.join(dir, `${FENCE_HISTORY_NAME}.jsonl`);
  // A mistyped directory must not read as "no fences ever happened".
  if (!fs.existsSync(dir)) throw new FenceCliError(`state directory ${dir} does not exist`, 1);
  try {
    return await readJsonLines(file, path.join(dir, `${FENCE_HISTORY_NAME}.1.jsonl`), limit);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const hint = code === 'EACCES' ? " (run as the daemon's user or root, or ask the daemon with --socket)" : '';
    throw new FenceCliError(`cannot read the fence history in ${dir}: ${(err as Error).message}${hint}`, 1);
  }
}

// ------------------------------------------------------------------ fence <node>

interface FenceOptions extends ClientOptions {
  off?: boolean;
  reboot?: boolean;
  status?: boolean;
  yes?: boolean;
  json?: boolean;
}

interface FenceReply {
  target: string;
  action: string;
  confirmedOff?: boolean;
  state?: string;
  reason?: string;
  durationMs?: number;
  device?: string | null;
  devices?: { device: string; state: string; reason: string }[];
}

async function fenceNode(node: string, o: FenceOptions): Promise<number> {
  const chosen = (['off', 'reboot', 'status'] as const).filter((a) => o[a] === true);
  if (chosen.length > 1) throw new FenceCliError(`choose one of --off, --reboot, --status (got ${chosen.map((c) => `--${c}`).join(' ')})`, 2);
  const action = chosen[0] ?? 'off';
  const socket = o.socket ?? configOrFail(o.config, '--socket PATH').controlSocket;
  if (action !== 'status' && o.yes !== true && !(await confirmOnTerminal(node, action))) {
    throw new FenceCliError(`not fencing ${node}: not confirmed (type the node name at the prompt, or pass --yes)`, 1);
  }
  const reply = (await controlRequest(socket, 'fence', { target: node, action, confirmed: action === 'status' ? false : true }, { timeoutMs: FENCE_REQUEST_TIMEOUT_MS })) as FenceReply;
  if (o.json) stdio.out(JSON.stringify(reply, null, 2));
  if (action === 'status') {
    if (!o.json) {
      stdio.out(`${node} is ${reply.state}`);
      for (const d of reply.devices ?? []) stdio.out(`  ${d.device}: ${d.state} (${d.reason})`);
    }
    return reply.state === 'on' ? 0 : reply.state === 'off' ? 2 : 1;
  }
  if (reply.confirmedOff === true) {
    if (!o.json) stdio.out(`fenced ${node} (${action}) in ${reply.durationMs} ms: ${reply.reason}`);
    return 0;
  }
  // The reason already says what failed ("fencing node-b failed: ...", "... timed out ...").
  if (!o.json) stdio.err(`edge-ha: ${reply.reason}`);
  return 1;
}

/** On a terminal, the operator types the node's name; anywhere else, only --yes confirms. */
async function confirmOnTerminal(node: string, action: 'off' | 'reboot'): Promise<boolean> {
  const terminal = stdinTerminal();
  if (!terminal.interactive) return false;
  process.stderr.write(`WARNING: this cuts the power of ${node} (${action}); whatever it runs stops at once.\n`);
  return (await terminal.ask(`Type the node name (${node}) to confirm: `)).trim() === node;
}
