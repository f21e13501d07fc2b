// Read a tiny sysfs/procfs file without blocking the event loop: one
// fs.promises read of at most maxBytes (sysfs attributes are under a page, and
// /proc files report size 0, so stat is no guide). Never throws: the result
// carries the errno code, because for some attributes the errno *is* the
// answer (reading `carrier` of an interface that is administratively down
// fails with EINVAL).

import { open } from 'node:fs/promises';

export const SMALL_FILE_MAX_BYTES = 4096;

export type SmallRead = { ok: true; text: string } | { ok: false; code: string; message: string };

export type SmallFileReader = (path: string, maxBytes?: number) => Promise<SmallRead>;

export const readSmallFile: SmallFileReader = async (path, maxBytes = SMALL_FILE_MAX_BYTES) => {
  let handle;
  try {
    handle = await open(path, 'r');
    const buf = Buffer.alloc(maxBytes);
    const { bytesRead } = await handle.read(buf, 0, maxBytes, 0);
    return { ok: true, text: buf.subarray(0, bytesRead).toString('utf8') };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return { ok: false, code: typeof e?.code === 'string' ? e.code : 'EIO', message: `cannot read ${path}: ${e?.message ?? String(err)}` };
  } finally {
    if (handle !== undefined) await handle.close().catch(() => undefined);
  }
};
