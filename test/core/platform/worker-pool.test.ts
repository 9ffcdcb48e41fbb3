import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { WorkerExitError, WorkerPool } from '../../../src/core/platform/worker-pool.js';

const dir = mkdtempSync(join(tmpdir(), 'fitkit-pool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// A worker that squares numbers, throws on 'crash', exits on 'exit', and tells its workerData and thread.
const script = join(dir, 'worker.mjs');
writeFileSync(
  script,
  `import { parentPort, threadId, workerData } from 'node:worker_threads';
parentPort.on('message', (m) => {
  if (m === 'crash') throw new Error('boom');
  if (m === 'exit') process.exit(0);
  parentPort.postMessage({ value: m * m, data: workerData, thread: threadId });
});`,
);
const url = pathToFileURL(script);

describe('WorkerPool', () => {
  it('answers every job with its own reply, on at most `threads` workers, with their workerData', async () => {
    const pool = new WorkerPool<number | string, { value: number; data: unknown; thread: number }>(url, { threads: 2, workerData: { tag: 7 } });
    try {
      const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => pool.run(i)));
      expect(replies.map((r) => r.value)).toEqual(Array.from({ length: 20 }, (_, i) => i * i));
      expect(new Set(replies.map((r) => JSON.stringify(r.data)))).toEqual(new Set(['{"tag":7}']));
      expect(new Set(replies.map((r) => r.thread)).size).toBeLessThanOrEqual(2);
    } finally {
      await pool.close();
    }
  });

  it('a worker that crashes or exits fails only the job it held; the rest still run', async () => {
    const pool = new WorkerPool<number | string, { value: number }>(url, { threads: 2 });
    try {
      const jobs: (number | string)[] = [1, 'crash', 2, 'exit', 3, 4, 'crash', 5];
      const settled = await Promise.allSettled(jobs.map((j) => pool.run(j)));
      expect(settled.map((s) => (s.status === 'fulfilled' ? s.value.value : s.reason instanceof WorkerExitError ? 'exited' : (s.reason as Error).message))).toEqual([
        1,
        'boom',
        4,
        'exited',
        9,
        16,
        'boom',
        25,
      ]);
    } finally {
      await pool.close();
    }
  });

  it('has no threads without the compiled script or when asked for none, and then refuses jobs', async () => {
    expect(new WorkerPool(pathToFileURL(join(dir, 'missing.js')), { threads: 4 }).threads).toBe(0);
    const none = new WorkerPool<number, unknown>(url, { threads: 0 });
    expect(none.threads).toBe(0);
    await expect(none.run(1)).rejects.toThrow();
  });
});
