/**
 * An input that can be read more than once (a pre-scan, then the real pass). A regular file is
 * simply read again; standard input that is a regular file (`< ride.fit`) too. Anything read only
 * once (a pipe, a FIFO, a device) is first copied to a temporary file, in the temp registry until
 * close().
 */
import { closeSync, createReadStream, fstatSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fdPieces, fileChunks, pieceRing, type PieceRing } from './file-chunks.js';
import { inputStat } from './input-file.js';
import { fromSystemError } from './system-error.js';
import { trackTemp, untrackTemp } from './temp-registry.js';

export interface RereadableInput {
  /**
   * A fresh pass over the whole input. Its pieces take turns in two buffers, the same for every
   * pass (fileChunks' `reuse`): each stays valid only while the next one is used.
   */
  open(): Iterable<Uint8Array>;
  close(): void;
}

/**
 * Size of the pieces. Small: the two buffers are all the fresh memory a pass takes (a page fault
 * per 4 KiB costs more than the read, ~3 ms per MB here), and the consumer works in 64 KiB slices
 * anyway (fitcsv-dump.ts).
 */
const PIECE = 1 << 16;

/** `file` or `-` (standard input); throws `fitkit: FILE: why` for what cannot be read. */
export async function rereadableInput(file: string): Promise<RereadableInput> {
  const name = file === '-' ? '<stdin>' : file;
  let ring: PieceRing | undefined;
  const buffers = () => (ring ??= pieceRing(PIECE));
  try {
    if (file !== '-' && inputStat(file).isFile()) return { open: () => fileChunks(file, PIECE, buffers()), close: () => {} };
    // Read by position: the descriptor's own offset is left alone.
    if (file === '-' && fstatSync(0).isFile()) return { open: () => ({ [Symbol.iterator]: () => fdPieces(0, 0, PIECE, buffers()) }), close: () => {} };
    return await spooled(file === '-' ? process.stdin : createReadStream(file, { highWaterMark: 1 << 20 }), buffers);
  } catch (e) {
    throw fromSystemError(e, name, 'input');
  }
}

async function spooled(source: AsyncIterable<Uint8Array>, buffers: () => PieceRing): Promise<RereadableInput> {
  const dir = mkdtempSync(join(tmpdir(), 'fitkit-input-'));
  trackTemp(dir);
  const close = () => {
    rmSync(dir, { recursive: true, force: true });
    untrackTemp(dir);
  };
  const path = join(dir, 'input.fit');
  try {
    const fd = openSync(path, 'wx', 0o600);
    try {
      for await (const chunk of source) for (let off = 0; off < chunk.length;) off += writeSync(fd, chunk, off);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    close();
    throw e;
  }
  return { open: () => fileChunks(path, PIECE, buffers()), close };
}
