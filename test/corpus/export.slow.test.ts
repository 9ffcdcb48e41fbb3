import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { exportParquet } from '../../src/core/export/parquet-export.js';
import { standardProfile } from '../../src/core/fit/profile/profile.js';
import { corpusFitFiles, corpusPath, describeCorpus } from '../helpers/corpus.js';
import { expectSameSums, query, table } from '../helpers/parquet-check.js';

const dir = mkdtempSync(join(tmpdir(), 'fitkit-export-corpus-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeCorpus('fitkit export of the whole corpus, read back by DuckDB', () => {
  it('every file exported or held by content; every table and per-file sum as the decoder has them', async () => {
    const paths = corpusFitFiles().map((f) => corpusPath('fit', `${f}.fit`));
    const files = new Map(paths.map((p) => [p, p]));
    const r = await exportParquet(paths, { out: dir, profile: standardProfile() });
    expect(r.problems).toEqual([]);
    expect(r.exported + r.held).toBe(paths.length);
    for (const [t, w] of Object.entries(r.tables)) {
      const n = await query(`select count(*)::double n from ${table(dir, t)}`);
      expect(Number(n[0]!['n']), t).toBe(w.rows);
    }
    // Files held by content (byte-identical copies in the corpus) have their rows under the first name.
    const exported = new Map(files);
    const held = new Set((await query(`select distinct _file f from ${table(dir, 'file_id')}`)).map((x) => x['f'] as string));
    for (const k of exported.keys()) if (!held.has(k)) exported.delete(k);
    expect(exported.size).toBe(r.exported);
    await expectSameSums(dir, exported, 'record', ['heart_rate', 'distance', 'speed', 'cadence', 'power', 'altitude']);
    await expectSameSums(dir, exported, 'session', ['total_distance', 'total_elapsed_time', 'total_timer_time', 'total_calories']);
    await expectSameSums(dir, exported, 'lap', ['total_distance', 'total_timer_time']);
  });
});
