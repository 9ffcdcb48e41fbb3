/**
 * One writer per library at a time: `.fitkit/lock`, created with O_EXCL (atomic on local file
 * systems) and holding `{pid, host, nonce, started}`. A second run waits for it to go.
 *
 * A lock whose process is gone (same host, `kill(pid, 0)` says ESRCH) is stale: a SIGKILLed run
 * leaves one, and the next run takes it over. Taking over is itself guarded by a short-lived
 * `lock.steal` file (O_EXCL too), and the stale lock is removed only if it still holds the nonce
 * judged stale, so two runs that find the same stale lock cannot both end up holding a new one.
 * A `lock.steal` left by a run killed in those few microseconds is removed after STEAL_STALE_MS.
 * Locks from another host (a library on a network share) are never judged stale: remove them
 * by hand if that host is gone.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, lstatSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { FitkitError } from '../errors.js';

export const LOCK_FILE = 'lock';
const STEAL_STALE_MS = 5_000;

export interface LockInfo {
  pid: number;
  host: string;
  nonce: string;
  started: string;
}

export interface LockOptions {
  /** How long to wait for another run to finish (default 60 s; 0: fail at once). */
  timeoutMs?: number;
  /** Poll interval while waiting (default 100 ms). */
  pollMs?: number;
  /** Is this process alive? (Tests replace it.) */
  isAlive?: (pid: number) => boolean;
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(path: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
    return typeof info.pid === 'number' && typeof info.nonce === 'string' ? info : undefined;
  } catch {
    return undefined;
  }
}

function tryCreate(path: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

function ageMs(path: string): number | undefined {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

function removeIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

/** A lock that is a symbolic link was not made by fitkit: say so rather than read or remove what it points at. */
function refuseLink(path: string): void {
  try {
    if (!lstatSync(path).isSymbolicLink()) return;
  } catch {
    return;
  }
  throw new FitkitError('unsafe_path', 'is a symbolic link; fitkit does not follow links inside a library', { file: path });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class LibraryLock {
  readonly path: string;
  readonly info: LockInfo;
  #released = false;

  private constructor(path: string, info: LockInfo) {
    this.path = path;
    this.info = info;
  }

  /** Takes the lock in `stateDir`, waiting up to `timeoutMs` for a live holder to finish. */
  static async acquire(stateDir: string, opts: LockOptions = {}): Promise<LibraryLock> {
    const path = join(stateDir, LOCK_FILE);
    const isAlive = opts.isAlive ?? processAlive;
    const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
    const info: LockInfo = { pid: process.pid, host: hostname(), nonce: randomBytes(8).toString('hex'), started: new Date().toISOString() };
    const content = JSON.stringify(info) + '\n';
    for (;;) {
      if (tryCreate(path, content)) return new LibraryLock(path, info);
      refuseLink(path);
      const held = readLock(path);
      if (held === undefined) {
        // Unreadable: being written right now, or a holder died between create and write.
        const age = ageMs(path);
        if (age !== undefined && age > STEAL_STALE_MS) LibraryLock.#steal(path, undefined);
      } else if (held.host === hostname() && !isAlive(held.pid)) {
        LibraryLock.#steal(path, held.nonce);
        continue;
      }
      if (Date.now() >= deadline) {
        const who = held ? `process ${held.pid} on ${held.host} since ${held.started}` : 'another process';
        throw new FitkitError('library_locked', `the library is locked by ${who}; remove ${path} if that process is gone`, { file: path });
      }
      await sleep(opts.pollMs ?? 100);
    }
  }

  /** Removes a stale lock, if it is still the one judged stale (see the module comment). */
  static #steal(path: string, staleNonce: string | undefined): void {
    const steal = path + '.steal';
    if (!tryCreate(steal, String(process.pid))) {
      const age = ageMs(steal);
      if (age !== undefined && age > STEAL_STALE_MS) removeIfPresent(steal);
      return;
    }
    try {
      const now = readLock(path);
      if (now?.nonce === staleNonce) removeIfPresent(path);
    } finally {
      removeIfPresent(steal);
    }
  }

  /** Gives the lock up (only if it is still ours). */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    if (readLock(this.path)?.nonce === this.info.nonce) removeIfPresent(this.path);
  }
}
