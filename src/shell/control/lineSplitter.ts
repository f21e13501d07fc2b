// Splits a byte stream into newline-terminated lines with a hard bound on the
// length of one line, so a peer that never sends '\n' cannot make us buffer
// without limit. Works on bytes (not strings) so a multi-byte UTF-8 character
// split across two chunks is decoded correctly.

export type SplitResult =
  | { ok: true; lines: string[] }
  /** `lines` holds the complete lines that came before the oversize one. */
  | { ok: false; lines: string[]; error: string };

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private failed = false;

  constructor(private readonly maxLineBytes: number) {}

  /**
   * Feeds one chunk. Returns the complete lines it finished (without the
   * trailing '\n' or '\r\n'; empty lines are dropped). Once a line exceeds
   * the bound the splitter stays failed: the caller is expected to close.
   */
  push(chunk: Buffer): SplitResult {
    const lines: string[] = [];
    if (this.failed) return { ok: false, lines, error: this.overflowMessage() };
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(NEWLINE, start);
      const end = nl === -1 ? chunk.length : nl;
      if (this.pendingBytes + (end - start) > this.maxLineBytes) {
        this.failed = true;
        this.pending = [];
        this.pendingBytes = 0;
        return { ok: false, lines, error: this.overflowMessage() };
      }
      if (nl === -1) {
        this.pending.push(chunk.subarray(start));
        this.pendingBytes += chunk.length - start;
        break;
      }
      const line = this.takeLine(chunk.subarray(start, nl));
      if (line.length > 0) lines.push(line);
      start = nl + 1;
    }
    return { ok: true, lines };
  }

  /**
   * At end of input: the unterminated last line, if any (a client such as
   * `printf '{"cmd":"status"}' | nc -U` sends no final newline).
   */
  finish(): string | undefined {
    if (this.failed || this.pendingBytes === 0) return undefined;
    const line = this.takeLine(Buffer.alloc(0));
    return line.length > 0 ? line : undefined;
  }

  /** Bytes held for a line that has not been terminated yet. */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  private takeLine(tail: Buffer): string {
    let bytes = this.pending.length === 0 ? tail : Buffer.concat([...this.pending, tail]);
    this.pending = [];
    this.pendingBytes = 0;
    if (bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN) bytes = bytes.subarray(0, -1);
    return bytes.toString('utf8');
  }

  private overflowMessage(): string {
    return `line exceeds ${this.maxLineBytes} bytes`;
  }
}
