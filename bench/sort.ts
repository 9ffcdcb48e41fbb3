/**
 * Sort benchmark: 10,000 small FIT files (a few devices and file types, built deterministically)
 * sorted by the built CLI (`node bin/run.js sort TREE --to LIB`: one syncfs per batch of 64, index, hashes)
 * beside `cp -r TREE COPY` (no fsync, no reading) of the same tree, in the same run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { smallFit, writeFile } from '../test/helpers/sort-files.js';

const FILES = 10_000;
const TYPES = [4, 4, 4, 4, 6, 5, 15, 32, 1, 2];
const SERIALS = [3945849289, 3408468714, 3366957239, null];

function timed(cmd: string, args: string[], cwd?: string): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}: ${r.stderr.trim().split('\n').pop()}`);
  return performance.now() - t0;
}

export interface SortResult {
  lines: string[];
  /** Files per second, whole process: into a new library, and again with every file held. */
  newRate: number;
  heldRate: number;
}

export async function benchSort(): Promise<SortResult> {
  // bench/sort.js is compiled to dist-bench/bench/; the repository root is three levels up.
  const repo = fileURLToPath(new URL('../../', import.meta.url));
  const work = mkdtempSync(join(tmpdir(), 'fitkit-bench-sort-'));
  try {
    const tree = join(work, 'tree');
    let bytes = 0;
    for (let i = 0; i < FILES; i++) {
      const b = smallFit({ type: TYPES[i % TYPES.length], serial: SERIALS[i % SERIALS.length], manufacturer: 1, product: 3843, seed: i, records: 5 + (i % 60), time: 1_000_000_000 + i * 3600 });
      bytes += b.length;
      writeFile(join(tree, `y${2000 + (i % 10)}`, `m${i % 12}`, `${i}.fit`), b);
    }
    const sortMs = timed(process.execPath, [join(repo, 'bin/run.js'), 'sort', tree, '--to', join(work, 'lib')], repo);
    const cpMs = timed('cp', ['-r', tree, join(work, 'copy')]);
    const again = timed(process.execPath, [join(repo, 'bin/run.js'), 'sort', tree, '--to', join(work, 'lib')], repo);
    const rate = (ms: number) => `${((FILES / ms) * 1000).toFixed(0)} files/s`;
    const lines = [
      `sort: ${FILES} small FIT files (${(bytes / 1e6).toFixed(1)} MB), 4 devices, 7 file types`,
      `  fitkit sort (new library)  ${(sortMs / 1000).toFixed(2)} s  ${rate(sortMs)}  (one syncfs per 64 files, sha256, CRC scan)`,
      `  fitkit sort (second run)   ${(again / 1000).toFixed(2)} s  ${rate(again)}  (all duplicates)`,
      `  cp -r                      ${(cpMs / 1000).toFixed(2)} s  ${rate(cpMs)}`,
      `  fitkit sort / cp -r: ${(sortMs / cpMs).toFixed(1)}x the time`,
    ];
    return { lines, newRate: (FILES / sortMs) * 1000, heldRate: (FILES / again) * 1000 };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
