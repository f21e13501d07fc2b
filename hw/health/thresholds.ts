// Readings → health levels. Pure. A threshold pair is "at or above warn is
// degraded, at or above crit is critical"; a missing reading is reported as
// degraded (we cannot vouch for what we cannot see), never as ok.

import type { HealthEvent, HealthLevel } from './types';

export interface Thresholds {
  warn: number;
  crit: number;
}

export interface HealthThresholds {
  temperatureC: Thresholds;
  fsUsePercent: Thresholds;
  memoryUsePercent: Thresholds;
}

export const DEFAULT_THRESHOLDS: HealthThresholds = {
  temperatureC: { warn: 80, crit: 95 },
  fsUsePercent: { warn: 85, crit: 95 },
  memoryUsePercent: { warn: 90, crit: 97 },
};

/** Null when usable, else what is wrong (warn must not exceed crit, numbers must be finite). */
export function checkThresholds(name: string, t: Thresholds): string | null {
  if (!Number.isFinite(t.warn) || !Number.isFinite(t.crit)) return `${name}: warn and crit must be numbers`;
  if (t.warn > t.crit) return `${name}: warn ${t.warn} is above crit ${t.crit}`;
  return null;
}

export function levelFor(value: number, t: Thresholds): HealthLevel {
  if (value >= t.crit) return 'critical';
  if (value >= t.warn) return 'degraded';
  return 'ok';
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

function judge(source: string, what: string, value: number | null, unit: string, t: Thresholds, unknownWhy: string): HealthEvent {
  if (value === null || !Number.isFinite(value)) return { source, level: 'degraded', reason: `${what} unknown: ${unknownWhy}` };
  const level = levelFor(value, t);
  const bound = level === 'critical' ? ` (critical at ${t.crit}${unit})` : level === 'degraded' ? ` (warning at ${t.warn}${unit})` : '';
  return { source, level, reason: `${what} ${round(value)}${unit}${bound}` };
}

export function temperatureHealth(maxC: number | null, t: Thresholds, unknownWhy = 'no sensor reading'): HealthEvent {
  return judge('temperature', 'CPU temperature', maxC, '°C', t, unknownWhy);
}

export function memoryHealth(usedPercent: number | null, t: Thresholds, unknownWhy = 'no reading'): HealthEvent {
  return judge('memory', 'memory use', usedPercent, '%', t, unknownWhy);
}

export function fsHealth(mount: string, usePercent: number | null, t: Thresholds, unknownWhy = 'no reading'): HealthEvent {
  return judge(`fs:${mount}`, `file system ${mount} use`, usePercent, '%', t, unknownWhy);
}
