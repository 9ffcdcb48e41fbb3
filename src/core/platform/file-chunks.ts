/**
 * A file read piece by piece, synchronously: each pass over the iterable opens the file again.
 */
import { closeSync, openSync, readSync } from 'node:fs';

export const CHUNK = 1 << 20;

/**
 * The pieces of a file. Fresh buffers by default: a reader may keep them. With `reuse`, two
 * buffers take turns: a piece stays valid while the next one is used (RawDecoder completes a
 * record cut at a piece's end from it), then it is overwritten. A fresh 1 MiB buffer per piece
 * costs the kernel more (page faults, zeroing) than the read itself: ~2.5 ms per MB.
 */
export function fileChunks(path: string, size = CHUNK, reuse = false): Iterable<Uint8Array> {
  return {
    *[Symbol.iterator]() {
      const fd = openSync(path, 'r');
      try {
        yield* fdPieces(fd, null, size, reuse);
      } finally {
        closeSync(fd);
      }
    },
  };
}

/** The pieces of an open descriptor, from `pos` (null: from its own offset, which moves), as fileChunks() yields them. */
export function* fdPieces(fd: number, pos: number | null, size = CHUNK, reuse = false): Generator<Uint8Array> {
  const ring = reuse ? [Buffer.allocUnsafeSlow(size), Buffer.allocUnsafeSlow(size)] : undefined;
  for (let turn = 0; ; turn++) {
    const buf = ring ? ring[turn & 1] : Buffer.allocUnsafe(size);
    const n = readSync(fd, buf, 0, size, pos);
    if (n <= 0) return;
    if (pos !== null) pos += n;
    yield n < size ? buf.subarray(0, n) : buf;
  }
}
