/**
 * `fitkit export --format parquet`: FIT files (named, in folders, in archives) to one Parquet
 * table per message type, `OUT/<message>/part-<run>-<n>.parquet`, readable as one table with a
 * glob (`read_parquet('OUT/record/*.parquet', union_by_name = true)` in DuckDB,
 * `pyarrow.dataset` / `pandas.read_parquet('OUT/record')`, Spark).
 *
 * Incremental: `OUT/.fitkit-export/exported.tsv` lists every file exported, by content (SHA-256)
 * and by where it was (path, device, inode, size, mtime, ctime). A file whose stat still matches
 * is passed over unread; one whose content was exported before under any name is passed over
 * after hashing. A run's rows land in parts named for the run, and the run counts as done only
 * when its lines reach the list (after every part is renamed into place and fsynced). Until then
 * its parts are temporaries: an error or a signal removes them, and parts a SIGKILL left (no
 * listed run owns them) the next run deletes first, so no row is ever exported twice. One run at a time per OUT (the library lock).
 *
 * Memory: one file's columns plus each table's buffered rows, drained to a part at `maxCells`.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, type BigIntStats } from 'node:fs';
import { join } from 'node:path';
import { FitkitError } from '../errors.js';
import { decodeFitColumns, type ColumnDecodeResult } from '../fit/decode/columns.js';
import type { Profile } from '../fit/profile/profile.js';
import { LibraryLock } from '../library/lock.js';
import { archiveKindOfFile, readArchive } from '../platform/archive.js';
import { writeFileAtomic } from '../platform/atomic-file.js';
import { fsyncDir } from '../platform/durable-file.js';
import { trackTemp, untrackTemp } from '../platform/temp-registry.js';
import { writeParquetPart } from './parquet-part.js';
import { TableBuffer, type FileIdentity } from './table-buffer.js';

export const STATE_DIR = '.fitkit-export';
const MANIFEST = 'exported.tsv';
const HEADER = 'sha256\tsize\tdev\tino\tmtime_ns\tctime_ns\trun\tpath';

export interface ExportOptions {
  out: string;
  profile: Profile;
  /** Message types to export (default: every type the profile knows). */
  messages?: readonly string[];
  /** Rows x columns a table buffers before it is written as a part. */
  maxCells?: number;
  createdBy?: string;
  onProgress?: (done: number, total: number) => void;
}

export interface ExportProblem {
  path: string;
  code: string;
  message: string;
  /** Byte offset in the file, where known. */
  offset?: number;
}

export interface ExportResult {
  run: string;
  exported: number;
  /** Already in OUT (same stat, or same content under another name). */
  held: number;
  /** Read but not exported: not FIT, unreadable, damaged past decoding. */
  problems: ExportProblem[];
  /** Exported as far as they decode, with the first error found. */
  warnings: ExportProblem[];
  bytesRead: number;
  tables: Record<string, { rows: number; parts: number; bytes: number }>;
}

interface ManifestLine {
  sha256: string;
  size: number;
  dev: string;
  ino: string;
  mtimeNs: string;
  ctimeNs: string;
  run: string;
  path: string;
}

/** Exports `files` (paths of FIT files or archives holding them) into `opts.out`. */
export async function exportParquet(files: readonly string[], opts: ExportOptions): Promise<ExportResult> {
  const state = join(opts.out, STATE_DIR);
  mkdirSync(state, { recursive: true });
  const lock = await LibraryLock.acquire(state, { timeoutMs: 0 });
  try {
    return await new ExportRun(opts, state).run(files);
  } finally {
    lock.release();
  }
}

class ExportRun {
  readonly runId = runId();
  readonly #tables = new Map<string, TableBuffer>();
  readonly #written = new Map<string, { rows: number; parts: number; bytes: number }>();
  readonly #bySha = new Set<string>();
  readonly #byPath = new Map<string, ManifestLine>();
  readonly #lines: ManifestLine[] = [];
  readonly #fresh: ManifestLine[] = [];
  /** Parts written by this run, not yet owned by a listed run. */
  readonly #parts: string[] = [];
  readonly #wanted: Set<string> | undefined;
  readonly result: ExportResult;

  constructor(
    private readonly opts: ExportOptions,
    private readonly state: string,
  ) {
    this.#wanted = opts.messages && new Set(opts.messages);
    this.result = { run: this.runId, exported: 0, held: 0, problems: [], warnings: [], bytesRead: 0, tables: {} };
  }

  async run(files: readonly string[]): Promise<ExportResult> {
    this.#readManifest();
    this.#removeOrphans();
    let done = 0;
    for (const path of files) {
      await this.#source(path);
      this.opts.onProgress?.(++done, files.length);
    }
    for (const [name, t] of this.#tables) if (t.rows > 0) await this.#flush(name, t);
    await this.#commit();
    this.result.tables = Object.fromEntries([...this.#written].sort(([a], [b]) => (a < b ? -1 : 1)));
    return this.result;
  }

  async #source(path: string): Promise<void> {
    let st: BigIntStats;
    try {
      st = statSync(path, { bigint: true });
    } catch (e) {
      this.#problem(path, 'unreadable', (e as Error).message);
      return;
    }
    const known = this.#byPath.get(path);
    if (known && sameStat(known, st)) {
      this.result.held++;
      return;
    }
    let kind;
    try {
      kind = archiveKindOfFile(path);
    } catch (e) {
      this.#problem(path, 'unreadable', (e as Error).message);
      return;
    }
    if (kind === undefined) {
      let bytes: Uint8Array;
      try {
        bytes = readFileSync(path);
      } catch (e) {
        this.#problem(path, 'unreadable', (e as Error).message);
        return;
      }
      await this.#bytes(path, bytes, st);
      return;
    }
    try {
      for await (const item of readArchive(path)) {
        if (item.kind === 'problem') this.#problem(item.path, item.error.code, item.error.message);
        else await this.#bytes(item.path, item.bytes, kind === 'gzip' ? st : undefined);
      }
    } catch (e) {
      const err = e instanceof FitkitError ? e : new FitkitError('archive_corrupt', (e as Error).message);
      this.#problem(path, err.code, err.message);
    }
  }

  async #bytes(path: string, bytes: Uint8Array, st: BigIntStats | undefined): Promise<void> {
    this.result.bytesRead += bytes.length;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const line: ManifestLine = {
      sha256,
      size: bytes.length,
      dev: st ? String(st.dev) : '',
      ino: st ? String(st.ino) : '',
      mtimeNs: st ? String(st.mtimeNs) : '',
      ctimeNs: st ? String(st.ctimeNs) : '',
      run: this.runId,
      path,
    };
    if (this.#bySha.has(sha256)) {
      this.result.held++;
      if (st) this.#fresh.push(line); // remembered under this name too: next time no read at all
      return;
    }
    let decoded: ColumnDecodeResult;
    try {
      decoded = decodeFitColumns(bytes, { profile: this.opts.profile, messages: this.opts.messages });
    } catch (e) {
      const err = e instanceof FitkitError ? e : new FitkitError('not_fit', (e as Error).message);
      this.#problem(path, err.code, err.message);
      return;
    }
    const error = decoded.diagnostics.find((d) => d.level === 'error');
    let rows = 0;
    for (const m of decoded.messages.values()) rows += m.length;
    if (error && rows === 0) {
      this.#problem(path, error.code, error.message, error.offset);
      return;
    }
    // Damaged but readable (a watch that died mid-ride): its rows are worth having; say so.
    if (error) this.result.warnings.push({ path, code: error.code, message: error.message, offset: error.offset });
    const id = identity(path, decoded);
    for (const [name, m] of decoded.messages) {
      if (m.length === 0 || name.startsWith('unknown') || (this.#wanted && !this.#wanted.has(name))) continue;
      let t = this.#tables.get(name);
      if (!t) this.#tables.set(name, (t = new TableBuffer(name, this.opts.profile)));
      // In slices, so a long recording's rows never pass the bound in the buffer at once.
      const maxCells = this.opts.maxCells ?? 4_000_000;
      const slice = Math.max(1, Math.floor(maxCells / TableBuffer.width(m)));
      for (let start = 0; start < m.length; start += slice) {
        t.append(m, id, start, Math.min(m.length, start + slice));
        if (t.cells >= maxCells) await this.#flush(name, t);
      }
    }
    this.#bySha.add(sha256);
    this.#fresh.push(line);
    this.result.exported++;
  }

  async #flush(name: string, t: TableBuffer): Promise<void> {
    const dir = join(this.opts.out, name);
    mkdirSync(dir, { recursive: true });
    const w = this.#written.get(name) ?? { rows: 0, parts: 0, bytes: 0 };
    const rows = t.rows;
    const path = join(dir, `part-${this.runId}-${w.parts}.parquet`);
    // A part is this run's until the run is listed: a signal before then removes it with the temps.
    trackTemp(path);
    this.#parts.push(path);
    const part = await writeParquetPart(path, t.drain(), rows, this.opts.createdBy ?? 'fitkit');
    await fsyncDir(dir);
    this.#written.set(name, { rows: w.rows + rows, parts: w.parts + 1, bytes: w.bytes + part.bytes });
  }

  /** The run's files join the list: from here on its parts are kept. */
  async #commit(): Promise<void> {
    if (this.#fresh.length === 0) return;
    const text = [HEADER, ...[...this.#lines, ...this.#fresh].map(formatLine)].join('\n') + '\n';
    writeFileAtomic(join(this.state, MANIFEST), (out) => out.write(text));
    await fsyncDir(this.state);
    for (const p of this.#parts) untrackTemp(p);
  }

  #readManifest(): void {
    let text: string;
    try {
      text = readFileSync(join(this.state, MANIFEST), 'utf8');
    } catch {
      return;
    }
    const rows = text.split('\n');
    for (let i = 1; i < rows.length; i++) {
      if (rows[i] === '') continue;
      const f = rows[i]!.split('\t');
      if (f.length !== 8) {
        throw new FitkitError('bad_export_state', `line ${i + 1} is not ${HEADER.split('\t').length} tab-separated fields`, {
          file: join(this.state, MANIFEST),
        });
      }
      const line: ManifestLine = { sha256: f[0]!, size: Number(f[1]), dev: f[2]!, ino: f[3]!, mtimeNs: f[4]!, ctimeNs: f[5]!, run: f[6]!, path: f[7]! };
      this.#lines.push(line);
      this.#bySha.add(line.sha256);
      if (line.dev !== '') this.#byPath.set(line.path, line);
    }
  }

  /** Parts of runs that never reached the list (killed half way): their rows would come twice. */
  #removeOrphans(): void {
    const runs = new Set(this.#lines.map((l) => l.run));
    let tables: string[];
    try {
      tables = readdirSync(this.opts.out);
    } catch {
      return;
    }
    for (const table of tables) {
      if (table === STATE_DIR) continue;
      let parts: string[];
      try {
        parts = readdirSync(join(this.opts.out, table));
      } catch {
        continue; // not a folder
      }
      for (const p of parts) {
        const m = /^part-(.+)-\d+\.parquet$/.exec(p);
        if (m && !runs.has(m[1]!)) rmSync(join(this.opts.out, table, p), { force: true });
      }
    }
  }

  #problem(path: string, code: string, message: string, offset?: number): void {
    this.result.problems.push({ path, code, message, ...(offset === undefined ? {} : { offset }) });
  }
}

function sameStat(l: ManifestLine, st: BigIntStats): boolean {
  return l.size === Number(st.size) && l.dev === String(st.dev) && l.ino === String(st.ino) && l.mtimeNs === String(st.mtimeNs) && l.ctimeNs === String(st.ctimeNs);
}

function formatLine(l: ManifestLine): string {
  return [l.sha256, l.size, l.dev, l.ino, l.mtimeNs, l.ctimeNs, l.run, l.path.replace(/[\t\n]/g, ' ')].join('\t');
}

/** A sortable id unique to this run: UTC time to the millisecond, then the process id. */
function runId(): string {
  return `${new Date().toISOString().replace(/[-:.]/g, '')}-${process.pid}`;
}

function identity(path: string, d: ColumnDecodeResult): FileIdentity {
  const fid = d.messages.get('file_id');
  const num = (name: string): number | null => {
    const c = fid?.columns[name];
    if (!c || (c.kind !== 'number' && c.kind !== 'time') || fid!.length === 0) return null;
    const v = c.values[0]!;
    return Number.isNaN(v) ? null : v;
  };
  const typeCol = fid?.columns['type'];
  const typeNum = num('type');
  const type = typeNum === null ? null : (typeCol?.kind === 'number' && typeCol.names?.get(typeNum)) || String(typeNum);
  return { file: path, serial: num('serial_number'), type, timeCreatedMs: num('time_created') };
}
