/**
 * Finds the files to sort. A source named on the command line is taken as the user gave it (a
 * symlink there is followed, like `find -H`); inside a folder, symbolic links are never followed,
 * so a link cannot pull files (or loops) from outside the tree into the library. Inside folders
 * only `*.fit` files are taken (any case; with `archives`, `*.fit.gz` and `*.zip` too); a file named directly is taken whatever its name.
 * Everything passed over is listed with the reason, so nothing is left behind silently.
 * The library itself is skipped when it lies inside a source.
 */
import { readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { join, resolve } from 'node:path';

export interface Ignored {
  path: string;
  reason: 'symlink' | 'not_fit_name' | 'not_regular' | 'inside_library' | 'unreadable' | 'not_found';
  detail?: string;
}

export interface WalkResult {
  files: string[];
  ignored: Ignored[];
}

function realOrUndefined(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

/** Names taken inside folders: FIT files, and with `archives` the archives that may hold some. */
const FIT_NAME = /\.fit$/i;
const FIT_OR_ARCHIVE_NAME = /\.(fit|fit\.gz|zip)$/i;

export function walkSources(sources: readonly string[], library?: string, opts: { archives?: boolean } = {}): WalkResult {
  const wanted = opts.archives ? FIT_OR_ARCHIVE_NAME : FIT_NAME;
  const files: string[] = [];
  const ignored: Ignored[] = [];
  const seen = new Set<string>();
  const libReal = library === undefined ? undefined : realOrUndefined(library);

  const take = (p: string) => {
    if (!seen.has(p)) {
      seen.add(p);
      files.push(p);
    }
  };

  const walkDir = (dir: string) => {
    const real = realOrUndefined(dir);
    if (libReal !== undefined && real !== undefined && (real === libReal || real.startsWith(libReal + '/'))) {
      ignored.push({ path: dir, reason: 'inside_library' });
      return;
    }
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      ignored.push({ path: dir, reason: 'unreadable', detail: (e as Error).message });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isSymbolicLink()) ignored.push({ path: p, reason: 'symlink' });
      else if (e.isDirectory()) walkDir(p);
      else if (!e.isFile()) ignored.push({ path: p, reason: 'not_regular' });
      else if (wanted.test(e.name)) take(p);
      else ignored.push({ path: p, reason: 'not_fit_name' });
    }
  };

  for (const s of sources) {
    // resolve('') is the working folder: an empty argument (an unset shell variable) must not walk it.
    if (s === '') {
      ignored.push({ path: s, reason: 'not_found', detail: 'an empty path names no file' });
      continue;
    }
    const p = resolve(s);
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      ignored.push({ path: p, reason: 'not_found', detail: (e as Error).message });
      continue;
    }
    if (st.isDirectory()) walkDir(p);
    else if (!st.isFile()) ignored.push({ path: p, reason: 'not_regular' });
    else {
      const real = realOrUndefined(p);
      if (libReal !== undefined && real !== undefined && real.startsWith(libReal + '/')) ignored.push({ path: p, reason: 'inside_library' });
      else take(p);
    }
  }
  return { files, ignored };
}
