// Monitor sources for the three polled protocols. Each reads what NUT's own
// driver reads per poll: Megatec `Q1` (F and I once per link, as nutdrv_qx
// does at start-up), APC `Q` plus the variable letters, NUT `LIST VAR`.

import { readApcReading } from '../apcsmart/reader';
import { ApcSmartSession, type ApcSmartSessionOptions } from '../apcsmart/session';
import { MegatecSession, type MegatecSessionOptions } from '../megatec/session';
import { infoToVars, q1ToReading, ratingsToVars, type Q1MappingOptions } from '../megatec/toReading';
import type { UpsReading } from '../model';
import { NutClient, type ClosableTransport, type NutClientOptions } from '../nut/client';
import { readNutReading } from '../nut/reading';
import { err, ok } from '../result';
import type { Schedule } from '../schedule';
import type { SessionError } from '../sessionError';
import { linkedSource } from './linkedSource';
import { sourceError, type LinkFactory, type UpsSource } from './source';

const fromSession = (e: SessionError) => sourceError(e.kind, e.message);

export interface MegatecSourceOptions {
  schedule: Schedule;
  session?: MegatecSessionOptions;
  mapping?: Q1MappingOptions;
}

export function megatecSource(openLink: LinkFactory, opts: MegatecSourceOptions): UpsSource {
  return linkedSource('Megatec UPS', openLink, async (link) => {
    const session = new MegatecSession(link, { schedule: opts.schedule }, opts.session);
    // Many units echo F or I (not supported); NUT carries on without them, so do we.
    const ratings = await session.readRatings();
    const info = await session.readInfo();
    const fixed: Partial<UpsReading> = { ...(ratings.ok ? ratingsToVars(ratings.value) : {}), ...(info.ok ? infoToVars(info.value) : {}) };
    return ok({
      close: () => session.close(),
      read: async () => {
        const status = await session.readStatus();
        if (!status.ok) return err(fromSession(status.error));
        const nominal = opts.mapping?.batteryVoltageNominal ?? fixed['battery.voltage.nominal'];
        const mapped = q1ToReading(status.value, { ...opts.mapping, batteryVoltageNominal: nominal });
        return ok({ ...fixed, ...mapped.reading } as UpsReading);
      },
    });
  });
}

export interface ApcSmartSourceOptions {
  schedule: Schedule;
  session?: ApcSmartSessionOptions;
}

export function apcSmartSource(openLink: LinkFactory, opts: ApcSmartSourceOptions): UpsSource {
  return linkedSource('APC Smart UPS', openLink, async (link) => {
    const session = new ApcSmartSession(link, { schedule: opts.schedule }, opts.session);
    const hello = await session.handshake();
    if (!hello.ok) {
      session.close();
      return err(fromSession(hello.error));
    }
    const info = await session.protocolInfo();
    const supported = info.ok ? info.value.commands : undefined;
    return ok({
      close: () => session.close(),
      // An alert byte (`!` on battery, `%` low battery) is news worth an immediate poll.
      onNudge: (listener) => session.onEvent((e) => (e.type === 'alert' ? listener() : undefined)),
      read: async () => {
        const r = await readApcReading(session, supported === undefined ? {} : { supported });
        return r.ok ? ok(r.value.reading) : err(fromSession(r.error));
      },
    });
  });
}

export interface NutSourceOptions {
  schedule: Schedule;
  ups: string;
  username?: string;
  password?: string;
  client?: NutClientOptions;
}

export function nutSource(openLink: () => Promise<ClosableTransport>, opts: NutSourceOptions): UpsSource {
  return linkedSource(`NUT UPS ${opts.ups}`, openLink, async (link) => {
    const client = new NutClient(link, { schedule: opts.schedule }, opts.client);
    if (opts.username !== undefined && opts.password !== undefined) {
      const auth = await client.authenticate(opts.username, opts.password);
      if (!auth.ok) {
        client.close();
        return err(sourceError(auth.error.kind, auth.error.message));
      }
    }
    return ok({
      get broken() {
        return client.isClosed;
      },
      close: () => client.close(),
      read: async () => {
        const r = await readNutReading(client, opts.ups);
        return r.ok ? ok(r.value.reading) : err(sourceError(r.error.kind, r.error.message));
      },
    });
  });
}
