// The checks of loadConfig that look at the file system: reading the
// configuration file itself, the key file's permissions, and whether the
// programs it names by path exist. parseConfigText stays free of them so it
// can be tested and fuzzed without files.

import { accessSync, closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import type { Config } from './types';

export type ReadResult = { ok: true; text: string } | { ok: false; errors: string[] };

/** Reads at most `maxBytes` of a regular file as strict UTF-8. */
export function readConfigFile(path: string, maxBytes: number): ReadResult {
  const fail = (why: string): ReadResult => ({ ok: false, errors: [`${path}: ${why}`] });
  const stats = statOrError(path);
  if (typeof stats === 'string') return fail(`${stats}; expected an edge-ha configuration file (YAML)`);
  // Checked before opening: opening a FIFO for reading would block until a writer appears.
  if (stats.isDirectory()) return fail('is a directory; expected an edge-ha configuration file (YAML)');
  if (!stats.isFile()) return fail('is not a regular file; expected an edge-ha configuration file (YAML)');
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    return fail(`cannot be opened (${errorText(err)})`);
  }
  try {
    const size = fstatSync(fd).size;
    if (size > maxBytes) return fail(`is ${size} bytes; expected a configuration file of at most ${maxBytes} bytes`);
    const buffer = Buffer.alloc(size);
    let filled = 0;
    while (filled < size) {
      const n = readSync(fd, buffer, filled, size - filled, null);
      if (n === 0) break; // truncated while reading: parse what is there
      filled += n;
    }
    return decodeUtf8(buffer.subarray(0, filled), fail);
  } catch (err) {
    return fail(`cannot be read (${errorText(err)})`);
  } finally {
    closeSync(fd);
  }
}

function decodeUtf8(bytes: Buffer, fail: (why: string) => ReadResult): ReadResult {
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    return { ok: true, text };
  } catch {
    return fail('is not valid UTF-8 text; expected an edge-ha configuration file (YAML)');
  }
}

/**
 * The key file must exist and grant nothing to group or others: anyone who can
 * read the key can forge heartbeats and make a node believe its peer is alive.
 */
export function keyFileErrors(keyFile: string): string[] {
  const stats = statOrError(keyFile);
  const shown = JSON.stringify(keyFile);
  if (typeof stats === 'string') return [`heartbeat.keyFile: expected an existing key file, got ${shown} (${stats})`];
  if (stats.isDirectory()) return [`heartbeat.keyFile: expected a key file, got ${shown} (a directory)`];
  if (!stats.isFile()) return [`heartbeat.keyFile: expected a key file, got ${shown} (not a regular file)`];
  const mode = stats.mode & 0o7777;
  if ((mode & 0o077) === 0) return [];
  const octal = mode.toString(8).padStart(4, '0');
  return [`heartbeat.keyFile: ${keyFile} has mode ${octal}; expected 0600 or stricter (chmod 600 ${keyFile})`];
}

/** Programs named by path that cannot run: the resource or fence device would fail only when needed. */
export function programWarnings(config: Config): string[] {
  const warnings: string[] = [];
  const check = (key: string, program: string, consequence: string) => {
    if (!program.includes('/') || isExecutableFile(program)) return;
    warnings.push(`${key}: ${program} is not an executable file (${consequence})`);
  };
  check('resource.command[0]', config.resource.command[0], 'the resource cannot be started');
  config.fencing.devices.forEach((d, i) => {
    if (d.type === 'command') check(`fencing.devices[${i}].command[0]`, d.command[0], 'this device cannot fence');
  });
  return warnings;
}

/**
 * APC PDU password files: read at each use (so they may change while the
 * daemon runs), but one that is missing or readable by others now means the
 * device will fail when it is needed, so config check says so early.
 */
export function passwordFileWarnings(config: Config): string[] {
  const warnings: string[] = [];
  config.fencing.devices.forEach((d, i) => {
    if (d.type !== 'apc-pdu') return;
    const key = `fencing.devices[${i}].passwordFile`;
    const stats = statOrError(d.passwordFile);
    if (typeof stats === 'string') warnings.push(`${key}: ${d.passwordFile}: ${stats} (this device cannot log in)`);
    else if (!stats.isFile()) warnings.push(`${key}: ${d.passwordFile} is not a regular file (this device cannot log in)`);
    else if ((stats.mode & 0o077) !== 0) {
      const octal = (stats.mode & 0o7777).toString(8).padStart(4, '0');
      warnings.push(`${key}: ${d.passwordFile} has mode ${octal}; expected 0600 or stricter (chmod 600 ${d.passwordFile}); the device refuses to use it`);
    }
  });
  return warnings;
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function statOrError(path: string): Stats | string {
  try {
    return statSync(path);
  } catch (err) {
    return errorText(err);
  }
}

function errorText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'ENOTDIR') return 'a part of the path is not a directory';
  if (code === 'ELOOP') return 'too many symbolic links';
  return err instanceof Error ? err.message : String(err);
}
