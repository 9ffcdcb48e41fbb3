/**
 * Makes a batch of new library files durable at once, instead of one fsync (one journal commit
 * and disk flush) per file: syncfs(2) of the library's file system, which writes back and
 * commits everything dirty on it in one go. Node has no syncfs, but coreutils' `sync -f PATH`
 * calls it. Forking the sort process (hundreds of MB) per batch would cost more than it saves,
 * so one small shell is started per library and runs `sync -f .` (in the library root) for each
 * line it reads. Where that is unavailable (not Linux, no `sync -f`, the shell died) or for a
 * file on another file system (a folder mounted inside the library), each file is fsynced
 * instead, all at once on the libuv pool. Either way the data is on disk when sync() resolves.
 * Why and when: docs/library-durability.md.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';

/** One syncfs per line read; answers `ok` or `no` (the command failed) per line. */
const LOOP = 'while read -r _; do if sync -f . 2>/dev/null; then echo ok; else echo no; fi; done';

type Shell = ChildProcessByStdio<Writable, Readable, null>;
/** The shell's pipes are sockets: unref'd, they do not keep the event loop alive. */
const socket = (s: Writable | Readable) => s as unknown as Socket;

/** fsync of one file (data and metadata), opened for reading only. */
export async function fsyncFile(path: string): Promise<void> {
  const fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export class BatchSync {
  readonly #root: string;
  #shell?: Shell;
  /** syncfs cannot be used (failed once, or not Linux): fsync each file. */
  #off: boolean;
  #reply?: (ok: boolean) => void;
  #buffered = '';

  /** `root`: a folder on the file system to sync (the library root). */
  constructor(root: string, useSyncfs = process.platform === 'linux') {
    this.#root = root;
    this.#off = !useSyncfs;
  }

  /** True while batches are made durable by syncfs (false: one fsync per file). */
  get syncfs(): boolean {
    return !this.#off;
  }

  /**
   * Makes `sameFs` (files on the root's file system) and `otherFs` (elsewhere) durable: one
   * syncfs for the first if it works, an fsync per file for the rest (and for all if not).
   */
  async sync(sameFs: readonly string[], otherFs: readonly string[] = []): Promise<void> {
    const each = [...otherFs];
    if (sameFs.length > 0 && !(await this.#syncfs())) each.push(...sameFs);
    await Promise.all(each.map(fsyncFile));
  }

  /** Ends the shell (it exits at the end of its input). */
  close(): void {
    this.#shell?.stdin.end();
    this.#shell = undefined;
  }

  async #syncfs(): Promise<boolean> {
    if (this.#off) return false;
    const sh = (this.#shell ??= this.#start());
    const ok = await new Promise<boolean>((resolve) => {
      this.#reply = resolve;
      socket(sh.stdout).ref();
      sh.stdin.write('\n');
    });
    if (!ok) this.#fail();
    return ok;
  }

  #start(): Shell {
    const sh = spawn('sh', ['-c', LOOP], { cwd: this.#root, stdio: ['pipe', 'pipe', 'ignore'] });
    // The shell must not keep fitkit alive, nor kill it with EPIPE if it is gone.
    sh.unref();
    socket(sh.stdin).unref();
    socket(sh.stdout).unref();
    sh.stdin.on('error', () => this.#fail());
    sh.on('error', () => this.#fail());
    sh.on('exit', () => this.#fail());
    sh.stdout.setEncoding('utf8');
    sh.stdout.on('data', (chunk: string) => {
      this.#buffered += chunk;
      let nl;
      while ((nl = this.#buffered.indexOf('\n')) >= 0) {
        const line = this.#buffered.slice(0, nl);
        this.#buffered = this.#buffered.slice(nl + 1);
        this.#answer(line === 'ok');
      }
    });
    return sh;
  }

  #answer(ok: boolean): void {
    const reply = this.#reply;
    this.#reply = undefined;
    if (this.#shell) socket(this.#shell.stdout).unref();
    reply?.(ok);
  }

  /** From now on, fsync each file; a batch waiting for the shell is fsynced file by file. */
  #fail(): void {
    this.#off = true;
    if (this.#shell) {
      this.#shell.stdin.destroy();
      this.#shell.stdout.destroy();
      this.#shell = undefined;
    }
    this.#answer(false);
  }
}
