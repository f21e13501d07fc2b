// The fence commands of the edge-ha CLI:
//   edge-ha fence history [--json] [--limit N] [-c FILE | -s SOCKET | --state-dir DIR]
//   edge-ha fence <node> [--off | --reboot | --status] [--yes] [--json] [-c FILE | -s SOCKET]
//   edge-ha fence-device <agent> --action on|off|reboot|status|monitor [agent options] [--json]
//   (agent ipmi: --host --port --user --password-file [--lanplus] [--auth-type] [--privilege])
// Exit codes follow the fence-agents API where a device answers (0 success or
// on, 1 failure, 2 off); a configuration the command cannot use is 2 for
// `fence` and `fence history`, like the rest of the CLI.

import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { loadConfig } from '../config/load';
import { controlRequest } from '../shell/control';
import { FENCE_HISTORY_NAME, formatFenceHistory, joinFenceHistory } from '../shell/fence/history';
import { buildManualDevice, MANUAL_ACTIONS, MANUAL_AGENTS, runManualAction, type Built, type ManualAction } from '../shell/fence/manualDevice';
import { IPMI_DEFAULT_PORT } from '../config/powerDevices';
import { createFenceDevice } from '../shell/fence/createDevice';
import { redact } from '../shell/fence/secretFile';
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

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}
const stdio: Io = {
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

  program
    .command('fence-device')
    .description('drive ONE fence device by hand, no daemon needed (exit 0 ok/on, 1 failed, 2 off)')
    .argument('<agent>', [...MANUAL_AGENTS, 'ipmi'].join(' | '))
    .option('--action <action>', `one of: ${MANUAL_ACTIONS.join(', ')}`)
    .option('--address <host:port>', 'sim-power: where the switch listens; rps10, apc-*, megatec-ups, lcus: the ser2net TCP port of the serial line')
    .option('--outlet <n>', 'rps10: outlet 0..9; apc-pdu: outlet 1..64; lcus: relay channel 1..8')
    .option('--login <name>', 'apc-pdu: console login')
    .option('--console <kind>', 'apc-pdu: aos (command line, default) or menu')
    .option('--restore-minutes <m>', 'megatec-ups: turn the output back on after this many minutes (default 0: stay off)')
    .option('--sense-agent <agent>', 'lcus: the device that reads the power back (rps10, apc-pdu, apc-ups, megatec-ups)')
    .option('--sense-address <host:port>', 'lcus: the sense device\'s ser2net TCP port')
    .option('--sense-outlet <n>', 'lcus: the sense device\'s outlet')
    .option('--plug <name>', 'the outlet or port of the target (sim-power: required; fence-agent: sent as plug=)')
    .option('--agent <name|path>', 'fence-agent: the ClusterLabs agent, e.g. fence_ipmilan (looked up in PATH)')
    .option('--arg <key=value>', 'fence-agent: an option for the agent (repeat it)', (v: string, all: string[]) => [...all, v], [])
    .option('--password-file <file>', 'fence-agent, apc-pdu, ipmi: file (mode 0600 or stricter) whose first line is the password')
    .option('--host <host>', 'ipmi: the BMC\'s address')
    .option('--port <n>', `ipmi: the BMC's UDP port (default ${IPMI_DEFAULT_PORT})`)
    .option('--user <name>', 'ipmi: the BMC user (default: the null user)')
    .option('--lanplus', 'ipmi: IPMI v2.0 RMCP+ instead of v1.5')
    .option('--auth-type <type>', 'ipmi: v1.5 authentication md5 (default), password or none')
    .option('--privilege <level>', 'ipmi: callback, user, operator or administrator (default)')
    .option('--timeout <ms>', 'per call (default: sim-power 5000, fence-agent 20000, UPS: time allowed for the output to switch)')
    .option('--json', 'print JSON')
    .action(guarded((agent: string, o: DeviceOptions) => fenceDevice(agent, o, stdio)));
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
  if (!process.stdin.isTTY || !process.stderr.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    process.stderr.write(`WARNING: this cuts the power of ${node} (${action}); whatever it runs stops at once.\n`);
    const answer = await rl.question(`Type the node name (${node}) to confirm: `);
    return answer.trim() === node;
  } finally {
    rl.close();
  }
}

// ------------------------------------------------------------------ fence-device

interface DeviceOptions {
  action?: string;
  address?: string;
  plug?: string;
  agent?: string;
  arg: string[];
  passwordFile?: string;
  outlet?: string;
  login?: string;
  console?: string;
  restoreMinutes?: string;
  senseAgent?: string;
  senseAddress?: string;
  senseOutlet?: string;
  timeout?: string;
  json?: boolean;
  host?: string;
  port?: string;
  user?: string;
  lanplus?: boolean;
  authType?: string;
  privilege?: string;
}

const IPMI_ONLY = ['host', 'port', 'user', 'lanplus', 'authType', 'privilege'] as const;
const AUTH_TYPES = ['md5', 'password', 'none'] as const;
const PRIVILEGES = ['callback', 'user', 'operator', 'administrator'] as const;

/** `fence-device ipmi`: the native agent, built through the same path as a configured `ipmi` device. */
function buildIpmi(o: DeviceOptions, timeoutMs: number | undefined): Built {
  const unused = (['address', 'outlet', 'login', 'plug', 'agent'] as const).filter((k) => o[k] !== undefined);
  if (unused.length > 0 || o.arg.length > 0) return { ok: false, reason: 'ipmi takes --host, --port, --user, --password-file, --lanplus, --auth-type, --privilege' };
  if (o.host === undefined || o.passwordFile === undefined) return { ok: false, reason: 'ipmi needs --host HOST and --password-file FILE' };
  const port = o.port === undefined ? IPMI_DEFAULT_PORT : Number(o.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return { ok: false, reason: `--port: expected 1..65535, got ${o.port}` };
  const authType = o.authType ?? 'md5';
  if (!AUTH_TYPES.includes(authType as never)) return { ok: false, reason: `--auth-type: expected one of ${AUTH_TYPES.join(', ')}, got ${JSON.stringify(authType)}` };
  const privilege = o.privilege ?? 'administrator';
  if (!PRIVILEGES.includes(privilege as never)) return { ok: false, reason: `--privilege: expected one of ${PRIVILEGES.join(', ')}, got ${JSON.stringify(privilege)}` };
  if (timeoutMs !== undefined && (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 600_000)) {
    return { ok: false, reason: `--timeout: expected milliseconds 1..600000, got ${timeoutMs}` };
  }
  const device = createFenceDevice({
    name: 'ipmi',
    type: 'ipmi',
    address: { host: o.host, port },
    user: o.user ?? '',
    passwordFile: path.resolve(o.passwordFile),
    privilege: privilege as (typeof PRIVILEGES)[number],
    authType: authType as (typeof AUTH_TYPES)[number],
    lanplus: o.lanplus === true,
    timeoutMs: timeoutMs ?? 1000,
    retries: 3,
    offConfirmTimeoutMs: 20_000,
  });
  // The device reads the password file itself at each call, and its reasons never carry the password.
  return { ok: true, value: { device, target: 'target', timeoutMs: (timeoutMs ?? 1000) * 4 * 3 + 20_000, secret: null } };
}

export async function fenceDevice(agent: string, o: DeviceOptions, io: Io): Promise<number> {
  if (!MANUAL_ACTIONS.includes(o.action as ManualAction)) {
    io.err(`edge-ha: --action: expected one of ${MANUAL_ACTIONS.join(', ')}, got ${o.action === undefined ? 'nothing' : JSON.stringify(o.action)}`);
    return 1;
  }
  const action = o.action as ManualAction;
  const timeoutMs = o.timeout === undefined ? undefined : Number(o.timeout);
  const { action: _action, arg, timeout: _timeout, json: _json, ...rest } = o;
  const ipmiOnly = IPMI_ONLY.filter((k) => o[k] !== undefined);
  let built: Built;
  if (agent === 'ipmi') built = buildIpmi(o, timeoutMs);
  else if (ipmiOnly.length > 0) built = { ok: false, reason: `${agent} does not take --${ipmiOnly.map((k) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)).join(', --')} (ipmi options)` };
  else built = buildManualDevice(agent, { ...rest, args: arg, timeoutMs });
  if (!built.ok) {
    io.err(`edge-ha: ${built.reason}`);
    return 1;
  }
  const r = await runManualAction(built.value, action);
  const secret = built.value.secret;
  if (o.json) {
    io.out(redact(JSON.stringify({ agent, target: built.value.target, ...r }, null, 2), secret));
  } else if (r.exitCode === 1) {
    io.err(`edge-ha: ${agent} ${action} failed: ${redact(r.reason, secret)}`);
  } else {
    io.out(`${agent} ${action}: ${redact(r.reason, secret)} (${r.durationMs} ms)`);
  }
  // Even with --json the reason of a failure goes to stderr, so a script sees why.
  if (o.json && r.exitCode === 1) io.err(`edge-ha: ${agent} ${action} failed: ${redact(r.reason, secret)}`);
  return r.exitCode;
}
