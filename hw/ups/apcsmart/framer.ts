// APC Smart receive framer. Answers are text ended by CR LF: LF ends a line,
// CR is ignored (NUT: ENDCHAR LF with IGNCR). Alert bytes are pulled out of the
// stream wherever they fall, even inside a reply, and emitted in arrival order
// as separate frames; the reply around them is still assembled intact.
// In `raw` mode (used for the `a` answer, which lists the alert characters
// themselves) nothing is pulled out. Bounded: an overlong line is dropped and
// reported once, and the buffer never exceeds maxLineBytes.

import { alertForByte, type ApcAlert } from './alerts';

/** The longest ordinary answer is a model or capability string; 256 leaves room. */
export const APC_MAX_LINE_BYTES = 256;

export type ApcFrame =
  | { kind: 'line'; text: string }
  | { kind: 'alert'; alert: ApcAlert }
  | { kind: 'overflow'; droppedBytes: number };

export type ApcFramerMode = 'alerts' | 'raw';

const CR = 0x0d;
const LF = 0x0a;

export class ApcSmartFramer {
  private line = '';
  private dropping = false;
  private droppedBytes = 0;
  private mode: ApcFramerMode = 'alerts';

  constructor(private readonly maxLineBytes = APC_MAX_LINE_BYTES) {}

  get pendingBytes(): number {
    return this.line.length;
  }

  setMode(mode: ApcFramerMode): void {
    this.mode = mode;
  }

  /** Drop a partial line (flush before a command); returns the bytes dropped. */
  reset(): number {
    const dropped = this.line.length + this.droppedBytes;
    this.line = '';
    this.dropping = false;
    this.droppedBytes = 0;
    return dropped;
  }

  push(bytes: Uint8Array): ApcFrame[] {
    const frames: ApcFrame[] = [];
    for (const byte of bytes) {
      if (byte === CR) continue;
      if (byte === LF) {
        this.endLine(frames);
        continue;
      }
      const alert = this.mode === 'alerts' ? alertForByte(byte) : undefined;
      if (alert) frames.push({ kind: 'alert', alert });
      else this.append(byte);
    }
    return frames;
  }

  private append(byte: number): void {
    if (this.dropping) {
      this.droppedBytes++;
    } else if (this.line.length >= this.maxLineBytes) {
      this.dropping = true;
      this.droppedBytes = this.line.length + 1;
      this.line = '';
    } else {
      this.line += String.fromCharCode(byte);
    }
  }

  private endLine(frames: ApcFrame[]): void {
    if (this.dropping) frames.push({ kind: 'overflow', droppedBytes: this.droppedBytes });
    else frames.push({ kind: 'line', text: this.line });
    this.line = '';
    this.dropping = false;
    this.droppedBytes = 0;
  }
}
