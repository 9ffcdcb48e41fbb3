/**
 * Where downloads wait before the library takes them: `.fitkit/incoming/<pid>-<random>/<n>/`,
 * one folder per run and one per file (device names may repeat). A download is written to
 * `<name>.part`, fsynced, and renamed to its device name only when complete, so nothing partial ever
 * carries a final name. Run folders of processes that are gone are removed at start.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { checkLibraryPath, ensureLibraryFolder } from '../library/library-dirs.js';
import { processAlive } from '../library/lock.js';
import { trackTemp, untrackTemp } from '../platform/temp-registry.js';
import { sanitiseFileName } from '../library/sanitise.js';

export const INCOMING_DIR = 'incoming';

export class Staging {
  readonly dir: string;
  #n = 0;

  private constructor(dir: string) {
    this.dir = dir;
  }

  /**
   * A fresh run folder under `<stateDir>/incoming`, after sweeping those of dead processes.
   * `incoming` must be a real folder of ours (checked before the sweep deletes anything in it).
   */
  static create(stateDir: string): Staging {
    checkLibraryPath(stateDir, 'folder');
    const base = ensureLibraryFolder(join(stateDir, INCOMING_DIR), 0o700);
    sweepStale(base);
    const dir = join(base, `${process.pid}-${randomBytes(4).toString('hex')}`);
    mkdirSync(dir, { mode: 0o700 });
    trackTemp(dir);
    return new Staging(dir);
  }

  /** A writer for one download, to be named `name` (sanitised) when complete. */
  open(name: string): StagedFile {
    const dir = join(this.dir, String(this.#n++));
    mkdirSync(dir);
    return new StagedFile(dir, sanitiseFileName(name) || 'download.fit');
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
  #fd: number | undefined;
  bytes = 0;

  constructor(dir: string, name: string) {
    this.#dir = dir;
    this.path = join(dir, name);
    this.#part = this.path + '.part';
    this.#fd = openSync(this.#part, 'wx', 0o644);
  }

  write(chunk: Uint8Array): void {
    let off = 0;
    while (off < chunk.length) off += writeSync(this.#fd!, chunk, off, chunk.length - off);
    this.bytes += chunk.length;
  }

  /** fsync and give it its name. */
  commit(): string {
    fsyncSync(this.#fd!);
    closeSync(this.#fd!);
    this.#fd = undefined;
    renameSync(this.#part, this.path);
    return this.path;
  }

  /** Throws the partial download away. */
  discard(): void {
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
