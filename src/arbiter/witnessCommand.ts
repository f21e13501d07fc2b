// `edge-ha witness`: runs the witness service in the foreground until Ctrl-C
// or SIGTERM, logging one line per grant, refusal, release and rejected
// datagram. A start failure (key file, port in use) ends the command with
// the reason (main() prints it and exits 1); a bad option is a usage error.

import { InvalidArgumentError, type Command } from 'commander';
import { startWitness, WITNESS_DEFAULT_LEASE_MS, WITNESS_DEFAULT_MAX_SKEW_MS, WITNESS_DEFAULT_PORT, type WitnessOptions, type WitnessServer } from './witnessServer';

export interface WitnessCommandDeps {
  /** One log line (no newline). */
  log(line: string): void;
  /** Calls `handler` on SIGINT/SIGTERM; returns the way to stop listening. */
  onInterrupt(handler: () => void): () => void;
  /** Called once the witness listens (tests use it to find the port). */
  onStarted?(server: WitnessServer): void;
}

const HELP = `
The witness grants survival to ONE node of a cluster at a time. A node that lost
its peer on every heartbeat path claims the grant; the first claimant gets it for
--lease-ms and keeps it by claiming again; the other node is refused (and, with
watchdog self-fencing, is reset). A grant nobody renews runs out; a node that sees
its peer again releases it.

Run it on a third machine that both nodes reach over paths other than their
heartbeat links. Give it the same key file as the nodes' arbitrator.keyFile
(format of \`edge-ha keygen\`, mode 0600). Clocks of nodes and witness must agree
within --max-skew-ms (use NTP).

Without --state-file, a restarted witness refuses every claim for one lease, so a
grant made before the restart runs out first; a node running alone then cannot
renew its grant and is reset. With --state-file it keeps honouring the holders.

Examples:
  edge-ha witness --key-file /etc/edge-ha/witness.key --state-file /var/lib/edge-ha/witness.json
  edge-ha witness --bind 10.0.0.9:5409 --key-file witness.key --cluster plant-7`;

function positiveInt(name: string) {
  return (text: string): number => {
    if (!/^[1-9][0-9]{0,9}$/.test(text) || Number(text) > 0xffffffff) throw new InvalidArgumentError(`${name} must be a positive whole number of milliseconds`);
    return Number(text);
  };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function registerWitnessCommand(program: Command, deps: Partial<WitnessCommandDeps> = {}): void {
  const log = deps.log ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const onInterrupt = deps.onInterrupt ?? processInterrupt;
  program
    .command('witness')
    .description('run the witness arbitrator on a third machine: grants survival to one node of a cluster at a time (UDP)')
    .option('--bind <host:port>', 'address to listen on (UDP)', `0.0.0.0:${WITNESS_DEFAULT_PORT}`)
    .requiredOption('--key-file <file>', 'shared key file, same format as the heartbeat key file (mode 0600)')
    .option('--lease-ms <ms>', `how long a grant lasts unless renewed (default ${WITNESS_DEFAULT_LEASE_MS})`, positiveInt('--lease-ms'))
    .option('--state-file <file>', 'record holders here so a restart keeps them (recommended)')
    .option('--cluster <id>', 'serve only this cluster id (repeatable; default: any cluster with the key)', collect, [] as string[])
    .option('--max-skew-ms <ms>', `refuse requests whose timestamp is further off (default ${WITNESS_DEFAULT_MAX_SKEW_MS})`, positiveInt('--max-skew-ms'))
    .addHelpText('after', HELP)
    .action(async (o: { bind: string; keyFile: string; leaseMs?: number; stateFile?: string; cluster: string[]; maxSkewMs?: number }) => {
      const options: WitnessOptions = {
        bind: o.bind,
        keyFile: o.keyFile,
        leaseMs: o.leaseMs,
        stateFile: o.stateFile,
        clusters: o.cluster,
        maxSkewMs: o.maxSkewMs,
        log: (line) => log(`${new Date().toISOString()} ${line}`),
      };
      const server = await startWitness(options);
      deps.onStarted?.(server);
      await new Promise<void>((resolve) => {
        const stop = onInterrupt(() => {
          stop();
          resolve();
        });
      });
      await server.close();
      log(`${new Date().toISOString()} witness: stopped`);
    });
}

function processInterrupt(handler: () => void): () => void {
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
