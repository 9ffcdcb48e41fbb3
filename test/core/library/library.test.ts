/** Library.admit/commit on small FIT files: the landing order of docs/library-durability.md. */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyseBytes } from '../../../src/core/library/analyse.js';
import { Library } from '../../../src/core/library/library.js';
import { LibraryIndex } from '../../../src/core/library/library-index.js';
import { listLibrary, smallFit } from '../../helpers/sort-files.js';

const tmp = (p: string) => mkdtempSync(join(tmpdir(), `fitkit-${p}-`));
const temps = (dir: string) => readdirSync(dir).filter((n) => n.startsWith('.fitkit-tmp-'));
const indexed = (lib: string) => [...LibraryIndex.load(join(lib, '.fitkit')).entries()].map((e) => e.path);

function admit(lib: Library, name: string, bytes: Uint8Array) {
  return lib.admit({ name, origin: `/src/${name}`, analysis: analyseBytes(bytes), bytes });
}

describe('Library admit and commit', () => {
  it('stages the bytes beside their name, and links them only at commit, before the index entry', async () => {
    const root = tmp('lib');
    const bytes = smallFit({ type: 4, serial: 11, seed: 1 });
    const lib = await Library.open(root);
    const a = await admit(lib, 'run.fit', bytes);
    expect(a).toMatchObject({ outcome: 'copied', path: '11/Activities/run.fit' });
    // Admitted: a temporary file in the target folder, no final name, nothing indexed yet.
    expect(readdirSync(join(root, '11/Activities'))).toEqual(temps(join(root, '11/Activities')));
    expect(temps(join(root, '11/Activities'))).toHaveLength(1);
    expect(indexed(root)).toEqual([]);
    await lib.close();
    expect(readdirSync(join(root, '11/Activities'))).toEqual(['run.fit']);
    expect(readFileSync(join(root, '11/Activities/run.fit'))).toEqual(Buffer.from(bytes));
    expect(indexed(root)).toEqual(['11/Activities/run.fit']);
  });

  it('a name taken between admit and commit: the next suffix, the other file untouched, the report and index say so', async () => {
    const root = tmp('lib');
    const bytes = smallFit({ type: 4, serial: 11, seed: 2 });
    const lib = await Library.open(root);
    const a = await admit(lib, 'run.fit', bytes);
    expect(a.path).toBe('11/Activities/run.fit');
    writeFileSync(join(root, '11/Activities/run.fit'), 'not mine');
    await lib.close();
    expect(a).toMatchObject({ outcome: 'copied', path: '11/Activities/run-1.fit' });
    expect(readFileSync(join(root, '11/Activities/run.fit'), 'utf8')).toBe('not mine');
    expect(readFileSync(join(root, '11/Activities/run-1.fit'))).toEqual(Buffer.from(bytes));
    expect(indexed(root)).toEqual(['11/Activities/run-1.fit']);
    expect(temps(join(root, '11/Activities'))).toEqual([]);
  });

  it('released without a commit (a failed run): the staged files are removed, nothing linked or indexed', async () => {
    const root = tmp('lib');
    const lib = await Library.open(root);
    await admit(lib, 'a.fit', smallFit({ type: 4, serial: 11, seed: 3 }));
    await admit(lib, 'b.fit', smallFit({ type: 6, serial: 11, seed: 4 }));
    lib.release();
    expect(listLibrary(root).filter((p) => !p.startsWith('.fitkit/'))).toEqual([]);
    expect(indexed(root)).toEqual([]);
  });

  it('commits in order when the next batch is admitted and committed before the last one is done', async () => {
    const root = tmp('lib');
    const lib = await Library.open(root);
    const files = Array.from({ length: 6 }, (_, i) => smallFit({ type: 4, serial: 11, seed: 10 + i }));
    await admit(lib, 'x.fit', files[0]);
    await admit(lib, 'y.fit', files[1]);
    const first = lib.commit();
    // Same names again, different content: suffixes decided in call order, whatever the timing.
    await admit(lib, 'x.fit', files[2]);
    await admit(lib, 'z.fit', files[3]);
    const second = lib.commit();
    await Promise.all([first, second]);
    await lib.close();
    expect(indexed(root)).toEqual(['11/Activities/x.fit', '11/Activities/y.fit', '11/Activities/x-1.fit', '11/Activities/z.fit']);
    expect(readFileSync(join(root, '11/Activities/x-1.fit'))).toEqual(Buffer.from(files[2]));
    expect(temps(join(root, '11/Activities'))).toEqual([]);
  });
});
