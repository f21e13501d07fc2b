// APC Smart receive framer. Answers are text ended by CR LF: LF ends a line,
// CR is ignored (NUT: ENDCHAR LF with IGNCR). Alert bytes are pulled out of the
// stream wherever they fall, even inside a reply, and emitted in arrival order
// as separate frames; the reply around them is still assembled intact.
// In `raw` mode (used for the `a` answer, which lists the alert characters
// themselves) nothing is pulled out. Bounded: an overlong line is dropped and
// reported once, and the buffer never exceeds maxLineBytes.

import { BoundedLine, type EndedLine } from '../boundedLine';
import { alertForByte, type ApcAlert } from './alerts';

/** The longest ordinary answer is a model or capability string; 256 leaves room. */
export const APC_MAX_LINE_BYTES = 256;

export type ApcFrame = EndedLine | { kind: 'alert'; alert: ApcAlert };

export type ApcFramerMode = 'alerts' | 'raw';

const CR = 0x0d;
const LF = 0x0a;

export class ApcSmartFramer {
  private readonly line: BoundedLine;
  private mode: ApcFramerMode = 'alerts';

  constructor(maxLineBytes = APC_MAX_LINE_BYTES) {
    this.line = new BoundedLine(maxLineBytes);
  }

  get pendingBytes(): number {
    return this.line.pendingBytes;
  }

  setMode(mode: ApcFramerMode): void {
    this.mode = mode;
  }

  /** Drop a partial line (flush before a command); returns the bytes dropped. */
  reset(): number {
    return this.line.reset();
  }

  push(bytes: Uint8Array): ApcFrame[] {
    const frames: ApcFrame[] = [];
    for (const byte of bytes) {
      if (byte === CR) continue;
      // An empty line is passed on too: an empty answer is still an answer here.
      if (byte === LF) {
        frames.push(this.line.end());
        continue;
      }
      const alert = this.mode === 'alerts' ? alertForByte(byte) : undefined;
      if (alert) frames.push({ kind: 'alert', alert });
      else this.line.append(byte);
    }
    return frames;
  }
}
