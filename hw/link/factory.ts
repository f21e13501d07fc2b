// From a link URL to a LinkFactory: the one place that picks the backend, so
// config code says "serial:/dev/ttyS0?baud=2400" and gets something that opens.

import type { Result } from '../ups/result';
import type { Schedule } from '../ups/schedule';
import { parseLinkUrl } from './linkUrl';
import { serialPortLink } from './serialLink';
import { tcpLink } from './tcpLink';
import type { LineSettings, LinkFactory, ModemLines } from './types';

export interface LinkFactoryOptions {
  /** Settings the device needs when the URL names none (a Megatec UPS: 2400 8N1). */
  defaults?: Partial<LineSettings>;
  /** GPIO-backed modem lines to use instead of the port's (labs, ptys, ser2net). */
  modemLines?: ModemLines;
  openTimeoutMs?: number;
  schedule?: Schedule;
}

export function linkFactoryFromUrl(url: string, options: LinkFactoryOptions = {}): Result<LinkFactory, string> {
  const parsed = parseLinkUrl(url, options.defaults);
  if (!parsed.ok) return parsed;
  const u = parsed.value;
  const common = {
    settings: u.settings,
    ...(options.modemLines ? { modemLines: options.modemLines } : {}),
    ...(options.schedule ? { schedule: options.schedule } : {}),
  };
  if (u.kind === 'tcp') {
    return { ok: true, value: tcpLink({ host: u.host, port: u.port, ...common, ...(options.openTimeoutMs ? { connectTimeoutMs: options.openTimeoutMs } : {}) }) };
  }
  return {
    ok: true,
    value: serialPortLink({ path: u.path, rtscts: u.rtscts, hupcl: u.hupcl, ...common, ...(options.openTimeoutMs ? { openTimeoutMs: options.openTimeoutMs } : {}) }),
  };
}
