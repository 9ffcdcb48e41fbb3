/** Checks a library after a sync: index consistent with the files, nothing partial anywhere. */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface LibraryFacts {
  /** Library-relative path → sha256 of every file outside `.fitkit`. */
  files: Map<string, string>;
  /** Index entries (parsed lines). */
  index: { sha256: string; path: string; size: number; origin: string; kind: string }[];
  /** Problems found: empty when the library is consistent. */
  problems: string[];
}

function walk(dir: string, out: string[]): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else out.push(p);
  }
}

export function sha(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function inspectLibrary(root: string): LibraryFacts {
  const problems: string[] = [];
  const all: string[] = [];
  if (existsSync(root)) walk(root, all);
  const files = new Map<string, string>();
  for (const p of all) {
    const rel = relative(root, p).split('\\').join('/');
    if (rel.startsWith('.fitkit/')) {
      if (rel.startsWith('.fitkit/incoming/')) problems.push(`left in staging: ${rel}`);
      continue;
    }
    if (/\.part$|\.fitkit-tmp-/.test(rel)) problems.push(`temporary file under the library: ${rel}`);
    files.set(rel, sha(readFileSync(p)));
  }
  const indexFile = join(root, '.fitkit', 'index.jsonl');
  const index = existsSync(indexFile)
    ? readFileSync(indexFile, 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as LibraryFacts['index'][number])
    : [];
  for (const e of index) {
    if (!files.has(e.path)) problems.push(`index names a missing file: ${e.path}`);
    else if (files.get(e.path) !== e.sha256) problems.push(`index hash differs from the file: ${e.path}`);
  }
  const indexed = new Set(index.map((e) => e.path));
  for (const p of files.keys()) if (!indexed.has(p)) problems.push(`file not in the index: ${p}`);
  return { files, index, problems };
}
