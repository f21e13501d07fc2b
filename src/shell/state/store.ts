// The daemon's state directory: small JSON records written atomically and
// durably, the incarnation counter, and append-only JSON-lines histories.
// All operations on one store run one at a time, in call order: a load never
// sees (or deletes) the temporary file of a save in progress, and two saves
// never interleave.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { errCode, readFileBounded, StateFileError, writeFileDurably } from './durableFs';
import { computeNextIncarnation, validateIncarnationRecord } from './incarnation';
import { appendLineDurably, readJsonLines } from './jsonl';

/** State records are a few hundred bytes; anything this big is not ours. */
export const MAX_STATE_FILE_BYTES = 1024 * 1024;
export const DEFAULT_JSONL_READ_LIMIT = 1000;
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Returns the value, or a string that says what is wrong with it. The value must not itself be a string. */
export type Validator<T> = (x: unknown) => T | string;

function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class StateStore {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(readonly dir: string) {}

  /** Opens (creating with mode 0700 if missing) a state directory and checks it is writable. */
  static async open(dir: string): Promise<StateStore> {
    const abs = path.resolve(dir);
    let st = await fs.stat(abs).catch((err) => {
      if (errCode(err) === 'ENOENT') return undefined;
      throw new Error(`cannot inspect state directory ${abs}: ${errMessage(err)}`);
    });
    if (st === undefined) {
      try {
        await fs.mkdir(abs, { recursive: true, mode: 0o700 });
        await fs.chmod(abs, 0o700); // mkdir's mode is filtered by the umask
      } catch (err) {
        throw new Error(`cannot create state directory ${abs}: ${errMessage(err)}`);
      }
      st = await fs.stat(abs);
    }
    if (!st.isDirectory()) throw new Error(`state directory ${abs} exists but is not a directory`);
    // access(W_OK) is not enough: it says yes to root on a read-only mount.
    const probe = path.join(abs, `.write-probe-${process.pid}`);
    try {
      await fs.writeFile(probe, 'probe', { mode: 0o600 });
      await fs.unlink(probe);
    } catch (err) {
      throw new Error(`state directory ${abs} is not writable: ${errMessage(err)}`);
    }
    return new StateStore(abs);
  }

  /** Absolute path of `<name>.json`. */
  fileFor(name: string): string {
    return path.join(this.dir, `${checkName(name)}.json`);
  }

  /**
   * Reads `<name>.json`. Missing → undefined. Unreadable, corrupt or invalid
   * → StateFileError naming the file: the daemon must refuse to start rather
   * than guess its epoch. A leftover `.tmp` (a crash mid-save) is removed.
   */
  load<T>(name: string, validate: Validator<T>): Promise<T | undefined> {
    return this.serial(() => this.loadNow(name, validate));
  }

  /** Atomically and durably replaces `<name>.json`. Rejects with a StateFileError on any failure. */
  save(name: string, value: unknown): Promise<void> {
    return this.serial(() => this.saveNow(name, value));
  }

  /** Next incarnation for this run, saved durably before it is returned. See computeNextIncarnation. */
  nextIncarnation(wallClockSeconds: number): Promise<number> {
    return this.serial(async () => {
      const record = await this.loadNow('incarnation', validateIncarnationRecord);
      const next = computeNextIncarnation(record?.last, wallClockSeconds);
      await this.saveNow('incarnation', { last: next });
      return next;
    });
  }

  /** Appends one record to `<name>.jsonl` with fsync, rotating to `<name>.1.jsonl` past maxBytes. */
  // async (not just Promise-returning) so that bad arguments reject instead of throwing.
  async appendJsonl(name: string, record: unknown, options: { maxBytes: number }): Promise<void> {
    const { maxBytes } = options;
    if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) {
      throw new Error(`appendJsonl: maxBytes must be a positive integer, got ${maxBytes}`);
    }
    const [file, rotated] = this.jsonlFiles(name);
    let json: string | undefined;
    try {
      json = JSON.stringify(record);
    } catch (err) {
      throw new StateFileError(file, `cannot append to ${file}: record is not JSON-serialisable: ${errMessage(err)}`);
    }
    if (json === undefined) throw new StateFileError(file, `cannot append to ${file}: record is not JSON`);
    const line = json + '\n';
    return this.serial(() => appendLineDurably(file, rotated, line, maxBytes));
  }

  /** The last `limit` records of `<name>.1.jsonl` + `<name>.jsonl`, newest last; torn lines are skipped. */
  async readJsonl(name: string, options: { limit?: number } = {}): Promise<unknown[]> {
    const limit = options.limit ?? DEFAULT_JSONL_READ_LIMIT;
    const [file, rotated] = this.jsonlFiles(name);
    return this.serial(() => readJsonLines(file, rotated, Math.max(0, limit)));
  }

  private jsonlFiles(name: string): [string, string] {
    const n = checkName(name);
    return [path.join(this.dir, `${n}.jsonl`), path.join(this.dir, `${n}.1.jsonl`)];
  }

  private serial<T>(op: () => Promise<T>): Promise<T> {
    const run = this.queue.then(op);
    this.queue = run.catch(() => undefined); // one failure must not block later operations
    return run;
  }

  private async loadNow<T>(name: string, validate: Validator<T>): Promise<T | undefined> {
    const file = this.fileFor(name);
    await fs.unlink(`${file}.tmp`).catch((err) => {
      if (errCode(err) === 'ENOENT') return;
      throw new StateFileError(file, `cannot remove leftover ${file}.tmp: ${errMessage(err)}`);
    });
    const text = await readFileBounded(file, MAX_STATE_FILE_BYTES);
    if (text === undefined) return undefined;
    const hint = 'edge-ha will not start with it; fix the file or move it away';
    if (text.trim() === '') throw new StateFileError(file, `state file ${file} is empty (${hint})`);
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new StateFileError(file, `state file ${file} is corrupt: invalid JSON: ${errMessage(err)} (${hint})`);
    }
    let checked: T | string;
    try {
      checked = validate(raw);
    } catch (err) {
      checked = errMessage(err);
    }
    if (typeof checked === 'string') {
      throw new StateFileError(file, `state file ${file} is invalid: ${checked} (${hint})`);
    }
    return checked;
  }

  private async saveNow(name: string, value: unknown): Promise<void> {
    const file = this.fileFor(name);
    let text: string | undefined;
    try {
      text = JSON.stringify(value, null, 2);
    } catch (err) {
      const why = `value is not JSON-serialisable: ${errMessage(err)}`;
      throw new StateFileError(file, `cannot save state file ${file}: ${why}`);
    }
    if (text === undefined) throw new StateFileError(file, `cannot save state file ${file}: value is not JSON`);
    await writeFileDurably(file, text + '\n');
  }
}

function checkName(name: string): string {
  if (!NAME_RE.test(name)) {
    throw new Error(`invalid state name ${JSON.stringify(name)}: use 1-64 letters, digits, '-' or '_'`);
  }
  return name;
}
