/**
 * Where downloads wait before the library takes them: `.fitkit/incoming/<pid>-<random>/<n>/`,
 * one folder per run and one per file (device names may repeat). A download is written to
 * `<name>.part`, fsynced, and renamed to its device name only when complete, so nothing partial
 * ever carries a final name. Staging is inside the library's file system, so the library takes a
 * staged file by one link (docs/library-durability.md). Run folders of processes that are gone
 * are removed at start.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, futimesSync, lstatSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { IoMeter } from '../library/io-meter.js';
import { checkLibraryPath, ensureLibraryFolder } from '../library/library-dirs.js';
import { processAlive } from '../library/lock.js';
import { trackTemp, untrackTemp } from '../platform/temp-registry.js';
import { sanitiseFileName } from '../library/sanitise.js';

export const INCOMING_DIR = 'incoming';

export class Staging {
  readonly dir: string;
  readonly #meter?: IoMeter;
  #n = 0;

  private constructor(dir: string, meter?: IoMeter) {
    this.dir = dir;
    this.#meter = meter;
  }

  /**
   * A fresh run folder under `<stateDir>/incoming`, after sweeping those of dead processes.
   * `incoming` must be a real folder of ours (checked before the sweep deletes anything in it).
   */
  static create(stateDir: string, meter?: IoMeter): Staging {
    checkLibraryPath(stateDir, 'folder');
    const base = ensureLibraryFolder(join(stateDir, INCOMING_DIR), 0o700);
    sweepStale(base);
    const dir = join(base, `${process.pid}-${randomBytes(4).toString('hex')}`);
    mkdirSync(dir, { mode: 0o700 });
    trackTemp(dir);
    return new Staging(dir, meter);
  }

  /** A writer for one download, to be named `name` (sanitised) when complete. */
  open(name: string): StagedFile {
    const dir = join(this.dir, String(this.#n++));
    mkdirSync(dir);
    return new StagedFile(dir, sanitiseFileName(name) || 'download.fit', this.#meter);
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
    untrackTemp(this.dir);
  }
}

export class StagedFile {
  readonly path: string;
  readonly #part: string;
  readonly #dir: string;
  readonly #meter?: IoMeter;
  #fd: number | undefined;
  bytes = 0;

  constructor(dir: string, name: string, meter?: IoMeter) {
    this.#dir = dir;
    this.#meter = meter;
    this.path = join(dir, name);
    this.#part = this.path + '.part';
    this.#fd = openSync(this.#part, 'wx', 0o644);
  }

  write(chunk: Uint8Array): void {
    let off = 0;
    while (off < chunk.length) off += writeSync(this.#fd!, chunk, off, chunk.length - off);
    this.bytes += chunk.length;
  }

  /** Sets its mtime, fsyncs, and gives it its name. */
  commit(mtime?: Date): string {
    if (mtime) futimesSync(this.#fd!, mtime, mtime);
    fsyncSync(this.#fd!);
    this.#meter?.wrote(this.bytes);
    closeSync(this.#fd!);
    this.#fd = undefined;
    renameSync(this.#part, this.path);
    return this.path;
  }

  /** Throws the partial download away. */
  discard(): void {
    if (this.bytes > 0) this.#meter?.wrote(this.bytes);
    this.bytes = 0;
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/** Removes run folders (`<pid>-<hex>`, real folders, ours) of processes that are gone; nothing else. */
function sweepStale(base: string): void {
  for (const name of readdirSync(base)) {
    const m = /^(\d+)-[0-9a-f]{8}$/.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || processAlive(pid)) continue;
    const p = join(base, name);
    const st = lstatSync(p);
    if (st.isDirectory() && st.uid === (process.getuid?.() ?? st.uid)) rmSync(p, { recursive: true, force: true });
  }
}
