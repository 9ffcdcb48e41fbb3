/** Worker-thread entry for AnalysePool: reads and analyses the files it is sent. */
import { parentPort } from 'node:worker_threads';
import { FitkitError, type ErrorCode } from '../errors.js';
import { readSource } from './source-file.js';

export interface AnalyseRequest {
  id: number;
  path: string;
}

export type AnalyseReply = { id: number; ok: true; result: ReturnType<typeof readSource> } | { id: number; ok: false; code: ErrorCode; message: string };

parentPort?.on('message', (req: AnalyseRequest) => {
  try {
    const result = readSource(req.path);
    const bytes = result.bytes;
    // Transfer the bytes instead of copying them.
    parentPort!.postMessage({ id: req.id, ok: true, result } satisfies AnalyseReply, [bytes.buffer as ArrayBuffer]);
  } catch (e) {
    const code = e instanceof FitkitError ? e.code : 'unreadable';
    parentPort!.postMessage({ id: req.id, ok: false, code, message: (e as Error).message } satisfies AnalyseReply);
  }
});
