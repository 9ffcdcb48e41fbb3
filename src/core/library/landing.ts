/**
 * The file-system steps of landing a copy in the library, as plain synchronous calls: none of
 * them waits for the disk (the batch is made durable at once by batch-sync.ts), so a round trip
 * through the libuv pool per step would cost more than the step. The order the library keeps
 * (write, sync the batch, link, sync the folders, index) is in docs/library-durability.md.
 */
import { closeSync, constants, futimesSync, linkSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { discardTemp, tempName } from '../platform/durable-file.js';
import { trackTemp, untrackTemp } from '../platform/temp-registry.js';

/**
 * Writes `bytes` to a new temporary file in `dir` (O_EXCL, no symlink followed) with `mtime`;
 * not fsynced: the caller makes it durable with its batch before linking it. Returns its path.
 */
export function writeTempFile(dir: string, bytes: Uint8Array, mtime?: Date): string {
  const path = join(dir, tempName());
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  trackTemp(path);
  try {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    if (mtime) futimesSync(fd, mtime, mtime);
  } catch (e) {
    closeSync(fd);
    discardTemp(path);
    throw e;
  }
  closeSync(fd);
  return path;
}

/** link(2) `from` to `final` unless `final` exists (false then); never replaces anything. */
export function linkNoClobberSync(from: string, final: string): boolean {
  try {
    linkSync(from, final);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

/** Removes a temporary file whose content now has its final name (the link is its only name left). */
export function dropLinkedTemp(temp: string): void {
  unlinkSync(temp);
  untrackTemp(temp);
}
