// LF-terminated lines for the NUT protocol, with the bounded buffer the serial
// framers use: a line longer than the limit is dropped whole and reported as
// an overflow, so a peer that never sends LF cannot grow our memory. upsd ends
// lines with LF only; a CR before the LF is tolerated and removed.

import { BoundedLine, type EndedLine } from '../boundedLine';
import { NUT_MAX_LINE_CHARS } from './protocol';

const LF = 0x0a;

export class NutLineFramer {
  private readonly line: BoundedLine;

  constructor(readonly maxLineBytes = NUT_MAX_LINE_CHARS) {
    this.line = new BoundedLine(maxLineBytes);
  }

  get pendingBytes(): number {
    return this.line.pendingBytes;
  }

  /** Lines completed by these bytes, decoded as UTF-8 (NUT values may carry it). */
  push(bytes: Uint8Array): EndedLine[] {
    const out: EndedLine[] = [];
    for (const byte of bytes) {
      if (byte !== LF) {
        this.line.append(byte);
        continue;
      }
      const ended = this.line.end();
      if (ended.kind === 'overflow') {
        out.push(ended);
        continue;
      }
      const text = ended.text.endsWith('\r') ? ended.text.slice(0, -1) : ended.text;
      out.push({ kind: 'line', text: Buffer.from(text, 'latin1').toString('utf8') });
    }
    return out;
  }

  reset(): number {
    return this.line.reset();
  }
}
