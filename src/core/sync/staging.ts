/**
 * Where downloads wait before the library takes them: `.fitkit/incoming/<pid>-<random>/<n>/`,
 * one folder per run and one per file (device names may repeat). A download is written to
 * `<name>.part`, fsynced, and renamed to its device name only when complete, so nothing partial ever
 * carries a final name. Run folders of processes that are gone are removed at start.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { processAlive } from '../library/lock.js';
import { sanitiseFileName } from '../library/sanitise.js';

export const INCOMING_DIR = 'incoming';

export class Staging {
  readonly dir: string;
  #n = 0;

  private constructor(dir: string) {
    this.dir = dir;
  }

  /** A fresh run folder under `<stateDir>/incoming`, after sweeping those of dead processes. */
  static create(stateDir: string): Staging {
    const base = join(stateDir, INCOMING_DIR);
    mkdirSync(base, { recursive: true, mode: 0o700 });
    sweepStale(base);
    const dir = join(base, `${process.pid}-${randomBytes(4).toString('hex')}`);
    mkdirSync(dir, { mode: 0o700 });
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

function sweepStale(base: string): void {
  for (const name of readdirSync(base)) {
    const pid = Number(name.split('-')[0]);
    if (pid === process.pid) continue;
    if (!Number.isInteger(pid) || pid <= 0 || !processAlive(pid)) rmSync(join(base, name), { recursive: true, force: true });
  }
}
