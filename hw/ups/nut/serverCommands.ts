// What our read-only upsd answers, one request line at a time, without any
// socket: the network part (server.ts) feeds lines in and writes lines out.
// Answers follow upsd 2.8.0 as checked on Debian 12 (reference §5.2), so
// upsc, upsmon and our own client can read from us unchanged. Anything that
// would change the UPS (SET, INSTCMD, FSD, PRIMARY) is refused: this server
// publishes readings, it does not control hardware.

import type { UpsReading } from '../model';
import { readingToNutVars } from '../nutVars';
import { hasControlChars, isBareWord, quoteNut, splitNutWords, type NutErrorCode } from './protocol';

export interface NutServedUps {
  name: string;
  description?: string;
}

/** What the provider knows of one UPS right now. */
export type NutProvided = UpsReading | { vars: ReadonlyMap<string, string> } | 'stale' | 'not-connected';

export interface NutUser {
  password: string;
  /** May LOGIN (upsmon primary/secondary role in upsd.users). */
  upsmon?: boolean;
}

export interface NutServerConfig {
  ups: readonly NutServedUps[];
  provider: (ups: string) => NutProvided | Promise<NutProvided>;
  users?: Readonly<Record<string, NutUser>>;
  version?: string;
}

/** Who is logged in to which UPS, shared by all connections of one server. */
export class NutLogins {
  private readonly byUps = new Map<string, Set<NutConnectionState>>();
  add(ups: string, conn: NutConnectionState): void {
    const set = this.byUps.get(ups) ?? new Set();
    set.add(conn);
    this.byUps.set(ups, set);
  }
  remove(conn: NutConnectionState): void {
    for (const set of this.byUps.values()) set.delete(conn);
  }
  of(ups: string): NutConnectionState[] {
    return [...(this.byUps.get(ups) ?? [])];
  }
}

export interface NutConnectionState {
  readonly address: string;
  username?: string;
  password?: string;
  loggedIn?: string;
}

export interface NutAnswer {
  lines: string[];
  /** LOGOUT: close after sending. */
  close?: boolean;
}

export const NUT_HELP = 'Commands: HELP VER GET LIST SET INSTCMD LOGIN LOGOUT USERNAME PASSWORD STARTTLS';
export const NUT_SERVER_VERSION = 'Network UPS Tools compatible read-only server (edge-ha)';
const WRITE_COMMANDS = new Set(['SET', 'INSTCMD', 'FSD', 'PRIMARY', 'MASTER']);

const fail = (code: NutErrorCode): NutAnswer => ({ lines: [`ERR ${code}`] });
const one = (line: string): NutAnswer => ({ lines: [line] });

export class NutCommandHandler {
  private readonly upsByName: Map<string, NutServedUps>;

  constructor(
    private readonly config: NutServerConfig,
    private readonly logins: NutLogins = new NutLogins(),
  ) {
    this.upsByName = new Map(config.ups.map((u) => [u.name, u]));
  }

  async handle(line: string, conn: NutConnectionState): Promise<NutAnswer> {
    const parsed = splitNutWords(line);
    if (!parsed.ok) return fail('INVALID-ARGUMENT');
    const [cmd = '', ...args] = parsed.value;
    if (cmd === '') return { lines: [] }; // upsd ignores blank lines
    switch (cmd.toUpperCase()) {
      case 'VER':
        return one(this.config.version ?? NUT_SERVER_VERSION);
      case 'NETVER':
      case 'PROTVER':
        return one('1.3');
      case 'HELP':
        return one(NUT_HELP);
      case 'STARTTLS':
        return fail('FEATURE-NOT-CONFIGURED');
      case 'LIST':
        return this.list(args);
      case 'GET':
        return this.get(args);
      case 'USERNAME':
      case 'PASSWORD':
        return this.credential(cmd.toUpperCase() === 'USERNAME' ? 'username' : 'password', args, conn);
      case 'LOGIN':
        return this.login(args, conn);
      case 'LOGOUT':
        this.logins.remove(conn);
        return { lines: ['OK Goodbye'], close: true };
      default:
        return WRITE_COMMANDS.has(cmd.toUpperCase()) ? fail('ACCESS-DENIED') : fail('UNKNOWN-COMMAND');
    }
  }

  /** Called when a connection goes away, so NUMLOGINS stays right. */
  forget(conn: NutConnectionState): void {
    this.logins.remove(conn);
  }

  private async list(args: string[]): Promise<NutAnswer> {
    const [what = '', ups, variable, ...rest] = args;
    const kind = what.toUpperCase();
    if (kind === 'UPS' && args.length === 1) {
      const rows = this.config.ups.map((u) => `UPS ${u.name} ${quoteNut(u.description ?? 'Description unavailable')}`);
      return { lines: ['BEGIN LIST UPS', ...rows, 'END LIST UPS'] };
    }
    const needsVar = kind === 'ENUM' || kind === 'RANGE';
    if (!['VAR', 'RW', 'CMD', 'CLIENT', 'ENUM', 'RANGE'].includes(kind) || ups === undefined || rest.length > 0) return fail('INVALID-ARGUMENT');
    if (needsVar !== (variable !== undefined)) return fail('INVALID-ARGUMENT');
    if (!this.upsByName.has(ups)) return fail('UNKNOWN-UPS');
    const head = [kind, ups, ...(variable === undefined ? [] : [variable])].join(' ');
    const block = (rows: string[]) => ({ lines: [`BEGIN LIST ${head}`, ...rows, `END LIST ${head}`] });
    if (kind === 'RW' || kind === 'CMD') return block([]); // read-only: nothing writable, no instant commands
    if (kind === 'CLIENT') return block(this.logins.of(ups).map((c) => `CLIENT ${ups} ${c.address}`));
    const vars = await this.varsOf(ups);
    if (!(vars instanceof Map)) return vars;
    if (needsVar) return vars.has(variable!) ? block([]) : fail('VAR-NOT-SUPPORTED');
    return block([...vars].map(([name, value]) => `VAR ${ups} ${name} ${quoteNut(value)}`));
  }

  private async get(args: string[]): Promise<NutAnswer> {
    const [what = '', ups, name, ...rest] = args;
    const kind = what.toUpperCase();
    if (ups === undefined || rest.length > 0) return fail('INVALID-ARGUMENT');
    const arity: Record<string, number> = { UPSDESC: 2, NUMLOGINS: 2, VAR: 3, TYPE: 3, DESC: 3, CMDDESC: 3 };
    if (arity[kind] !== args.length) return fail('INVALID-ARGUMENT');
    const served = this.upsByName.get(ups);
    if (!served) return fail('UNKNOWN-UPS');
    if (kind === 'UPSDESC') return one(`UPSDESC ${ups} ${quoteNut(served.description ?? 'Description unavailable')}`);
    if (kind === 'NUMLOGINS') return one(`NUMLOGINS ${ups} ${this.logins.of(ups).length}`);
    if (kind === 'CMDDESC') return fail('CMD-NOT-SUPPORTED');
    const vars = await this.varsOf(ups);
    if (!(vars instanceof Map)) return vars;
    const value = vars.get(name!);
    if (value === undefined) return fail('VAR-NOT-SUPPORTED');
    if (kind === 'VAR') return one(`VAR ${ups} ${name} ${quoteNut(value)}`);
    if (kind === 'DESC') return one(`DESC ${ups} ${name} ${quoteNut('Description unavailable')}`);
    const numeric = /^[+-]?(\d+\.?\d*|\.\d+)$/.test(value);
    return one(`TYPE ${ups} ${name} ${numeric ? 'NUMBER' : `STRING:${Math.max(value.length, 1)}`}`);
  }

  private credential(field: 'username' | 'password', args: string[], conn: NutConnectionState): NutAnswer {
    if (args.length !== 1) return fail('INVALID-ARGUMENT');
    if (conn[field] !== undefined) return fail(field === 'username' ? 'ALREADY-SET-USERNAME' : 'ALREADY-SET-PASSWORD');
    conn[field] = args[0];
    return one('OK');
  }

  private login(args: string[], conn: NutConnectionState): NutAnswer {
    if (args.length !== 1) return fail('INVALID-ARGUMENT');
    if (conn.username === undefined) return fail('USERNAME-REQUIRED');
    if (conn.password === undefined) return fail('PASSWORD-REQUIRED');
    if (conn.loggedIn !== undefined) return fail('ALREADY-LOGGED-IN');
    if (!this.upsByName.has(args[0]!)) return fail('UNKNOWN-UPS');
    const users = this.config.users ?? {};
    const user = Object.prototype.hasOwnProperty.call(users, conn.username) ? users[conn.username] : undefined;
    if (!user || user.password !== conn.password || user.upsmon !== true) return fail('ACCESS-DENIED');
    conn.loggedIn = args[0]!;
    this.logins.add(args[0]!, conn);
    return one('OK');
  }

  private async varsOf(ups: string): Promise<Map<string, string> | NutAnswer> {
    let provided: NutProvided;
    try {
      provided = await this.config.provider(ups);
    } catch {
      return fail('DRIVER-NOT-CONNECTED');
    }
    if (provided === 'stale') return fail('DATA-STALE');
    if (provided === 'not-connected') return fail('DRIVER-NOT-CONNECTED');
    const raw = 'vars' in provided ? provided.vars : readingToNutVars(provided as UpsReading);
    const out = new Map<string, string>();
    for (const [name, value] of raw) {
      if (!isBareWord(name)) continue; // a name with spaces could not be asked for again
      out.set(name, hasControlChars(value) ? value.replace(/[\x00-\x1f\x7f]/g, ' ') : value);
    }
    return out;
  }
}
