// Areca over its RS-232 binary API as a RaidSource: open a link from the
// factory, log in when a password is configured, read volume sets 0, 1, ...
// until the controller answers "no volume set", classify each with
// classifyArecaVolume, close the link. One request at a time, each with a
// timeout on the injected Schedule; frames go through the existing framer.

import type { Schedule } from '../../ups/schedule';
import type { ByteTransport } from '../../ups/transport';
import { classifyArecaVolume } from '../arecaSerial/classify';
import { ARECA_COMMAND, ARECA_STATUS } from '../arecaSerial/constants';
import { ArecaFramer } from '../arecaSerial/framer';
import { decodeReply, type ArecaReply } from '../arecaSerial/replies';
import { encodeRequest, requestBody, type ArecaRequest } from '../arecaSerial/requests';
import type { ArraySnapshot, RaidSource } from './types';

export interface ArecaSerialSourceOptions {
  connect: () => Promise<ByteTransport>;
  password?: string;
  schedule: Schedule;
  /** Per request (reference §8.1 gives none; 1 s covers 115200 baud with margin). */
  replyTimeoutMs?: number;
  /** Volume sets asked for at most (the controller's limit is 16 on most models). */
  maxVolumes?: number;
}

type Exchange = { ok: true; reply: ArecaReply } | { ok: false; error: string };

/** Send one request and wait for one reply frame (or the timeout). */
export function arecaExchange(link: ByteTransport, req: ArecaRequest, schedule: Schedule, timeoutMs: number): Promise<Exchange> {
  const frame = encodeRequest(req);
  const body = requestBody(req);
  if (!frame.ok || !body.ok) return Promise.resolve({ ok: false, error: frame.ok ? 'bad request' : frame.error });
  const command = body.value[0];
  return new Promise<Exchange>((resolve) => {
    const framer = new ArecaFramer();
    let done = false;
    const finish = (r: Exchange): void => {
      if (done) return;
      done = true;
      cancel();
      unsubscribe();
      resolve(r);
    };
    const cancel = schedule(timeoutMs, () => finish({ ok: false, error: `no reply to ${req.kind} within ${timeoutMs} ms` }));
    const unsubscribe = link.onData((bytes) => {
      for (const ev of framer.push(bytes)) {
        if (ev.kind !== 'frame') continue;
        const decoded = decodeReply(command, ev.body);
        finish(decoded.ok ? { ok: true, reply: decoded.value } : { ok: false, error: decoded.error });
      }
    });
    try {
      const written = link.write(frame.value);
      if (written instanceof Promise) written.catch((err: unknown) => finish({ ok: false, error: `write failed: ${(err as Error)?.message ?? err}` }));
    } catch (err) {
      finish({ ok: false, error: `write failed: ${(err as Error).message}` });
    }
  });
}

export function arecaSerialSource(o: ArecaSerialSourceOptions): RaidSource {
  const timeoutMs = o.replyTimeoutMs ?? 1000;
  const maxVolumes = o.maxVolumes ?? 16;
  return {
    name: 'areca-serial',
    read: async () => {
      let link: ByteTransport;
      try {
        link = await o.connect();
      } catch (err) {
        return { ok: false, error: `cannot open the Areca link: ${(err as Error)?.message ?? err}` };
      }
      try {
        if (o.password !== undefined) {
          const login = await arecaExchange(link, { kind: 'checkPassword', password: o.password }, o.schedule, timeoutMs);
          if (!login.ok) return { ok: false, error: `login: ${login.error}` };
          if (login.reply.kind !== 'status' || !login.reply.ok) return { ok: false, error: `login refused: ${login.reply.kind === 'status' ? login.reply.text : 'unexpected reply'}` };
        }
        const arrays: ArraySnapshot[] = [];
        for (let v = 0; v < maxVolumes; v++) {
          const r = await arecaExchange(link, { kind: 'getVolumeInfo', volume: v }, o.schedule, timeoutMs);
          if (!r.ok) return { ok: false, error: `volume ${v}: ${r.error}` };
          if (r.reply.kind === 'status') {
            if (r.reply.code === ARECA_STATUS.NO_VOLUMESET) break;
            return { ok: false, error: `volume ${v}: controller answered ${r.reply.text} (0x${r.reply.code.toString(16)})` };
          }
          if (r.reply.kind !== 'volumeInfo') return { ok: false, error: `volume ${v}: unexpected ${r.reply.kind} reply to GUI_GET_INFO_V (0x${ARECA_COMMAND.GET_INFO_V.toString(16)})` };
          const vol = r.reply.info;
          const c = classifyArecaVolume(vol, v);
          const busy = c.state === 'rebuilding';
          arrays.push({ name: `volume ${v} (${vol.name})`, state: c.state, reason: c.reason, progress: busy ? { action: c.state, percent: null, finishMinutes: null, speedKPerSec: null } : null });
        }
        return { ok: true, arrays, warnings: [] };
      } finally {
        link.close();
      }
    },
  };
}
