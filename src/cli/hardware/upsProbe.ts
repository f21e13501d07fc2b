// `edge-ha probe ups`: one reading through the same monitor sources the
// daemon polls (hw/ups/monitor/drivers.ts), judged once, with the whole read
// bounded by one deadline. Nothing here prints; upsFormat.ts does.

import { linkFactoryFromUrl, parseLinkUrl, formatLineSettings, type LinkUrl } from '../../../hw/link';
import { apcSmartSource, megatecSource, nutSource } from '../../../hw/ups/monitor/drivers';
import type { UpsSource } from '../../../hw/ups/monitor/source';
import { criticalPower, formatStatus, type UpsReading, type UpsStatusToken } from '../../../hw/ups/model';
import { connectTcp } from '../../../hw/ups/nut/tcpTransport';
import { timerSchedule } from '../../../hw/ups/schedule';
import type { ByteTransport } from '../../../hw/ups/transport';
import { withDeadline } from './deadline';
import { HardwareUsageError, HEALTH_EXIT, type ProbeHealth } from './exitCodes';

export const UPS_DRIVERS = ['megatec', 'apcsmart', 'nut'] as const;
export type UpsDriver = (typeof UPS_DRIVERS)[number];

/** Both serial protocols run at 2400 8N1 (reference §2.1, §4.1). */
export const SERIAL_UPS_BAUD: Readonly<Record<'megatec' | 'apcsmart', number>> = { megatec: 2400, apcsmart: 2400 };
export const NUT_PORT_DEFAULT = 3493;
export const UPS_PROBE_TIMEOUT_MS = 5000;

export type UpsProbeTarget =
  | { driver: 'megatec' | 'apcsmart'; link: string }
  | { driver: 'nut'; host: string; port: number; ups: string; username?: string; password?: string };

export interface UpsProbeReport {
  device: 'ups';
  driver: UpsDriver;
  /** Where it was read, e.g. `/dev/ttyUSB0 (2400 8N1)`, `tcp 10.0.0.5:4001 (2400 8N1)`, `ups@127.0.0.1:3493`. */
  target: string;
  health: ProbeHealth;
  exitCode: number;
  /** One sentence: why this health. */
  reason: string;
  /** ups.status tokens; absent when unreachable. */
  status?: UpsStatusToken[];
  reading?: UpsReading;
  /** Why it could not be read: the driver's error kind (`timeout`, `link-failed`, `nut`, `deadline`...). */
  errorKind?: string;
  durationMs: number;
}

/** Tokens that mean the UPS needs attention but power is not yet critical. */
const WARNING_TOKENS: ReadonlyMap<UpsStatusToken, string> = new Map([
  ['OB', 'on battery'],
  ['LB', 'battery low'],
  ['RB', 'battery needs replacing'],
  ['OVER', 'overloaded'],
  ['BYPASS', 'on bypass (load not protected)'],
  ['OFF', 'output is off'],
  ['ALARM', 'the UPS raises an alarm'],
]);

/** critical (criticalPower: FSD, OB+LB) > warning tokens > ok. */
export function judgeUpsReading(reading: UpsReading): { health: ProbeHealth; reason: string } {
  const status = reading['ups.status'];
  const verdict = criticalPower(reading, { commLost: false, lastStatus: status });
  if (verdict.critical) return { health: 'critical', reason: verdict.reason };
  if (status.length === 0) return { health: 'warning', reason: 'the UPS reported no status tokens' };
  const warnings = status.filter((t) => WARNING_TOKENS.has(t)).map((t) => WARNING_TOKENS.get(t)!);
  if (reading['ups.alarm'] !== undefined && !status.includes('ALARM')) warnings.push(`alarm: ${reading['ups.alarm']}`);
  if (warnings.length > 0) return { health: 'warning', reason: `${warnings.join(', ')} (${formatStatus(status)})` };
  return { health: 'ok', reason: `status ${formatStatus(status)}` };
}

/** Where a serial UPS is, for the report; a bad PATH/URL is a usage error. */
export function describeSerialTarget(driver: 'megatec' | 'apcsmart', link: string): { url: LinkUrl; text: string } {
  const parsed = parseLinkUrl(link, { baudRate: SERIAL_UPS_BAUD[driver] });
  if (!parsed.ok) throw new HardwareUsageError(`--port: ${parsed.error}`);
  const u = parsed.value;
  const where = u.kind === 'serial' ? u.path : `tcp ${u.host.includes(':') ? `[${u.host}]` : u.host}:${u.port}`;
  return { url: u, text: `${where} (${formatLineSettings(u.settings)})` };
}

interface Built {
  source: UpsSource;
  target: string;
  /** Close every link the source opened, even one a driver is still starting on. */
  closeLinks(): void;
}

/**
 * Remembers each link a factory opens. The monitor's linkedSource only learns
 * of a link once its driver has started (an APC handshake, Megatec F and I),
 * so a deadline that fires mid-start would leave that port open and locked.
 */
function tracking<L extends ByteTransport>(open: () => Promise<L>): { open: () => Promise<L>; closeAll(): void } {
  const links: L[] = [];
  return {
    open: async () => {
      const link = await open();
      links.push(link);
      return link;
    },
    closeAll: () => links.splice(0).forEach((l) => l.close()),
  };
}

function buildSource(t: UpsProbeTarget, timeoutMs: number): Built {
  const schedule = timerSchedule;
  if (t.driver === 'nut') {
    const links = tracking(() => connectTcp({ host: t.host, port: t.port, connectTimeoutMs: timeoutMs }));
    const open = links.open;
    const source = nutSource(open, {
      schedule,
      ups: t.ups,
      ...(t.username !== undefined && t.password !== undefined ? { username: t.username, password: t.password } : {}),
      client: { requestTimeoutMs: timeoutMs },
    });
    return { source, target: `${t.ups}@${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`, closeLinks: links.closeAll };
  }
  const { text } = describeSerialTarget(t.driver, t.link);
  const factory = linkFactoryFromUrl(t.link, { defaults: { baudRate: SERIAL_UPS_BAUD[t.driver] }, openTimeoutMs: timeoutMs, schedule });
  if (!factory.ok) throw new HardwareUsageError(`--port: ${factory.error}`);
  const links = tracking(factory.value);
  // A session's own reply timeout must not outlast the probe's deadline.
  const replyTimeoutMs = (fallback: number) => Math.max(50, Math.min(fallback, timeoutMs));
  const source =
    t.driver === 'megatec'
      ? megatecSource(links.open, { schedule, session: { replyTimeoutMs: replyTimeoutMs(1000) } })
      : apcSmartSource(links.open, { schedule, session: { replyTimeoutMs: replyTimeoutMs(3000) } });
  return { source, target: text, closeLinks: links.closeAll };
}

/** Read the UPS once. Rejects only with HardwareUsageError (a target that cannot be built). */
export async function probeUps(target: UpsProbeTarget, timeoutMs = UPS_PROBE_TIMEOUT_MS): Promise<UpsProbeReport> {
  const started = performance.now();
  const built = buildSource(target, timeoutMs);
  const base = { device: 'ups' as const, driver: target.driver, target: built.target };
  const elapsed = () => Math.round(performance.now() - started);
  let outcome;
  try {
    outcome = await withDeadline(built.source.read(), timeoutMs);
  } finally {
    built.source.close();
    built.closeLinks();
  }
  if (!outcome.done) {
    const reason = `no complete reading from ${built.target} within ${timeoutMs} ms`;
    return { ...base, health: 'unreachable', exitCode: HEALTH_EXIT.unreachable, reason, errorKind: 'deadline', durationMs: elapsed() };
  }
  const r = outcome.value;
  if (!r.ok) {
    return { ...base, health: 'unreachable', exitCode: HEALTH_EXIT.unreachable, reason: r.error.message, errorKind: r.error.kind, durationMs: elapsed() };
  }
  const judged = judgeUpsReading(r.value);
  return {
    ...base,
    ...judged,
    exitCode: HEALTH_EXIT[judged.health],
    status: [...r.value['ups.status']],
    reading: r.value,
    durationMs: elapsed(),
  };
}
