// The edge-ha command line. Exit codes: 0 ok, 1 refused or failed, 2 usage or
// configuration error, 3 no daemon reachable.

import fs from 'node:fs';
import crypto from 'node:crypto';
import { Command, CommanderError, Option } from 'commander';
import { configCheck } from '../config/check';
import { loadConfig } from '../config/load';
import type { CommandReply, DaemonStatus } from '../daemon/contract';
import { generateKeyFileText } from '../protocol/keyring';
import { controlRequest, ControlError } from '../shell/control';
import { formatStatus } from './formatStatus';
import { runDaemon } from './run';
import { registerFenceCommands } from './fenceCommands';
import { registerHardwareCommands } from './hardware';
import { registerWitnessCommand } from '../arbiter';
import { runSimulate } from './simulate';

const DEFAULT_CONFIG = process.env.EDGE_HA_CONFIG ?? '/etc/edge-ha/edge-ha.yaml';

/** The control socket from --socket, or from the config file. */
function socketFrom(opts: { socket?: string; config: string }): string {
  if (opts.socket) return opts.socket;
  const loaded = loadConfig(opts.config);
  if (!loaded.ok) throw new UsageError(`${opts.config}: ${loaded.errors[0]} (or pass --socket PATH)`);
  return loaded.config.controlSocket;
}

class UsageError extends Error {}

async function control<T>(opts: { socket?: string; config: string }, cmd: string, args: Record<string, unknown> = {}): Promise<T> {
  return (await controlRequest(socketFrom(opts), cmd, args, { timeoutMs: 10_000 })) as T;
}

function clientOptions(c: Command): Command {
  return c
    .option('-c, --config <file>', 'node configuration (to find the control socket)', DEFAULT_CONFIG)
    .option('-s, --socket <path>', 'control socket path (overrides the config)');
}

let pipeGuarded = false;

/** `edge-ha status | head` closes our stdout early: that is not an error. */
function quietOnClosedPipe(): void {
  if (pipeGuarded) return;
  pipeGuarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0);
      throw err;
    });
  }
}

export async function main(argv: string[]): Promise<number> {
  quietOnClosedPipe();
  let code = 0;
  const program = new Command('edge-ha')
    .description('High availability for a pair of bare-metal edge appliances: authenticated heartbeats, fencing, failover.')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) })
    .showHelpAfterError('(run `edge-ha --help` for usage)');

  program
    .command('run')
    .description('run the daemon for one node')
    .requiredOption('-c, --config <file>', 'node configuration (YAML)')
    .addOption(new Option('--log-format <format>', 'log format').choices(['auto', 'json', 'pretty']))
    .addOption(new Option('--log-level <level>', 'log level').choices(['debug', 'info', 'warn', 'error']))
    .action(async (o) => {
      code = await runDaemon({ config: o.config, logFormat: o.logFormat, logLevel: o.logLevel });
      // The daemon has stopped: do not wait for stray handles (a resource's pipes).
      process.exit(code);
    });

  clientOptions(program.command('status').description("show the running daemon's state").option('--json', 'print JSON')).action(async (o) => {
    const s = await control<DaemonStatus>(o, 'status');
    process.stdout.write(o.json ? `${JSON.stringify(s, null, 2)}\n` : `${formatStatus(s)}\n`);
  });

  const operator: [string, string][] = [
    ['standby', 'put this node in standby mode: it hands the service over and will not own it'],
    ['online', 'leave standby or maintenance mode'],
    ['maintenance', 'maintenance mode: nothing is started, stopped or fenced (the peer will not fence this node)'],
    ['switchover', 'move the service to the other node (planned, no fencing)'],
    ['force-start', 'start without having seen the peer at boot: fences the peer first'],
  ];
  for (const [name, desc] of operator) {
    clientOptions(program.command(name).description(desc)).action(async (o) => {
      const r = await control<CommandReply>(o, name);
      (r.ok ? process.stdout : process.stderr).write(`${r.message}\n`);
      code = r.ok ? 0 : 1;
    });
  }

  const config = program.command('config').description('configuration tools');
  config
    .command('check <file>')
    .description('validate a configuration and print it with every default filled in')
    .option('--json', 'print JSON')
    .action((file: string, o: { json?: boolean }) => {
      code = configCheck(file, (s) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`), {
        json: o.json,
        err: (s) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`),
      });
    });

  program
    .command('simulate')
    .description('run seeded fault scenarios of a simulated pair and check safety and liveness invariants')
    .option('--seeds <n>', 'number of scenarios (default 1000; with --seed alone: replay that one seed)')
    .option('--seed <s>', 'first seed (alone: replay exactly this seed)')
    .option('--json', 'print a JSON summary')
    .option('--trace', 'print the full trace of each scenario (use with --seed)')
    .action((o) => {
      code = runSimulate(o);
    });

  program
    .command('pair')
    .description('run a simulated pair on loopback with a live view (what `npm start` does)')
    .allowUnknownOption(true)
    .helpOption(false)
    .argument('[args...]')
    .action(async (args: string[]) => {
      // Loaded lazily: only `pair` needs the supervisor and its view.
      const { runPair } = require('../pair/main') as typeof import('../pair/main');
      code = await runPair(args);
    });

  program
    .command('keygen')
    .description('write a new shared heartbeat key file (mode 0600); copy it to both nodes')
    .requiredOption('-o, --out <file>', 'where to write it (refuses to overwrite)')
    .action((o: { out: string }) => {
      const fd = fs.openSync(o.out, 'wx', 0o600);
      fs.writeSync(fd, generateKeyFileText(crypto.randomBytes(32)));
      fs.closeSync(fd);
      process.stdout.write(`wrote ${o.out} (mode 0600); copy it to both nodes and point heartbeat.keyFile at it\n`);
    });

  registerFenceCommands(program, (c) => (code = c));
  registerHardwareCommands(program);
  registerWitnessCommand(program);

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof ControlError) {
      process.stderr.write(`edge-ha: ${err.message}\n`);
      return err.kind === 'no-daemon' || err.kind === 'permission' ? 3 : 1;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`edge-ha: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`edge-ha: ${(err as Error).message}\n`);
    return 1;
  }
  return code;
}
