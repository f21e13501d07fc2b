// `edge-ha probe raid`: read one RAID status source once and normalize it
// (raidReport.ts): Linux md from /proc/mdstat, Areca from saved `cli64`
// tables, or an Areca controller over its serial API.

import { ARECA_CLI_MAX_CHARS, classifyArecaRaidSet, parseArecaDiskInfo, parseArecaRsfInfo, type ArecaCliDisk, type ArecaCliRaidSet } from '../../../hw/raid/arecaCli';
import { classifyArray, type MdArray } from '../../../hw/raid/mdstat';
import { MDSTAT_PATH, readBounded, readMdstat } from '../../../hw/raid/mdstatReader';
import { linkFactoryFromUrl, parseLinkUrl } from '../../../hw/link';
import type { SerialLink } from '../../../hw/link/types';
import { ArecaSerialClient } from './arecaSerialClient';
import { ARECA_DEFAULT_BAUD, arecaArrays, readArecaController } from './arecaSerialProbe';
import { withDeadline } from './deadline';
import { HardwareUsageError } from './exitCodes';
import { judgedRaid, unreachableRaid, type RaidArrayReport, type RaidDriver, type RaidProbeReport } from './raidReport';

export const RAID_PROBE_TIMEOUT_MS: Readonly<Record<RaidDriver, number>> = { md: 2000, 'areca-cli': 2000, areca: 10_000 };

export type RaidProbeTarget =
  | { driver: 'md'; mdstat?: string }
  | { driver: 'areca-cli'; rsfFile: string; diskFile?: string }
  | { driver: 'areca'; link: string; password?: string };

export async function probeRaid(target: RaidProbeTarget, timeoutMs = RAID_PROBE_TIMEOUT_MS[target.driver]): Promise<RaidProbeReport> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  switch (target.driver) {
    case 'md':
      return probeMd(target.mdstat ?? MDSTAT_PATH, timeoutMs, elapsed);
    case 'areca-cli':
      return probeArecaCli(target.rsfFile, target.diskFile, timeoutMs, elapsed);
    case 'areca':
      return probeArecaSerial(target.link, target.password, timeoutMs, elapsed);
  }
}

// ------------------------------------------------------------------ md

export function mdArrayReport(a: MdArray): RaidArrayReport {
  const c = classifyArray(a);
  const s = a.sync;
  return {
    name: a.name,
    state: c.state,
    level: a.level,
    members: a.members.map((m) => ({ name: `${m.name}[${m.index}]`, role: m.role })),
    progress: s === null ? null : { action: s.action, percent: s.percent, finishMinutes: s.finishMinutes, speedKPerSec: s.speedKPerSec },
    reason: c.reason,
  };
}

async function probeMd(path: string, timeoutMs: number, elapsed: () => number): Promise<RaidProbeReport> {
  const r = await readMdstat({ path, timeoutMs });
  if (!r.ok) return unreachableRaid('md', path, r.error.message, elapsed());
  const warnings = r.mdstat.errors.map((e) => `${path}: ${e}`);
  // A file with nothing md-like in it is not "no arrays": it is the wrong file.
  if (r.mdstat.arrays.length === 0 && r.mdstat.errors.length > 0) {
    return unreachableRaid('md', path, `${path} is not /proc/mdstat content: ${r.mdstat.errors[0]}`, elapsed(), warnings);
  }
  return judgedRaid('md', path, r.mdstat.arrays.map(mdArrayReport), warnings, elapsed());
}

// ------------------------------------------------------------------ areca-cli

async function readText(path: string, timeoutMs: number): Promise<{ ok: true; text: string } | { ok: false; error: string }> {
  try {
    const outcome = await withDeadline(readBounded(path, ARECA_CLI_MAX_CHARS + 1), timeoutMs);
    if (!outcome.done) return { ok: false, error: `reading ${path} took longer than ${timeoutMs} ms` };
    return { ok: true, text: outcome.value.subarray(0, ARECA_CLI_MAX_CHARS).toString('utf8') };
  } catch (e) {
    return { ok: false, error: `cannot read ${path}: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function describeDisk(d: ArecaCliDisk): string {
  const where = d.enclosure !== null ? `enc ${d.enclosure} slot ${d.slot}` : `ch ${d.channel}`;
  return `#${d.index} ${where}${d.model === null ? '' : ` ${d.model}`}`;
}

export function arecaCliArrayReport(set: ArecaCliRaidSet, disks: readonly ArecaCliDisk[]): RaidArrayReport {
  const c = classifyArecaRaidSet(set, disks);
  const busy = set.progressPercent !== null || c.state === 'rebuilding';
  return {
    name: set.name,
    state: c.state,
    level: null,
    members: disks.filter((d) => d.raidSetName === set.name).map((d) => ({ name: describeDisk(d), role: 'member' })),
    progress: busy ? { action: set.state.toLowerCase(), percent: set.progressPercent, finishMinutes: null, speedKPerSec: null } : null,
    reason: c.reason,
  };
}

async function probeArecaCli(rsfFile: string, diskFile: string | undefined, timeoutMs: number, elapsed: () => number): Promise<RaidProbeReport> {
  const source = diskFile === undefined ? rsfFile : `${rsfFile} + ${diskFile}`;
  const rsfText = await readText(rsfFile, timeoutMs);
  if (!rsfText.ok) return unreachableRaid('areca-cli', source, rsfText.error, elapsed());
  const rsf = parseArecaRsfInfo(rsfText.text);
  const warnings = rsf.errors.map((e) => `${rsfFile}: ${e}`);
  if (rsf.status === null || rsf.status.code !== 0 || (rsf.raidSets.length === 0 && rsf.errors.length > 0)) {
    const looksLikeDisks = parseArecaDiskInfo(rsfText.text).disks.length > 0;
    const why = looksLikeDisks
      ? 'it looks like `cli64 disk info` output; --file takes `cli64 rsf info` (give disk info with --disk-file)'
      : rsf.status !== null && rsf.status.code !== 0
        ? `cli64 reported an error: GuiErrMsg<0x${rsf.status.code.toString(16).padStart(2, '0')}>: ${rsf.status.message}`
        : rsf.errors[0] ?? 'no GuiErrMsg status line (output cut short?)';
    return unreachableRaid('areca-cli', source, `${rsfFile} is not usable \`cli64 rsf info\` output: ${why}`, elapsed(), warnings);
  }
  let disks: ArecaCliDisk[] = [];
  if (diskFile !== undefined) {
    const diskText = await readText(diskFile, timeoutMs);
    if (!diskText.ok) warnings.push(`${diskText.error} (raid sets judged without disk detail)`);
    else {
      const parsed = parseArecaDiskInfo(diskText.text);
      disks = parsed.disks;
      warnings.push(...parsed.errors.map((e) => `${diskFile}: ${e}`));
    }
  }
  return judgedRaid('areca-cli', source, rsf.raidSets.map((s) => arecaCliArrayReport(s, disks)), warnings, elapsed());
}

// ------------------------------------------------------------------ areca (serial API)

async function probeArecaSerial(link: string, password: string | undefined, timeoutMs: number, elapsed: () => number): Promise<RaidProbeReport> {
  const parsed = parseLinkUrl(link, { baudRate: ARECA_DEFAULT_BAUD });
  if (!parsed.ok) throw new HardwareUsageError(`--port: ${parsed.error}`);
  const factory = linkFactoryFromUrl(link, { defaults: { baudRate: ARECA_DEFAULT_BAUD }, openTimeoutMs: timeoutMs });
  if (!factory.ok) throw new HardwareUsageError(`--port: ${factory.error}`);
  const where = parsed.value.kind === 'serial' ? parsed.value.path : `tcp ${parsed.value.host}:${parsed.value.port}`;
  let serial: SerialLink | null = null;
  let client: ArecaSerialClient | null = null;
  const work = (async () => {
    serial = await factory.value();
    client = new ArecaSerialClient(serial, { replyTimeoutMs: Math.min(1000, timeoutMs) });
    return readArecaController(client, password);
  })();
  try {
    const outcome = await withDeadline(work.catch((e: unknown) => ({ ok: false as const, error: { kind: 'link-failed', message: `cannot open ${where}: ${e instanceof Error ? e.message : String(e)}` } })), timeoutMs);
    if (!outcome.done) return unreachableRaid('areca', where, `no complete answer from the controller at ${where} within ${timeoutMs} ms`, elapsed());
    const r = outcome.value;
    if (!r.ok) return unreachableRaid('areca', where, r.error.message, elapsed());
    return judgedRaid('areca', where, arecaArrays(r.value), r.value.warnings, elapsed());
  } finally {
    // Closed even when the deadline won: the port must not stay locked.
    void work.finally(() => ((client as ArecaSerialClient | null)?.close(), (serial as SerialLink | null)?.close())).catch(() => undefined);
    (client as ArecaSerialClient | null)?.close();
    (serial as SerialLink | null)?.close();
  }
}
