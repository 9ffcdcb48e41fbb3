/**
 * A file read piece by piece, synchronously: each pass over the iterable opens the file again
 * and yields fresh buffers (never reused: decoders keep a record cut at a piece's end).
 */
import { closeSync, openSync, readSync } from 'node:fs';

export const CHUNK = 1 << 20;

export function fileChunks(path: string, size = CHUNK): Iterable<Uint8Array> {
  return {
    *[Symbol.iterator]() {
      const fd = openSync(path, 'r');
      try {
        for (;;) {
          const buf = Buffer.allocUnsafe(size);
          const n = readSync(fd, buf, 0, size, null);
          if (n <= 0) return;
          yield n < size ? buf.subarray(0, n) : buf;
        }
      } finally {
        closeSync(fd);
      }
    },
  };
}
