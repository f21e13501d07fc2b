// Megatec/Q1 receive framer: bytes in, CR-terminated lines out. Pure and
// bounded: a line longer than maxLineBytes is dropped whole (reported once
// with its size) and never grows the buffer. LF also ends a line, because NUT
// reads in canonical mode where NL always terminates; empty lines (the LF of a
// CR LF pair) are skipped. Bytes are kept as Latin-1 chars so garbage reaches
// the decoder unchanged and is rejected there with a precise message.

/** Longest answer in the Q1 family is 47 bytes; Voltronic QGS is 76. */
export const MEGATEC_MAX_LINE_BYTES = 128;

export type MegatecFrame =
  | { kind: 'line'; text: string }
  | { kind: 'overflow'; droppedBytes: number };

const CR = 0x0d;
const LF = 0x0a;

export class MegatecLineFramer {
  private line = '';
  private dropping = false;
  private droppedBytes = 0;

  constructor(private readonly maxLineBytes = MEGATEC_MAX_LINE_BYTES) {}

  /** Bytes of the unfinished line held right now (never above maxLineBytes). */
  get pendingBytes(): number {
    return this.line.length;
  }

  /** Forget a partial line (what NUT's flush before each command does); returns how many bytes were dropped. */
  reset(): number {
    const dropped = this.line.length + this.droppedBytes;
    this.line = '';
    this.dropping = false;
    this.droppedBytes = 0;
    return dropped;
  }

  push(bytes: Uint8Array): MegatecFrame[] {
    const frames: MegatecFrame[] = [];
    for (const byte of bytes) {
      if (byte === CR || byte === LF) {
        this.endLine(frames);
      } else if (this.dropping) {
        this.droppedBytes++;
      } else if (this.line.length >= this.maxLineBytes) {
        this.dropping = true;
        this.droppedBytes = this.line.length + 1;
        this.line = '';
      } else {
        this.line += String.fromCharCode(byte);
      }
    }
    return frames;
  }

  private endLine(frames: MegatecFrame[]): void {
    if (this.dropping) {
      frames.push({ kind: 'overflow', droppedBytes: this.droppedBytes });
      this.dropping = false;
      this.droppedBytes = 0;
    } else if (this.line !== '') {
      frames.push({ kind: 'line', text: this.line });
    }
    this.line = '';
  }
}
