/**
 * Work spread over worker threads, one job per worker at a time, so a big job does not hold up
 * the small ones queued behind it. Jobs run in the order given; each `run` settles with its own
 * worker's reply. A worker that crashes or exits fails only the job it held, and is replaced
 * while jobs are waiting. `threads` is 0 (the caller works inline) when the compiled worker
 * script is missing, as in tests on the TypeScript sources.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { hearWorkers } from './temp-registry.js';

export interface WorkerPoolOptions {
  /** Worker threads wanted; default one per core; 0 means none. */
  threads?: number;
  /** Handed to every worker as `workerData`. */
  workerData?: unknown;
}

interface Job<Req, Rep> {
  request: Req;
  resolve: (reply: Rep) => void;
  reject: (e: Error) => void;
}

export class WorkerPool<Req, Rep> {
  readonly threads: number;
  readonly #script: URL;
  readonly #workerData: unknown;
  #idle: Worker[] = [];
  #busy = new Map<Worker, Job<Req, Rep>>();
  #queue: Job<Req, Rep>[] = [];
  #live = new Set<Worker>();
  #closed = false;

  constructor(script: URL, o: WorkerPoolOptions = {}) {
    this.#script = script;
    this.#workerData = o.workerData;
    const wanted = o.threads ?? availableParallelism();
    this.threads = wanted > 0 && WorkerPool.available(script) ? wanted : 0;
  }

  /** True when the worker script exists (the compiled build, not the TypeScript sources). */
  static available(script: URL): boolean {
    return existsSync(fileURLToPath(script));
  }

  /** Runs one job on a worker; rejects when the worker dies holding it (WorkerExitError when it just exited). */
  run(request: Req): Promise<Rep> {
    if (this.threads === 0 || this.#closed) return Promise.reject(new Error(this.#closed ? 'worker pool closed' : 'no worker threads'));
    return new Promise<Rep>((resolve, reject) => {
      this.#queue.push({ request, resolve, reject });
      this.#pump();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const all = [...this.#live];
    this.#idle = [];
    await Promise.all(all.map((w) => w.terminate()));
  }

  #pump(): void {
    while (this.#queue.length > 0) {
      let w = this.#idle.pop();
      if (!w) {
        if (this.#live.size >= this.threads) return;
        w = this.#start();
      }
      const job = this.#queue.shift()!;
      this.#busy.set(w, job);
      w.postMessage(job.request);
    }
  }

  #start(): Worker {
    hearWorkers();
    const w = new Worker(this.#script, { workerData: this.#workerData });
    this.#live.add(w);
    w.on('message', (reply: Rep) => {
      const job = this.#busy.get(w);
      this.#busy.delete(w);
      this.#idle.push(w);
      job?.resolve(reply);
      this.#pump();
    });
    const gone = (e: Error) => {
      const job = this.#busy.get(w);
      this.#busy.delete(w);
      this.#idle = this.#idle.filter((x) => x !== w);
      this.#live.delete(w);
      job?.reject(e);
      if (!this.#closed) this.#pump();
    };
    w.on('error', (e) => gone(e));
    w.on('exit', () => gone(new WorkerExitError()));
    return w;
  }
}

/** A worker ended (process.exit, terminate) without an error while holding a job. */
export class WorkerExitError extends Error {
  constructor() {
    super('worker exited');
  }
}
