/**
 * Reads one file off a mounted volume in bounded chunks, from an offset up to the size the
 * listing claimed. A USB disk can be pulled out at any moment: the kernel then answers reads
 * with EIO/ENODEV (or the path is gone: ENOENT), which become one clear "device removed" error.
 * A file that ends before its listed size is an error too (the unit rewrote it, or the FAT is
 * damaged); a file that grew is read up to the listed size only, as the sync engine expects.
 * Only reads: the file is opened read-only and never through a symbolic link (O_NOFOLLOW).
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { FitkitError } from '../errors.js';

/**
 * Fault injection for simulators: called before each read of `length` bytes at `position` of
 * the file `path`. It may throw (the read fails with that error) or return a smaller positive
 * length (a short read, e.g. up to the byte where a simulated unplug happens).
 */
export type ReadHook = (path: string, position: number, length: number) => number | void;

export const CHUNK_BYTES = 256 * 1024;

// What reads on a vanished USB disk or a lazily unmounted FAT fail with.
const REMOVED = new Set(['EIO', 'ENODEV', 'ENOENT', 'ENXIO', 'ESTALE', 'ENOTCONN', 'ENOTDIR']);

export interface ReadFileOptions {
  /** First byte wanted. */
  offset?: number;
  signal?: AbortSignal;
  hook?: ReadHook;
  chunkBytes?: number;
}

function errnoCode(e: unknown): string | undefined {
  return e && typeof e === 'object' && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}

/** The error a failed open/read becomes; `shown` is the device path used in messages. */
export function volumeReadError(e: unknown, shown: string): unknown {
  if (e instanceof FitkitError || (e instanceof Error && e.name === 'AbortError')) return e;
  const code = errnoCode(e);
  if (code && REMOVED.has(code)) return new FitkitError('device_gone', `device removed while reading ${shown} (${code})`, { file: shown, cause: e });
  if (code === 'EACCES' || code === 'EPERM') return new FitkitError('device_read_denied', `cannot read ${shown} on the device: permission denied`, { file: shown, cause: e });
  if (code === 'ELOOP') return new FitkitError('device_file_unsafe', `${shown} is a symbolic link on the device; not followed`, { file: shown, cause: e });
  return new FitkitError('device_read_failed', `reading ${shown} failed${code ? ` (${code})` : ''}`, { file: shown, cause: e });
}

/** Rejects as soon as `signal` aborts, even while a read on a dead device is still pending. */
function raceAbort<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Streams bytes [offset, size) of `abs` to `sink`. `shown` names the file in errors. Errors of
 * the sink propagate unchanged; a fresh buffer is passed per chunk, so the sink may keep it.
 */
export async function readVolumeFile(abs: string, shown: string, size: number, sink: (chunk: Uint8Array) => void | Promise<void>, opts: ReadFileOptions = {}): Promise<void> {
  const offset = opts.offset ?? 0;
  const chunk = opts.chunkBytes ?? CHUNK_BYTES;
  if (!Number.isInteger(offset) || offset < 0 || offset > size) {
    throw new FitkitError('bad_offset', `cannot resume ${shown} at byte ${offset}: the file has ${size} bytes`, { file: shown });
  }
  opts.signal?.throwIfAborted();
  let fh: FileHandle;
  const opening = open(abs, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    fh = await raceAbort(opening, opts.signal);
  } catch (e) {
    // Aborted while the open was pending: close the handle whenever it does arrive.
    if (opts.signal?.aborted) opening.then((late) => late.close()).catch(() => undefined);
    throw opts.signal?.aborted ? opts.signal.reason : volumeReadError(e, shown);
  }
  let stuck = false;
  try {
    for (let pos = offset; pos < size;) {
      opts.signal?.throwIfAborted();
      let want = Math.min(chunk, size - pos);
      let n: number;
      const buf = new Uint8Array(want);
      try {
        const allowed = opts.hook?.(abs, pos, want);
        if (typeof allowed === 'number' && allowed > 0 && allowed < want) want = allowed;
        stuck = true;
        ({ bytesRead: n } = await raceAbort(fh.read(buf, 0, want, pos), opts.signal));
        stuck = false;
      } catch (e) {
        throw opts.signal?.aborted ? opts.signal.reason : volumeReadError(e, shown);
      }
      if (n === 0) {
        throw new FitkitError('device_file_truncated', `${shown} ends at byte ${pos}, but the device listed ${size} bytes`, { file: shown, offset: pos });
      }
      await sink(buf.subarray(0, n));
      pos += n;
    }
  } finally {
    // After an abort the read may still hang on a dead device; closing would wait for it.
    if (stuck) void fh.close().catch(() => undefined);
    else await fh.close().catch(() => undefined);
  }
}
