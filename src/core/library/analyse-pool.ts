/**
 * Reads and analyses source files on every core (platform/worker-pool.ts, one file per worker at
 * a time). Hashing and structure scans are CPU work, so they spread; the main thread only
 * decides and writes. Without the compiled worker script (tests running the TypeScript sources)
 * or with `threads: 0`, files are analysed inline, with the same results.
 */
import { availableParallelism } from 'node:os';
import { FitkitError } from '../errors.js';
import { WorkerPool } from '../platform/worker-pool.js';
import type { AnalyseReply, AnalyseRequest } from './analyse-worker.js';
import { readSource, type SourceRead } from './source-file.js';

const WORKER_URL = new URL('./analyse-worker.js', import.meta.url);

export class AnalysePool {
  readonly threads: number;
  readonly #pool: WorkerPool<AnalyseRequest, AnalyseReply>;
  #nextId = 0;

  /** `threads` defaults to the number of cores; 0 analyses inline. */
  constructor(threads = availableParallelism()) {
    this.#pool = new WorkerPool(WORKER_URL, { threads });
    this.threads = this.#pool.threads;
  }

  analyse(path: string): Promise<SourceRead> {
    if (this.threads === 0) {
      try {
        return Promise.resolve(readSource(path));
      } catch (e) {
        return Promise.reject(e);
      }
    }
    return this.#pool.run({ id: this.#nextId++, path }).then(
      (m) => {
        if (m.ok) return m.result;
        throw new FitkitError(m.code, m.message, { file: path });
      },
      (e: Error) => {
        throw new FitkitError('worker_failed', e.message, { file: path, cause: e });
      },
    );
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}
