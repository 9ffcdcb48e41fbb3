/**
 * Files that appear whole under a final name that was free, or not at all. AtomicFile
 * (atomic-file.ts) renames over its target, which is right for outputs the user names; a library
 * must never overwrite, so here the final step is link(2), which fails if the name is taken,
 * and the caller picks another. The order of writes, fsyncs and links the library relies on is
 * in docs/library-durability.md.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { rmSync } from 'node:fs';
import { link, open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { trackTemp, untrackTemp } from './temp-registry.js';

/** Temporary files start with this, so an interrupted run's leftovers are recognisable. */
export const TEMP_PREFIX = '.fitkit-tmp-';

export function tempName(): string {
  return `${TEMP_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}`;
}

/** Writes `bytes` to a new temporary file in `dir` (O_EXCL), sets its times, fsyncs it; returns its path. */
export async function writeTemp(dir: string, bytes: Uint8Array, mtime?: Date): Promise<string> {
  const path = join(dir, tempName());
  const fh = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  trackTemp(path);
  try {
    let off = 0;
    while (off < bytes.length) off += (await fh.write(bytes, off, bytes.length - off)).bytesWritten;
    if (mtime) await fh.utimes(mtime, mtime);
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => {});
    discardTemp(path);
    throw e;
  }
  await fh.close();
  return path;
}

/**
 * Gives the temporary file its final name unless that name exists (false then; the temporary
 * file is kept for another try). Never replaces anything.
 */
export async function linkNoClobber(temp: string, final: string): Promise<boolean> {
  try {
    await link(temp, final);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  await unlink(temp);
  untrackTemp(temp);
  return true;
}

/** Removes a temporary file writeTemp() made (if still there). */
export function discardTemp(temp: string): void {
  rmSync(temp, { force: true });
  untrackTemp(temp);
}

/** Makes a folder's entries (new names, removed names) durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
