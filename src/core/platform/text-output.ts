/**
 * A streamed text output: standard output, or a path opened as output-file.ts says (a regular
 * file through a temporary file renamed over it at commit(), a FIFO or device in place). write()
 * returns a promise to await before writing more, so memory stays bounded by what is in flight.
 * A reader that closes standard output (`| head -1`) ends the process quietly (stdout-guard).
 */
import { isStdout, openOutput } from './output-file.js';
import { fromSystemError } from './system-error.js';

export interface TextOutput {
  /** Bytes are UTF-8, copied: the caller may reuse its buffer at once. Throws if standard output already failed. */
  write(text: string | Uint8Array): Promise<void> | undefined;
  /**
   * A file's only: as write() without the copy. `bytes` are the output's, not to be touched again;
   * spare() hands out a buffer to fill next (one given before and written, or a new one).
   */
  give?(bytes: Uint8Array): Promise<void> | undefined;
  spare?(): Uint8Array;
  /** Everything written is out (a file: in place). */
  commit(): Promise<void>;
  /** A file is left as it was (its temporary file removed). */
  abort(): void;
}

/** Bytes written to a file that may wait, queued, before write() makes the caller wait. */
const QUEUED = 4 << 20;

/** Size of the recycled buffers: standard output's bytes are copied into them, a file's rows written from one. */
const POOLED = 1 << 18;

export async function openTextOutput(path: string): Promise<TextOutput> {
  if (isStdout(path)) return stdoutText();
  const out = await openOutput(path);
  const failed = (e: unknown) => {
    out.abort();
    throw fromSystemError(e, path, 'output');
  };
  if (out.tempPath === undefined) {
    // A FIFO or device, written in place: queued, so a slow reader does not stop the process.
    return {
      write(text) {
        out.enqueue(typeof text === 'string' ? Buffer.from(text, 'utf8') : text); // enqueue copies
        return out.drained(QUEUED)?.catch(failed);
      },
      give(bytes) {
        out.give(bytes);
        return out.drained(QUEUED)?.catch(failed);
      },
      spare: () => out.spare(),
      commit: () => out.commitQueued().catch(failed),
      abort: () => out.abort(),
    };
  }
  // A temporary file: written through (AtomicFile.append), so one buffer goes round and round.
  let free: Uint8Array | undefined;
  const append = (bytes: Uint8Array) => {
    try {
      return out.append(bytes);
    } catch (e) {
      return failed(e);
    }
  };
  return {
    write: (text) => append(typeof text === 'string' ? Buffer.from(text, 'utf8') : text),
    give(bytes) {
      const wait = append(bytes);
      free = bytes.byteOffset === 0 && bytes.buffer.byteLength === POOLED ? new Uint8Array(bytes.buffer) : undefined;
      return wait;
    },
    spare() {
      const b = free ?? new Uint8Array(POOLED);
      free = undefined;
      return b;
    },
    commit: () => out.commitQueued().catch(failed),
    abort: () => out.abort(),
  };
}

function stdoutText(): TextOutput {
  const stdout = process.stdout;
  const settled = () => new Promise<void>((resolve, reject) => stdout.write('', (e) => (e ? reject(e) : resolve())));
  // Bytes are copied (the caller may reuse its buffer) into buffers taken back once written:
  // fresh memory per chunk costs a page fault per 4 KiB, hundreds of MB on a big output.
  const free: Buffer[] = [];
  const writeBytes = (bytes: Uint8Array, done: (e?: Error | null) => void) => {
    if (bytes.length > POOLED) return void stdout.write(Buffer.from(bytes), done);
    const pooled = free.pop() ?? Buffer.allocUnsafeSlow(POOLED);
    pooled.set(bytes);
    stdout.write(pooled.subarray(0, bytes.length), (e) => {
      if (free.length < 16) free.push(pooled);
      done(e);
    });
  };
  return {
    // The write's callback, not only 'drain': a pipe written synchronously never asks to wait,
    // and a reader gone away is only seen when the event loop runs.
    write: (text) => {
      // Unless a write already failed (EPIPE: `| head -1` has its line): then stop at once, not
      // after all the rows made before the event loop runs (this is the error stdout-guard handles).
      if (stdout.errored) throw stdout.errored;
      return new Promise<void>((resolve, reject) => {
        const done = (e?: Error | null) => (e ? reject(e) : resolve());
        if (typeof text === 'string') stdout.write(text, done);
        else writeBytes(text, done);
      });
    },
    commit: settled,
    abort: () => {},
  };
}
