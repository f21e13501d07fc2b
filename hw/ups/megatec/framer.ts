// Megatec/Q1 receive framer: bytes in, CR-terminated lines out. Pure and
// bounded: a line longer than maxLineBytes is dropped whole (reported once
// with its size) and never grows the buffer. LF also ends a line, because NUT
// reads in canonical mode where NL always terminates; empty lines (the LF of a
// CR LF pair) are skipped. Bytes are kept as Latin-1 chars so garbage reaches
// the decoder unchanged and is rejected there with a precise message.

import { BoundedLine, type EndedLine } from '../boundedLine';

/** Longest answer in the Q1 family is 47 bytes; Voltronic QGS is 76. */
export const MEGATEC_MAX_LINE_BYTES = 128;

export type MegatecFrame = EndedLine;

const CR = 0x0d;
const LF = 0x0a;

export class MegatecLineFramer {
  private readonly line: BoundedLine;

  constructor(maxLineBytes = MEGATEC_MAX_LINE_BYTES) {
    this.line = new BoundedLine(maxLineBytes);
  }

  /** Bytes of the unfinished line held right now (never above maxLineBytes). */
  get pendingBytes(): number {
    return this.line.pendingBytes;
  }

  /** Forget a partial line (what NUT's flush before each command does); returns how many bytes were dropped. */
  reset(): number {
    return this.line.reset();
  }

  push(bytes: Uint8Array): MegatecFrame[] {
    const frames: MegatecFrame[] = [];
    for (const byte of bytes) {
      if (byte === CR || byte === LF) {
        const ended = this.line.end();
        // The second terminator of CR LF ends an empty line: not an answer.
        if (ended.kind === 'overflow' || ended.text !== '') frames.push(ended);
      } else {
        this.line.append(byte);
      }
    }
    return frames;
  }
}
