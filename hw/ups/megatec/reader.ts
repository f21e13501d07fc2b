// One full Megatec reading in NUT variables: Q1 for status and measurements,
// then F (ratings) and I (identity), which many units do not support. Only a
// failed Q1 fails the reading; an F or I failure becomes a warning, since NUT
// too carries on without them. A poller would read F and I once at start-up
// (as NUT does) and Q1 every 2 s; that scheduling is the caller's business.

import type { UpsReading } from '../model';
import { ok, type Result } from '../result';
import type { SessionError } from '../sessionError';
import type { MegatecSession } from './session';
import { infoToVars, q1ToReading, ratingsToVars, type Q1MappingOptions } from './toReading';

export interface MegatecReadOptions extends Q1MappingOptions {
  includeRatings?: boolean;
  includeInfo?: boolean;
}

export interface MegatecReading {
  reading: UpsReading;
  warnings: string[];
}

export async function readMegatecReading(session: MegatecSession, options: MegatecReadOptions = {}): Promise<Result<MegatecReading, SessionError>> {
  const warnings: string[] = [];
  const status = await session.readStatus();
  if (!status.ok) return status;
  let extra: Partial<UpsReading> = {};
  if (options.includeRatings ?? true) {
    const ratings = await session.readRatings();
    if (ratings.ok) extra = { ...extra, ...ratingsToVars(ratings.value) };
    else warnings.push(`F (ratings) not read: ${ratings.error.message}`);
  }
  if (options.includeInfo ?? true) {
    const info = await session.readInfo();
    if (info.ok) extra = { ...extra, ...infoToVars(info.value) };
    else warnings.push(`I (identity) not read: ${info.error.message}`);
  }
  const mapped = q1ToReading(status.value, {
    ...options,
    batteryVoltageNominal: options.batteryVoltageNominal ?? extra['battery.voltage.nominal'],
  });
  return ok({ reading: { ...extra, ...mapped.reading }, warnings: [...warnings, ...mapped.warnings] });
}
