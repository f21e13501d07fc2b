// Loading an edge-ha configuration file: read it (bounded), parse the YAML,
// validate it against the schema, resolve relative paths against the file's
// directory, then check the files it names. Nothing here throws on bad input:
// every problem comes back as one line in `errors`.

import { dirname, resolve } from 'node:path';
import { keyFileErrors, passwordFileWarnings, programWarnings, readConfigFile } from './fileChecks';
import { formatIssues } from './issues';
import { configSchema } from './schema';
import type { Config } from './types';
import { configWarnings } from './warnings';
import { parseYamlText } from './yamlText';

export type LoadResult = { ok: true; config: Config; warnings: string[] } | { ok: false; errors: string[] };

/** A configuration file is a few kilobytes; anything near this is not one. */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/** Linux `sun_path` holds 108 bytes including the terminating NUL. */
export const MAX_UNIX_SOCKET_PATH_BYTES = 107;

/** Reads, validates and checks the configuration file at `path`. */
export function loadConfig(path: string): LoadResult {
  const read = readConfigFile(path, MAX_CONFIG_BYTES);
  if (!read.ok) return read;
  const parsed = parseConfigText(read.text, dirname(resolve(path)), path);
  if (!parsed.ok) return parsed;
  const errors = keyFileErrors(parsed.config.heartbeat.keyFile);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, config: parsed.config, warnings: [...parsed.warnings, ...programWarnings(parsed.config), ...passwordFileWarnings(parsed.config)] };
}

/**
 * Validates configuration text. `baseDir` anchors relative paths (normally the
 * file's directory); `fileName` only labels YAML syntax errors. Touches no file.
 */
export function parseConfigText(text: string, baseDir: string, fileName: string): LoadResult {
  if (text.length > MAX_CONFIG_BYTES) {
    return { ok: false, errors: [`${fileName}: is ${text.length} characters long; expected at most ${MAX_CONFIG_BYTES}`] };
  }
  const yaml = parseYamlText(text, fileName);
  if (!yaml.ok) return yaml;
  if (yaml.data === null || yaml.data === undefined) {
    return { ok: false, errors: [`${fileName}: the file is empty; expected a mapping with the keys of a configuration`] };
  }
  const parsed = configSchema.safeParse(yaml.data);
  if (!parsed.success) return { ok: false, errors: formatIssues(parsed.error.issues, yaml.data) };
  const config = resolvePaths(parsed.data, baseDir);
  const errors = socketPathErrors(config);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, config, warnings: [...yaml.warnings, ...configWarnings(config)] };
}

/**
 * Makes file paths absolute against the configuration file's directory, so
 * the daemon works the same whatever its working directory. Command programs
 * are resolved only when written `./x` or `../x`: a bare name such as
 * `fence_ipmilan` is looked up in PATH when it runs.
 */
export function resolvePaths(config: Config, baseDir: string): Config {
  const file = (p: string) => resolve(baseDir, p);
  const argv = (command: string[]) => {
    const [program, ...args] = command;
    const relative = program.startsWith('./') || program.startsWith('../');
    return relative ? [resolve(baseDir, program), ...args] : [...command];
  };
  return {
    ...config,
    heartbeat: { ...config.heartbeat, keyFile: file(config.heartbeat.keyFile) },
    fencing: {
      ...config.fencing,
      devices: config.fencing.devices.map((d) => {
        if (d.type === 'command') return { ...d, command: argv(d.command) };
        if (d.type === 'apc-pdu' || d.type === 'ipmi') return { ...d, passwordFile: file(d.passwordFile) };
        return d;
      }),
      ...(config.fencing.arbitrator?.type === 'witness' ? { arbitrator: { ...config.fencing.arbitrator, keyFile: file(config.fencing.arbitrator.keyFile) } } : {}),
    },
    resource: { ...config.resource, command: argv(config.resource.command) },
    telemetry: resolveTelemetryPaths(config.telemetry, file),
    hardware: resolveHardwarePaths(config.hardware, file, argv),
    stateDir: file(config.stateDir),
    controlSocket: file(config.controlSocket),
  };
}

function socketPathErrors(config: Config): string[] {
  const bytes = Buffer.byteLength(config.controlSocket);
  if (bytes <= MAX_UNIX_SOCKET_PATH_BYTES) return [];
  return [
    `controlSocket: expected a path of at most ${MAX_UNIX_SOCKET_PATH_BYTES} bytes (the limit of a Unix socket ` +
      `address), got ${JSON.stringify(config.controlSocket)} (${bytes} bytes once resolved)`,
  ];
}

function resolveTelemetryPaths(t: Config['telemetry'], file: (p: string) => string): Config['telemetry'] {
  const opt = (p: string | undefined) => (p === undefined ? undefined : file(p));
  const b = t.broker;
  return {
    ...t,
    broker: { ...b, passwordFile: opt(b.passwordFile), caFile: opt(b.caFile), certFile: opt(b.certFile), keyFile: opt(b.keyFile) },
    commands: { ...t.commands, keyFile: opt(t.commands.keyFile) },
  };
}

function resolveHardwarePaths(h: Config['hardware'], file: (p: string) => string, argv: (c: string[]) => string[]): Config['hardware'] {
  const out: Config['hardware'] = { ...h, raid: h.raid.map((r) => ({ ...r, mdstat: file(r.mdstat), ...(r.command ? { command: argv(r.command) } : {}) })) };
  // A board named like a path is a profile file; a bare name is a built-in profile.
  if (h.board !== undefined && (h.board.startsWith('./') || h.board.startsWith('../') || h.board.startsWith('/'))) out.board = file(h.board);
  // `board` is not a path: it arms the board profile's watchdog device (src/daemon/hardware/board.ts).
  if (h.watchdog.device !== undefined && h.watchdog.device !== 'board') out.watchdog = { ...h.watchdog, device: file(h.watchdog.device) };
  if (h.ups) {
    const ups = { ...h.ups };
    if (ups.nut?.passwordFile !== undefined) ups.nut = { ...ups.nut, passwordFile: file(ups.nut.passwordFile) };
    if (ups.contacts?.simFile !== undefined) ups.contacts = { ...ups.contacts, simFile: file(ups.contacts.simFile) };
    out.ups = ups;
  }
  if (h.shutdownCommand.length > 0) out.shutdownCommand = argv(h.shutdownCommand);
  return out;
}
