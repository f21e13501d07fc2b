// The simulated power switch's line protocol. ASCII, one command per line,
// `\r?\n` terminated, at most 128 bytes per line (terminator excluded):
//
//   STATUS <plug>   → OK ON | OK OFF
//   OFF <plug>      → OK OFF          (after the power is off)
//   ON <plug>       → OK ON
//   REBOOT <plug>   → OK OFF          (after the off half; power returns after a delay)
//   LIST            → OK <plug>=ON|OFF ...
//   errors          → ERR <what is wrong>
//
// Parsers here never throw: bad input yields a typed error.

export const MAX_LINE_BYTES = 128;

/** Plug names the switch can serve: no spaces, no `=` (LIST uses it), short. */
const PLUG_NAME = /^[A-Za-z0-9_.:-]{1,64}$/;

export function isValidPlugName(name: string): boolean {
  return PLUG_NAME.test(name);
}

export type PlugVerb = 'STATUS' | 'OFF' | 'ON' | 'REBOOT';
const PLUG_VERBS: ReadonlySet<string> = new Set<PlugVerb>(['STATUS', 'OFF', 'ON', 'REBOOT']);

export type SimPowerCommand = { verb: 'LIST' } | { verb: PlugVerb; plug: string };

export type ParsedLine =
  | { kind: 'command'; command: SimPowerCommand }
  /** A blank line: ignored, so a person typing in `nc` can press enter. */
  | { kind: 'empty' }
  | { kind: 'error'; reply: string };

/** Parses one request line (terminator already removed). */
export function parseCommandLine(line: string): ParsedLine {
  if (!/^[\x20-\x7e\t]*$/.test(line)) return { kind: 'error', reply: 'ERR unknown command' };
  const words = line.trim().split(/[ \t]+/).filter((w) => w !== '');
  const verb = words[0]?.toUpperCase();
  if (verb === undefined) return { kind: 'empty' };
  if (verb === 'LIST') {
    return words.length === 1 ? { kind: 'command', command: { verb: 'LIST' } } : { kind: 'error', reply: 'ERR usage: LIST' };
  }
  if (PLUG_VERBS.has(verb)) {
    const plug = words[1];
    if (plug === undefined || words.length !== 2) return { kind: 'error', reply: `ERR usage: ${verb} <plug>` };
    return { kind: 'command', command: { verb: verb as PlugVerb, plug } };
  }
  return { kind: 'error', reply: 'ERR unknown command' };
}

export type ParsedReply =
  | { kind: 'ok'; text: string }
  | { kind: 'err'; message: string }
  | { kind: 'garbage'; reason: string };

/** Parses one reply line (terminator already removed). */
export function parseReply(line: string): ParsedReply {
  if (!/^[\x20-\x7e]*$/.test(line)) return { kind: 'garbage', reason: 'reply contains non-ASCII or control bytes' };
  if (line === 'OK') return { kind: 'ok', text: '' };
  if (line.startsWith('OK ')) return { kind: 'ok', text: line.slice(3) };
  if (line.startsWith('ERR ')) return { kind: 'err', message: line.slice(4) };
  return { kind: 'garbage', reason: `unexpected reply ${JSON.stringify(line)}` };
}

/**
 * Splits a byte stream into lines, holding at most maxLineBytes (+1 for a
 * `\r`) of an unfinished line. Once a line is too long the reader stays
 * poisoned: the connection is to be closed.
 */
export class LineReader {
  private pending: Buffer = Buffer.alloc(0);
  private overflowed = false;

  constructor(private readonly maxLineBytes = MAX_LINE_BYTES) {}

  feed(chunk: Buffer): { lines: string[]; overflow: boolean } {
    const lines: string[] = [];
    if (this.overflowed) return { lines, overflow: true };
    let buf = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    for (let nl = buf.indexOf(0x0a); nl !== -1; nl = buf.indexOf(0x0a)) {
      const end = nl > 0 && buf[nl - 1] === 0x0d ? nl - 1 : nl;
      if (end > this.maxLineBytes) return this.overflow(lines);
      // latin1 maps each byte to one char, so the parser can see (and refuse) non-ASCII bytes.
      lines.push(buf.toString('latin1', 0, end));
      buf = buf.subarray(nl + 1);
    }
    if (buf.length > this.maxLineBytes + 1) return this.overflow(lines);
    this.pending = Buffer.from(buf);
    return { lines, overflow: false };
  }

  private overflow(lines: string[]): { lines: string[]; overflow: boolean } {
    this.overflowed = true;
    this.pending = Buffer.alloc(0);
    return { lines, overflow: true };
  }
}
