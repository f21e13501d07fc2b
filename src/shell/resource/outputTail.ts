// Bounded capture of a child's output. A resource or fence agent may print
// without limit (a looping script, a chatty daemon that inherited our pipe), so
// we keep only the tail: the end of the output is where the error usually is.

/** Keeps the last `maxBytes` bytes written to it. */
export class TailBuffer {
  private buf: Buffer = Buffer.alloc(0);
  private droppedBytes = 0;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): void {
    if (this.maxBytes <= 0) {
      this.droppedBytes += chunk.length;
      return;
    }
    const joined = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    if (joined.length > this.maxBytes) {
      this.droppedBytes += joined.length - this.maxBytes;
      // Copy, so the big chunk we sliced from can be garbage-collected.
      this.buf = Buffer.from(joined.subarray(joined.length - this.maxBytes));
    } else {
      this.buf = joined;
    }
  }

  /** Bytes currently kept (≤ maxBytes). */
  get size(): number {
    return this.buf.length;
  }

  /** Bytes thrown away because the output was longer than maxBytes. */
  get dropped(): number {
    return this.droppedBytes;
  }

  /** The kept tail as text. A multi-byte character cut in half at the start is dropped. */
  text(): string {
    const s = this.buf.toString('utf8');
    return this.droppedBytes > 0 ? s.replace(/^\uFFFD+/, '') : s;
  }
}

const MAX_REASON_LINE_CHARS = 200;

/**
 * Makes one line of agent output safe to put in a reason: control characters
 * become spaces (a reason ends up in logs, alarms and the control socket) and
 * the length is capped.
 */
export function sanitizeLine(line: string, maxChars = MAX_REASON_LINE_CHARS): string {
  // eslint-disable-next-line no-control-regex
  const clean = line.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').trim();
  return clean.length > maxChars ? `${clean.slice(0, maxChars - 1)}…` : clean;
}

/** The last non-blank line of `text`, sanitized; '' when there is none. */
export function lastLine(text: string): string {
  const lines = text.split(/\r?\n|\r/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = sanitizeLine(lines[i] ?? '');
    if (line !== '') return line;
  }
  return '';
}
