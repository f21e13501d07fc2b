// The line buffer both UPS framers assemble answers in. It knows nothing of
// terminators or in-band bytes (each framer decides which byte ends a line and
// what is pulled out before it gets here); it only keeps a line from growing
// past its limit. A line that would pass the limit is dropped whole: the bytes
// held so far are let go at once, later bytes are only counted, and the line
// ends as one `overflow` carrying the full size, so the buffer never holds more
// than maxBytes and a truncated answer can never be taken for a real one.
// Bytes are kept as Latin-1 chars, so garbage reaches the decoders unchanged.

/** How a line ended: its text, or the size of a line too long to keep. */
export type EndedLine = { kind: 'line'; text: string } | { kind: 'overflow'; droppedBytes: number };

export class BoundedLine {
  private text = '';
  private dropping = false;
  private droppedBytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** Bytes of the unfinished line held right now (never above maxBytes). */
  get pendingBytes(): number {
    return this.text.length;
  }

  /** Add one byte of the line (never a terminator). */
  append(byte: number): void {
    if (this.dropping) {
      this.droppedBytes++;
    } else if (this.text.length >= this.maxBytes) {
      this.dropping = true;
      this.droppedBytes = this.text.length + 1;
      this.text = '';
    } else {
      this.text += String.fromCharCode(byte);
    }
  }

  /** The terminator arrived: hand back what the line was and start a new one. */
  end(): EndedLine {
    const ended: EndedLine = this.dropping ? { kind: 'overflow', droppedBytes: this.droppedBytes } : { kind: 'line', text: this.text };
    this.clear();
    return ended;
  }

  /** Forget the unfinished line (the flush before a command); returns how many bytes it had, kept or counted. */
  reset(): number {
    const dropped = this.text.length + this.droppedBytes;
    this.clear();
    return dropped;
  }

  private clear(): void {
    this.text = '';
    this.dropping = false;
    this.droppedBytes = 0;
  }
}
