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
export function fileChunks(path: string, size = CHUNK, reuse: boolean | PieceRing = false): Iterable<Uint8Array> {
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

/** The two buffers of `reuse`: given to every pass over an input read more than once, they are faulted in once. */
export type PieceRing = readonly [Buffer, Buffer];

export function pieceRing(size = CHUNK): PieceRing {
  return [Buffer.allocUnsafeSlow(size), Buffer.allocUnsafeSlow(size)];
}

/** The pieces of an open descriptor, from `pos` (null: from its own offset, which moves), as fileChunks() yields them. */
export function* fdPieces(fd: number, pos: number | null, size = CHUNK, reuse: boolean | PieceRing = false): Generator<Uint8Array> {
  const ring = reuse === true ? pieceRing(size) : reuse || undefined;
  if (ring) size = ring[0].length;
  for (let turn = 0; ; turn++) {
    const buf = ring ? ring[turn & 1] : Buffer.allocUnsafe(size);
    const n = readSync(fd, buf, 0, size, pos);
    if (n <= 0) return;
    if (pos !== null) pos += n;
    yield n < size ? buf.subarray(0, n) : buf;
  }
}
