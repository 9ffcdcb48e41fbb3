/** `fitkit sort` killed at random points (npm run test:slow): never a partial file, the next run completes. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LibraryIndex } from '../../src/core/library/library-index.js';
import { listLibrary, sha256 as hash, sourceTree } from '../helpers/sort-files.js';

const root = join(import.meta.dirname, '../..');
const tmp = (p: string) => mkdtempSync(join(tmpdir(), `fitkit-${p}-`));

/** A wide terminal, so the summary is a table (narrower: a line per device, see conventions.test.ts). */
function fitkit(args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'bin/run.js'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0', COLUMNS: '200' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A deterministic LCG, so a failing kill schedule can be replayed from its seed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe('fitkit sort killed', () => {
  it('killed at random points (SIGKILL at 20 seeded points over 4 libraries): never a partial file under a final name; the next run completes the library', async () => {
    const { dir, hashes } = sourceTree(800);
    const next = rng(0x5eed);
    let killedMidway = 0;
    const sizes: number[] = [];
    for (let l = 0; l < 4; l++) {
      const lib = tmp('killlib');
      for (let run = 0; run < 5; run++) {
        // The kill point is a number of files in the library (not a time, which load would
        // skew): a seeded point between what the library holds and all of it.
        const held = listLibrary(lib).length;
        const target = held + Math.floor((hashes.size - held) * next());
        const child = spawn(process.execPath, [join(root, 'bin/run.js'), 'sort', dir, '--to', lib, '--wait', '10'], { stdio: 'ignore' });
        const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
        const watch = setInterval(() => {
          if (listLibrary(lib).length >= target) child.kill('SIGKILL');
        }, 2);
        const code = await exited;
        clearInterval(watch);
        if (code === null) killedMidway++;
        const files = listLibrary(lib);
        sizes.push(files.filter((p) => !p.includes('.fitkit-tmp-')).length);
        for (const p of files) {
          if (p.split('/').pop()!.startsWith('.fitkit-tmp-')) continue;
          expect(hashes.has(hash(readFileSync(join(lib, p)))), `library ${l} run ${run} (kill at ${target} files): ${p} is not a whole source file`).toBe(true);
        }
      }

      const done = fitkit(['sort', dir, '--to', lib, '--json']);
      expect(done.code).toBe(0);
      const report = JSON.parse(done.stdout);
      expect(report.totals.inputs).toBe(801);
      expect(report.totals.failed).toBe(0);
      const files = listLibrary(lib);
      expect(files.filter((p) => p.includes('.fitkit-tmp-'))).toEqual([]);
      // Every distinct content exactly once, and all of them indexed.
      const contents = files.map((p) => hash(readFileSync(join(lib, p))));
      expect(new Set(contents).size).toBe(contents.length);
      expect(new Set(contents)).toEqual(hashes);
      const index = LibraryIndex.load(join(lib, '.fitkit'));
      expect(index.size).toBe(hashes.size);
      for (const p of files) expect(index.hasPath(p), p).toBe(true);
    }
    process.stderr.write(`sort kill test: ${killedMidway} of 20 runs killed before they finished; library files after each: ${sizes.join(' ')}\n`);
    expect(killedMidway).toBeGreaterThan(5);
    // Some kills landed while files were being written, not all before the first or after the last.
    expect(sizes.some((n) => n > 0 && n < hashes.size)).toBe(true);
  });
});
