// Writing one log line synchronously. After a crash (or a fence of this very
// node), the last lines are the ones an operator needs most, so a line must
// be in the kernel before the log call returns.
import fs from 'node:fs';

/** What the logger writes to: process.stdout/stderr, a file stream, or a test capture. */
export interface LogStream {
  write(chunk: string): unknown;
  /** When present, lines go straight to the descriptor with fs.writeSync. */
  fd?: number | null;
  isTTY?: boolean;
  /** Bytes queued in the stream; while non-zero the stream is used so lines keep their order. */
  writableLength?: number;
}

/** Writes all of `buf` to `fd`; returns how many bytes went out before EAGAIN (a non-blocking pipe that is full). */
function writeAllSync(fd: number, buf: Buffer): number {
  let offset = 0;
  while (offset < buf.length) {
    try {
      offset += fs.writeSync(fd, buf, offset, buf.length - offset);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EAGAIN') return offset;
      throw err;
    }
  }
  return offset;
}

/**
 * Writes a line; returns false if it was lost (e.g. EPIPE because the reader
 * went away). Never throws: losing a log line must not crash the daemon.
 */
export function writeLine(stream: LogStream, line: string): boolean {
  try {
    const fd = stream.fd;
    if (typeof fd === 'number' && fd >= 0 && !(stream.writableLength ?? 0)) {
      const buf = Buffer.from(line, 'utf8');
      const written = writeAllSync(fd, buf);
      // A full non-blocking pipe: hand the rest to the stream, which queues it.
      if (written < buf.length) stream.write(buf.subarray(written).toString('utf8'));
      return true;
    }
    stream.write(line);
    return true;
  } catch {
    return false;
  }
}
