/** `sortIntoLibrary` over the whole corpus: every input accounted for, copies identical, layout as specified, idempotent. */
import { readFileSync, readdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { standardProfile } from '../../src/core/fit/profile/profile.js';
import { readFileId } from '../../src/core/library/file-id.js';
import { placeDir } from '../../src/core/library/layout.js';
import { LibraryIndex } from '../../src/core/library/library-index.js';
import { sortIntoLibrary } from '../../src/core/library/sorter.js';
import { corpusFitFiles, corpusPath, describeCorpus } from '../helpers/corpus.js';

function tree(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (r === '.fitkit') return [];
    return e.isDirectory() ? tree(dir, r) : [r];
  });
}

describeCorpus('fitkit sort: the corpus', () => {
  it('sorts every corpus file exactly once, byte for byte, by serial and type; a second run copies nothing', async () => {
    const lib = mkdtempSync(join(tmpdir(), 'fitkit-corpus-lib-'));
    const inputs = corpusFitFiles().map((f) => corpusPath('fit', f + '.fit'));
    const r = await sortIntoLibrary({ sources: [corpusPath('fit')], library: lib, threads: 0 });
    const t = r.totals;
    expect(r.files.map((f) => f.source).sort()).toEqual([...inputs].sort());
    expect(t.copied + t.duplicates + t.quarantined).toBe(inputs.length);
    expect([t.filtered, t.failed, t.ignored]).toEqual([0, 0, 0]);
    process.stderr.write(`corpus sort: ${t.inputs} inputs, ${t.copied} copied, ${t.duplicates} duplicates, ${t.quarantined} quarantined\n`);

    const profile = standardProfile();
    for (const f of r.files) {
      const src = readFileSync(f.source);
      if (f.outcome === 'duplicate') continue;
      expect(readFileSync(join(lib, f.path!)), f.source).toEqual(src);
      const dir = f.path!.slice(0, f.path!.lastIndexOf('/'));
      if (f.outcome === 'quarantined') expect(dir).toBe('_quarantine');
      else expect([f.source, dir]).toEqual([f.source, placeDir(readFileId(src.subarray(0, 65536)), profile)]);
    }
    // One library file per distinct content, and the index knows each of them.
    const files = tree(lib);
    expect(files).toHaveLength(t.copied + t.quarantined);
    const index = LibraryIndex.load(join(lib, '.fitkit'));
    expect(index.size).toBe(files.length);
    for (const p of files) expect(index.hasPath(p), p).toBe(true);

    const again = await sortIntoLibrary({ sources: [corpusPath('fit')], library: lib, threads: 0 });
    expect(again.totals).toMatchObject({ inputs: inputs.length, copied: 0, quarantined: 0, duplicates: inputs.length });
    expect(tree(lib).sort()).toEqual(files.sort());
  });
});
