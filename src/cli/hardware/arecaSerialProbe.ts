// `probe raid --driver areca`: read an Areca controller over its binary
// RS-232 API (reference §8.1) the way OpenBSD arc(4) feeds bioctl: identify,
// log in, system info, then every raid set and volume set slot, then the
// member disks. Volumes are what gets classified (their status bits are
// documented; raid-set and disk state bytes are not).

import {
  ARECA_IDENTIFY_TEXT,
  ARECA_STATUS,
  classifyArecaVolume,
  raidLevelName,
  volumeStatusNames,
  type ArecaDiskInfo,
  type ArecaRaidSetInfo,
  type ArecaReply,
  type ArecaRequest,
  type ArecaSystemInfo,
  type ArecaVolumeInfo,
} from '../../../hw/raid/arecaSerial';
import { err, ok, type Result } from '../../../hw/ups/result';
import type { ArecaSerialClient } from './arecaSerialClient';
import type { RaidArrayReport } from './raidReport';

/** Areca's factory password. */
export const ARECA_DEFAULT_PASSWORD = '0000';
/** The API's default line (the controller's COM port setting): 115200 8N1. */
export const ARECA_DEFAULT_BAUD = 115_200;
/** Slots asked for at most, whatever the system info claims (a garbled count must not mean 255 requests). */
export const ARECA_MAX_SLOTS = 128;

export interface ArecaControllerRead {
  system: ArecaSystemInfo;
  raidSets: Map<number, ArecaRaidSetInfo>;
  volumes: Map<number, ArecaVolumeInfo>;
  disks: Map<number, ArecaDiskInfo>;
  warnings: string[];
}

export interface ArecaReadError {
  /** `timeout`/`garbage`/... from the client, `not-areca`, `refused` (password), `status` (an unexpected status byte). */
  kind: string;
  message: string;
}

type Ask = <K extends ArecaReply['kind']>(req: ArecaRequest, want: K, okStatus?: readonly number[]) => Promise<Result<Extract<ArecaReply, { kind: K }> | null, ArecaReadError>>;

function asker(client: ArecaSerialClient): Ask {
  return async (req, want, okStatus = []) => {
    const r = await client.request(req);
    if (!r.ok) return r;
    const reply = r.value;
    if (reply.kind === want) return ok(reply as Extract<ArecaReply, { kind: typeof want }>);
    if (reply.kind === 'status' && okStatus.includes(reply.code)) return ok(null);
    const got = reply.kind === 'status' ? `status 0x${reply.code.toString(16)} (${reply.text})` : `a ${reply.kind} reply`;
    const kind = reply.kind === 'status' && reply.code === ARECA_STATUS.PASSWORD_REQUIRED ? 'refused' : 'status';
    return err({ kind, message: `${req.kind}: expected ${want}, got ${got}` });
  };
}

export async function readArecaController(client: ArecaSerialClient, password = ARECA_DEFAULT_PASSWORD): Promise<Result<ArecaControllerRead, ArecaReadError>> {
  const ask = asker(client);
  const hello = await ask({ kind: 'identify' }, 'identify');
  if (!hello.ok) return hello;
  if (!hello.value!.text.startsWith(ARECA_IDENTIFY_TEXT.trim())) {
    return err({ kind: 'not-areca', message: `the port answered GUI_IDENTIFY with ${JSON.stringify(hello.value!.text.slice(0, 40))}, not "${ARECA_IDENTIFY_TEXT.trim()}"` });
  }
  const login = await client.request({ kind: 'checkPassword', password });
  if (!login.ok) return login;
  if (login.value.kind !== 'status' || !login.value.ok) {
    const said = login.value.kind === 'status' ? login.value.text : `a ${login.value.kind} reply`;
    return err({ kind: 'refused', message: `the controller refused the password (${said}); give the right one with --password-file` });
  }
  const sys = await ask({ kind: 'getSystemInfo' }, 'systemInfo');
  if (!sys.ok) return sys;
  const system = sys.value!.info;
  const read: ArecaControllerRead = { system, raidSets: new Map(), volumes: new Map(), disks: new Map(), warnings: [] };
  for (let i = 0; i < Math.min(system.maxRaidSets, ARECA_MAX_SLOTS); i++) {
    const r = await ask({ kind: 'getRaidSetInfo', raidSet: i }, 'raidSetInfo', [ARECA_STATUS.NO_RAIDSET]);
    if (!r.ok) return r;
    if (r.value !== null) read.raidSets.set(i, r.value.info);
  }
  for (let i = 0; i < Math.min(system.maxVolumeSets, ARECA_MAX_SLOTS); i++) {
    const r = await ask({ kind: 'getVolumeInfo', volume: i }, 'volumeInfo', [ARECA_STATUS.NO_VOLUMESET]);
    if (!r.ok) return r;
    if (r.value !== null) read.volumes.set(i, r.value.info);
  }
  const members = new Set([...read.raidSets.values()].flatMap((s) => s.memberDisks));
  for (const disk of [...members].sort((a, b) => a - b)) {
    const r = await ask({ kind: 'getDiskInfo', disk }, 'diskInfo', [ARECA_STATUS.NO_PHYSICAL_DRIVE]);
    // A missing member is exactly what a degraded set looks like: note it, keep going.
    if (!r.ok) read.warnings.push(`disk ${disk}: ${r.error.message}`);
    else if (r.value === null) read.warnings.push(`disk ${disk} is listed as a raid-set member but the controller has no such drive`);
    else read.disks.set(disk, r.value.info);
  }
  await client.request({ kind: 'logout' });
  return ok(read);
}

const BUSY_ACTIONS = ['rebuilding', 'initializing', 'checking', 'migrating'];

/** One array per volume set, with its raid set's disks as members. */
export function arecaArrays(read: ArecaControllerRead): RaidArrayReport[] {
  return [...read.volumes.entries()].map(([n, vol]) => {
    const c = classifyArecaVolume(vol, n);
    const set = read.raidSets.get(vol.raidSetNumber);
    const members = (set?.memberDisks ?? []).map((d) => {
      const info = read.disks.get(d);
      return { name: `disk ${d}${info ? ` ${info.model}` : ' (not answering)'}`, role: 'member' };
    });
    const busy = volumeStatusNames(vol.status).filter((s) => BUSY_ACTIONS.includes(s));
    return {
      name: `volume ${n} "${vol.name}"`,
      state: c.state,
      level: raidLevelName(vol.raidLevel),
      members,
      // gvsProgress has no documented unit (arc(4) divides by 10, NetBSD does not), so no percent is claimed.
      progress: busy.length === 0 ? null : { action: busy.join('+'), percent: null, finishMinutes: null, speedKPerSec: null },
      reason: c.reason,
    };
  });
}
