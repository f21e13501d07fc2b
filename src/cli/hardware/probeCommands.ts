// `edge-ha probe ups|raid`: read one device once, print the normalized
// reading (or one JSON object with --json), exit 0 ok, 1 warning, 2
// critical, 3 unreachable, 64 usage error.

import { Option, type Command } from 'commander';
import type { HardwareCliDeps } from './deps';
import { EXIT_UNREACHABLE, EXIT_USAGE, HardwareCliExit, HardwareUsageError } from './exitCodes';
import { raidTargetFrom, upsTargetFrom, parseTimeoutMs, type RaidProbeOptions, type UpsProbeOptions } from './probeOptions';
import { probeRaid, RAID_PROBE_TIMEOUT_MS } from './raidProbe';
import { formatRaidReport } from './raidFormat';
import { RAID_DRIVERS } from './raidReport';
import { formatUpsReport } from './upsFormat';
import { probeUps, UPS_DRIVERS, UPS_PROBE_TIMEOUT_MS } from './upsProbe';

const EXIT_CODES_HELP = `
Exit codes: 0 healthy, 1 degraded/rebuilding/on battery, 2 failed or critical power,
3 unreachable (the reason is on stderr), 64 usage error.`;

const UPS_HELP = `
Examples:
  edge-ha probe ups --driver megatec --port /dev/ttyUSB0
  edge-ha probe ups --driver apcsmart --port serial:/dev/ttyS0?baud=2400 --json
  edge-ha probe ups --driver megatec --port tcp://10.0.0.5:4001      (ser2net)
  edge-ha probe ups --driver nut --host 127.0.0.1 --ups myups
  edge-ha probe ups --driver nut --host nas --port 3493 --ups ups1 --user monuser --password-file /etc/edge-ha/nut.pw
Serial drivers default to 2400 8N1, both Megatec Q1 and APC Smart.${EXIT_CODES_HELP}`;

const RAID_HELP = `
Examples:
  edge-ha probe raid --driver md
  edge-ha probe raid --driver md --mdstat /tmp/mdstat.saved --json
  edge-ha probe raid --driver areca-cli --file rsf.txt --disk-file disk.txt
      (rsf.txt: saved \`cli64 rsf info\`; disk.txt, optional: saved \`cli64 disk info\`)
  edge-ha probe raid --driver areca --port /dev/ttyS1 --password-file /etc/edge-ha/areca.pw
      (the controller's RS-232 API port, 115200 8N1 by default; password 0000 if no file)
The worst array decides the exit code.${EXIT_CODES_HELP}`;

interface Report {
  exitCode: number;
  health: string;
  reason: string;
}

/** Prints a report and returns its exit code; an unreachable device's reason always goes to stderr too. */
function emit<R extends Report>(deps: HardwareCliDeps, what: string, report: R, json: boolean | undefined, format: (r: R) => string): number {
  if (json) deps.out(JSON.stringify(report, null, 2));
  else if (report.health !== 'unreachable') deps.out(format(report));
  if (report.health === 'unreachable') deps.err(`edge-ha: probe ${what}: ${report.reason}`);
  return report.exitCode;
}

export function registerProbeCommands(program: Command, deps: HardwareCliDeps, run: Runner): void {
  const probe = program
    .command('probe')
    .description('read a UPS or RAID once and print its normalized state (exit 0 ok, 1 warning, 2 critical, 3 unreachable)')
    .addHelpText('after', `${EXIT_CODES_HELP}\nRun \`edge-ha probe ups --help\` or \`edge-ha probe raid --help\` for the options.`);
  usageExits(probe, deps);

  const ups = probe
    .command('ups')
    .description('read a UPS once: Megatec Q1 or APC Smart on a serial port, or a UPS served by NUT upsd')
    .addOption(new Option('--driver <name>', 'protocol').choices([...UPS_DRIVERS]).makeOptionMandatory())
    .option('--port <path|url|tcp-port>', 'megatec, apcsmart: /dev/ttyUSB0, serial:/dev/ttyS0?baud=2400 or tcp://host:port; nut: upsd TCP port (default 3493)')
    .option('--host <host>', 'nut: where upsd listens')
    .option('--ups <name>', 'nut: the UPS name on that upsd')
    .option('--user <name>', 'nut: log in as this upsd user (with --password-file)')
    .option('--password-file <file>', 'nut: file (mode 0600) whose first line is the password')
    .option('--timeout-ms <ms>', `give up and exit 3 after this long (default ${UPS_PROBE_TIMEOUT_MS})`)
    .option('--json', 'print one JSON object')
    .addHelpText('after', UPS_HELP);
  usageExits(ups, deps);
  ups.action(run(async (o: UpsProbeOptions) => {
    const target = upsTargetFrom(o);
    const report = await probeUps(target, parseTimeoutMs(o.timeoutMs) ?? UPS_PROBE_TIMEOUT_MS);
    return emit(deps, 'ups', report, o.json, formatUpsReport);
  }, EXIT_UNREACHABLE));

  const raid = probe
    .command('raid')
    .description('read RAID state once: Linux md, saved Areca cli64 output, or an Areca controller\'s serial API')
    .addOption(new Option('--driver <name>', 'source').choices([...RAID_DRIVERS]).makeOptionMandatory())
    .option('--mdstat <path>', 'md: the mdstat file (default /proc/mdstat)')
    .option('--file <path>', 'areca-cli: saved output of `cli64 rsf info`')
    .option('--disk-file <path>', 'areca-cli: saved output of `cli64 disk info` (adds members and failed disks)')
    .option('--port <path|url>', 'areca: the controller\'s RS-232 port (default 115200 8N1)')
    .option('--password-file <file>', 'areca: file (mode 0600) whose first line is the API password (default 0000)')
    .option('--timeout-ms <ms>', `give up and exit 3 after this long (default md ${RAID_PROBE_TIMEOUT_MS.md}, areca ${RAID_PROBE_TIMEOUT_MS.areca})`)
    .option('--json', 'print one JSON object')
    .addHelpText('after', RAID_HELP);
  usageExits(raid, deps);
  raid.action(run(async (o: RaidProbeOptions) => {
    const target = raidTargetFrom(o);
    const timeoutMs = parseTimeoutMs(o.timeoutMs);
    const report = await probeRaid(target, timeoutMs);
    return emit(deps, 'raid', report, o.json, formatRaidReport);
  }, EXIT_UNREACHABLE));
}

/** Wraps an action: its code, a usage error's 64, or `onCrash` for anything unexpected, always through deps.exit. */
export type Runner = <A extends unknown[]>(fn: (...a: A) => Promise<number>, onCrash: number) => (...a: A) => Promise<void>;

export function runner(deps: HardwareCliDeps): Runner {
  return (fn, onCrash) =>
    async (...a) => {
      let code: number;
      try {
        code = await fn(...a);
      } catch (e) {
        deps.err(`edge-ha: ${e instanceof Error ? e.message : String(e)}`);
        code = e instanceof HardwareUsageError ? EXIT_USAGE : onCrash;
      }
      deps.exit(code);
    };
}

/**
 * Commander's own usage errors (unknown option, missing --driver, bad choice)
 * exit 64 here, not main's 2, which `probe` uses for "critical". Help and
 * --version (exit code 0) go back to commander as usual.
 */
export function usageExits(c: Command, deps: HardwareCliDeps): void {
  c.exitOverride((e) => {
    if (e.exitCode === 0) throw e;
    deps.exit(EXIT_USAGE);
    throw new HardwareCliExit(EXIT_USAGE);
  });
}
