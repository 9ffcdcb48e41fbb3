/**
 * The FIT files on a mounted volume: a walk of the GARMIN folder for `*.fit` in any case (FAT
 * units write 8.3 upper-case names such as `C4ND0302.FIT`). The volume is device-controlled
 * input, so the walk is bounded (depth, entries looked at), never follows a symbolic link (a
 * link could lead off the volume, or loop), and returns files in a stable order: sorted by path.
 * GarminDevice.xml data locations are not needed here — every FIT folder lives under GARMIN/,
 * and walking all of it also finds folders a unit does not describe.
 */
import { lstat, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

export interface ListLimits {
  /** Folder levels below the start folder that are entered (GARMIN/ACTIVITY is level 1). */
  maxDepth: number;
  /** Directory entries looked at in all, files and folders alike. */
  maxEntries: number;
}

export const DEFAULT_LIST_LIMITS: ListLimits = { maxDepth: 8, maxEntries: 100_000 };

export interface ListedFile {
  /** Relative to the volume root, `/`-separated. */
  path: string;
  /** Absolute path on this machine. */
  abs: string;
  size: number;
  mtimeMs: number;
}

export interface FitListing {
  files: ListedFile[];
  /** True when a limit cut the walk short: `files` is then a subset. */
  truncated: boolean;
  warnings: string[];
}

export interface WalkOptions {
  limits?: Partial<ListLimits>;
  signal?: AbortSignal;
}

/** Folders the host writes into for the unit to pick up (`InputToUnit`), not the unit's own files. */
const INPUT_FOLDERS = new Set(['garmin/newfiles']);

/** `child` is `parent` or below it (lexically; the walk never follows links, so that suffices). */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..' + sep) && rel !== '..' && !rel.startsWith(sep));
}

function toPosix(rel: string): string {
  return sep === '/' ? rel : rel.split(sep).join('/');
}

/** Lists `*.fit` files under `start` (inside `root`), bounded and in path order. */
export async function listFitFiles(root: string, start: string, opts: WalkOptions = {}): Promise<FitListing> {
  const limits = { ...DEFAULT_LIST_LIMITS, ...opts.limits };
  if (!isInside(root, start)) throw new Error(`${start} is not inside the volume ${root}`);
  const files: ListedFile[] = [];
  const warnings: string[] = [];
  let truncated = false;
  let seen = 0;
  let tooDeep = 0;
  // Depth-first with sorted entries, so that a cut (entry limit) is the same on every run.
  const stack: { dir: string; depth: number }[] = [{ dir: start, depth: 0 }];
  walk: while (stack.length) {
    opts.signal?.throwIfAborted();
    const { dir, depth } = stack.pop()!;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      // One unreadable folder costs its files, not the sync; a vanished volume still fails.
      const code = (e as NodeJS.ErrnoException).code;
      if (dir === start || !(code === 'EACCES' || code === 'EPERM' || code === 'ENOTDIR')) throw e;
      warnings.push(`cannot read folder ${toPosix(relative(root, dir))} (${code}); skipped`);
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: string[] = [];
    for (const e of entries) {
      if (++seen > limits.maxEntries) {
        truncated = true;
        warnings.push(`stopped listing after ${limits.maxEntries} entries: the volume has more files than fitkit looks at`);
        break walk;
      }
      const abs = join(dir, e.name);
      if (e.isSymbolicLink()) continue;
      if (e.isDirectory()) {
        if (INPUT_FOLDERS.has(toPosix(relative(root, abs)).toLowerCase())) continue;
        if (depth + 1 > limits.maxDepth) tooDeep++;
        else subdirs.push(abs);
      } else if (e.isFile() && e.name.toLowerCase().endsWith('.fit')) {
        // lstat, not stat: a file swapped for a link since readdir is still not followed.
        const st = await lstat(abs).catch(() => undefined);
        if (!st?.isFile()) continue;
        files.push({ path: toPosix(relative(root, abs)), abs, size: st.size, mtimeMs: st.mtimeMs });
      }
    }
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push({ dir: subdirs[i], depth: depth + 1 });
  }
  if (tooDeep) {
    truncated = true;
    warnings.push(`skipped ${tooDeep} folder(s) nested deeper than ${limits.maxDepth} levels`);
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, truncated, warnings };
}
