/**
 * Reads and analyses source files on every core: one worker thread per core, each sent one file
 * at a time. Hashing and structure scans are CPU work, so they spread; the main thread only
 * decides and writes. Without the compiled worker script (tests running the TypeScript sources)
 * or with `threads: 0`, files are analysed inline, with the same results.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { FitkitError } from '../errors.js';
import type { AnalyseReply } from './analyse-worker.js';
import { readSource, type SourceRead } from './source-file.js';

interface Pending {
  id: number;
  path: string;
  resolve: (r: SourceRead) => void;
  reject: (e: Error) => void;
}

const WORKER_URL = new URL('./analyse-worker.js', import.meta.url);

export class AnalysePool {
  readonly threads: number;
  #workers: Worker[] = [];
  #idle: Worker[] = [];
  #busy = new Map<Worker, Pending>();
  #queue: Pending[] = [];
  #nextId = 0;

  /** `threads` defaults to the number of cores; 0 analyses inline. */
  constructor(threads = availableParallelism()) {
    const script = fileURLToPath(WORKER_URL);
    this.threads = threads > 0 && existsSync(script) ? threads : 0;
    for (let i = 0; i < this.threads; i++) {
      const w = new Worker(WORKER_URL);
      w.on('message', (m: AnalyseReply) => this.#done(w, m));
      w.on('error', (e) => this.#crashed(w, e));
      this.#workers.push(w);
      this.#idle.push(w);
    }
  }

  analyse(path: string): Promise<SourceRead> {
    if (this.threads === 0) {
      try {
        return Promise.resolve(readSource(path));
      } catch (e) {
        return Promise.reject(e);
      }
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, path, resolve, reject });
      this.#pump();
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
    this.#workers = [];
  }

  #pump(): void {
    while (this.#idle.length > 0 && this.#queue.length > 0) {
      const w = this.#idle.pop()!;
      const job = this.#queue.shift()!;
      this.#busy.set(w, job);
      w.postMessage({ id: job.id, path: job.path });
    }
  }

  #done(w: Worker, m: AnalyseReply): void {
    const job = this.#busy.get(w);
    this.#busy.delete(w);
    this.#idle.push(w);
    if (job) {
      if (m.ok) job.resolve(m.result);
      else job.reject(new FitkitError(m.code, m.message, { file: job.path }));
    }
    this.#pump();
  }

  #crashed(w: Worker, e: Error): void {
    const job = this.#busy.get(w);
    this.#busy.delete(w);
    job?.reject(new FitkitError('worker_failed', e.message, { file: job.path, cause: e }));
    this.#workers = this.#workers.filter((x) => x !== w);
    for (const p of this.#queue.splice(0)) {
      if (this.#workers.length === 0) p.reject(new FitkitError('worker_failed', 'no analysis worker left', { file: p.path }));
      else this.#queue.push(p);
    }
    this.#pump();
  }
}
