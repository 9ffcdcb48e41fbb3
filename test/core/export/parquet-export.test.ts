import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { zipOf } from '../../helpers/zip.js';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeFitColumns } from '../../../src/core/fit/decode/columns.js';
import { standardProfile } from '../../../src/core/fit/profile/profile.js';
import { exportParquet, STATE_DIR } from '../../../src/core/export/parquet-export.js';
import { walkSources } from '../../../src/core/library/walk.js';
import { corpusFitFiles, corpusPath, describeCorpus } from '../../helpers/corpus.js';
import { expectSameSums, query, table } from '../../helpers/parquet-check.js';

const FIXTURES = resolve(import.meta.dirname, '../../../fixtures/fit');
const dir = mkdtempSync(join(tmpdir(), 'fitkit-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RECORD_SUMS = ['heart_rate', 'distance', 'speed', 'cadence', 'power', 'altitude'];
const SESSION_SUMS = ['total_distance', 'total_elapsed_time', 'total_timer_time', 'avg_heart_rate', 'total_calories'];

const fixtureFiles = (): Map<string, string> =>
  new Map(
    readdirSync(FIXTURES)
      .filter((f) => f.endsWith('.fit'))
      .map((f) => [join(FIXTURES, f), join(FIXTURES, f)]),
  );

const parts = (out: string): string[] =>
  readdirSync(out)
    .filter((t) => t !== STATE_DIR)
    .flatMap((t) => readdirSync(join(out, t)).map((p) => `${t}/${p}`))
    .sort();

describe('fitkit export --format parquet, read back by DuckDB', () => {
  const out = join(dir, 'fixtures');
  const files = fixtureFiles();

  it('holds every record and session row of every file, with the sums the decoder gives', async () => {
    // All but the last first: the second run below must add just that one.
    const r = await exportParquet([...files.values()].slice(0, -1), { out, profile: standardProfile() });
    expect(r.problems).toEqual([]);
    expect(r.exported).toBe(files.size - 1);
    const rest = await exportParquet([...files.values()], { out, profile: standardProfile() });
    expect(rest).toMatchObject({ exported: 1, held: files.size - 1, problems: [] });
    await expectSameSums(out, files, 'record', RECORD_SUMS);
    await expectSameSums(out, files, 'session', SESSION_SUMS);
    await expectSameSums(out, files, 'lap', ['total_distance', 'total_timer_time']);
  });

  it('a long recording is buffered in slices (small parts) and still holds every row', async () => {
    const small = join(dir, 'sliced');
    const r = await exportParquet([...files.values()], { out: small, profile: standardProfile(), maxCells: 500 });
    expect(r.tables['record']!.parts).toBeGreaterThan(files.size);
    await expectSameSums(small, files, 'record', RECORD_SUMS);
  });

  it('types columns from the profile, positions in degrees, units in the metadata', async () => {
    const types = Object.fromEntries((await query(`select column_name c, column_type t from (describe select * from ${table(out, 'record')})`)).map((r) => [r['c'], r['t']]));
    expect(types).toMatchObject({
      _file: 'VARCHAR',
      _file_serial: 'BIGINT',
      _file_time_created: 'TIMESTAMP',
      timestamp: 'TIMESTAMP',
      heart_rate: 'INTEGER',
      distance: 'DOUBLE',
      position_lat: 'DOUBLE',
    });
    const session = Object.fromEntries((await query(`select column_name c, column_type t from (describe select * from ${table(out, 'session')})`)).map((r) => [r['c'], r['t']]));
    expect(session['sport']).toBe('VARCHAR');
    const sports = (await query(`select distinct sport s from ${table(out, 'session')}`)).map((r) => r['s']);
    expect(sports.every((s) => typeof s === 'string' && /^[a-z_]+$/.test(s))).toBe(true);

    const one = [...files.values()].find((f) => {
      const rec = decodeFitColumns(new Uint8Array(readFileSync(f)), { messages: ['record'] }).messages.get('record');
      const lat = rec?.columns['position_lat'];
      return lat?.kind === 'number' && lat.values.some((v) => !Number.isNaN(v));
    })!;
    const rec = decodeFitColumns(new Uint8Array(readFileSync(one)), { messages: ['record'] }).messages.get('record')!;
    const lat = rec.columns['position_lat'] as { values: Float64Array };
    const want = [...lat.values].filter((v) => !Number.isNaN(v)).map((v) => (v * 180) / 2 ** 31);
    const got = (await query(`select position_lat p from ${table(out, 'record')} where _file = '${one}' and position_lat is not null`)).map((r) => Number(r['p']));
    expect(got).toHaveLength(want.length);
    got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 9));

    const kv = await query(`select decode(value) v from parquet_kv_metadata('${out}/record/*.parquet') where decode(key) = 'fitkit:units' limit 1`);
    const units = JSON.parse(kv[0]!['v'] as string) as Record<string, string>;
    expect(units).toMatchObject({ heart_rate: 'bpm', distance: 'm', position_lat: 'degrees' });
  });

  it('reads nothing on the next run, holds a copy by content, drops the parts of a run that never finished', async () => {
    const before = parts(out);
    const again = await exportParquet([...files.values()], { out, profile: standardProfile() });
    expect(again).toMatchObject({ exported: 0, held: files.size, bytesRead: 0 });
    expect(parts(out)).toEqual(before);

    const copy = join(dir, 'copy.fit');
    copyFileSync([...files.values()][0]!, copy);
    // A killed run's part: no run in the list owns it, and its rows would come twice.
    const orphan = join(out, 'record', 'part-20000101T000000000Z-1-0.parquet');
    copyFileSync(
      join(
        out,
        before.find((p) => p.startsWith('record/'))!,
      ),
      orphan,
    );
    const fresh = await exportParquet([copy], { out, profile: standardProfile() });
    expect(fresh).toMatchObject({ exported: 0, held: 1 });
    expect(parts(out)).toEqual(before);
    await expectSameSums(out, files, 'record', RECORD_SUMS);
  });

  it('reads FIT files out of a .fit.gz and nested zips, naming each by its place in the archive', async () => {
    const [a, b] = [...files.values()].filter((f) => /Activity|activity-settings\.fit/.test(f));
    const inner = await zipOf([['b.fit', readFileSync(b!)]]);
    const zip = join(dir, 'export.zip');
    writeFileSync(
      zip,
      await zipOf([
        ['activities/a.fit.gz', gzipSync(readFileSync(a!))],
        ['nested/inner.zip', inner],
      ]),
    );
    const gz = join(dir, 'single.fit.gz');
    writeFileSync(gz, gzipSync(readFileSync(b!)));
    const out2 = join(dir, 'archives');
    const walked = walkSources([dir], undefined, { archives: true }).files.filter((f) => f === zip || f === gz);
    expect(walked).toEqual([zip, gz]);
    const r = await exportParquet(walked, { out: out2, profile: standardProfile() });
    expect(r).toMatchObject({ exported: 2, held: 1, problems: [] }); // single.fit.gz holds b again
    const shown = (await query(`select distinct _file f from ${table(out2, 'file_id')} order by f`)).map((x) => x['f']);
    expect(shown).toEqual([`${zip}/activities/a.fit`, `${zip}/nested/inner.zip/b.fit`]);
    await expectSameSums(
      out2,
      new Map([
        [`${zip}/activities/a.fit`, a!],
        [`${zip}/nested/inner.zip/b.fit`, b!],
      ]),
      'record',
      RECORD_SUMS,
    );
  });
});

describeCorpus('fitkit export over corpus files from many makers, read back by DuckDB', () => {
  // One file of each source folder keeps this fast; the slow suite exports the whole corpus.
  const byFolder = new Map<string, string>();
  for (const f of corpusFitFiles()) if (!f.startsWith('crafted/')) byFolder.set(f.split('/')[0]!, f);
  const files = new Map([...byFolder.values()].map((f) => [corpusPath('fit', `${f}.fit`), corpusPath('fit', `${f}.fit`)]));

  it('every table holds what the decoder holds, per file', async () => {
    const out = join(dir, 'corpus');
    const r = await exportParquet([...files.values()], { out, profile: standardProfile() });
    expect(r.exported + r.held).toBe(files.size);
    for (const t of Object.keys(r.tables)) {
      const n = await query(`select count(*)::double n from ${table(out, t)}`);
      expect(Number(n[0]!['n']), t).toBe(r.tables[t]!.rows);
    }
    await expectSameSums(out, files, 'record', RECORD_SUMS);
    await expectSameSums(out, files, 'session', SESSION_SUMS);
  });
});
