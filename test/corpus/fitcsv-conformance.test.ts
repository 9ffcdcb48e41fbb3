/**
 * `fitkit dump` against FitCSVTool: for every corpus FIT file, our CSV must equal the oracle's
 * (csv-oracle/, FitCSVTool 21.202). The oracle's profile is older than ours, so a file that
 * differs with our profile is dumped again with @garmin/fitsdk 21.202's profile: equal then
 * means "identical modulo profile version". What still differs must be one of the FitCSVTool
 * artefacts docs/fitcsv-format.md says not to copy; anything else fails.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { Profile as Sdk21202 } from 'fitsdk-21202';
import { afterAll, expect, it } from 'vitest';
import { Profile } from '../../src/core/fit/profile/profile.js';
import { renderCsv } from '../helpers/render-csv.js';
import { corpusFitFiles, corpusPath, describeCorpus } from '../helpers/corpus.js';
import type { SdkProfileShape } from '../../src/core/fit/profile/sdk-profile.js';

const current = Profile.standard();
// The oracle knows neither newer SDK fields nor fitkit's supplement (message 29 `location`).
const oracleProfile = Profile.sdk(Sdk21202 as unknown as SdkProfileShape);

type Outcome = 'identical' | 'profile-version' | 'artefact' | 'different';
const outcomes = new Map<string, Outcome>();
const rowKinds = new Map<string, number>();

/** FitCSVTool artefacts fitkit does not copy: always listed in the summary, with their counts. */
const ARTEFACT = {
  badBaseType: 'header: stray column after FitCSVTool aborted on a bad base type',
  shortField: 'Data: field shorter than its type (FitCSVTool prints stale bytes)',
  dataSizeZero: 'file: FitCSVTool writes no CSV for a header with data_size 0 (fitkit reads its records)',
} as const;
for (const k of Object.values(ARTEFACT)) rowKinds.set(k, 0);

function count(kind: string, n = 1): void {
  rowKinds.set(kind, (rowKinds.get(kind) ?? 0) + n);
}

function triplets(row: string): string[][] {
  // Data values are quoted and may hold commas; split on commas outside quotes.
  const cells: string[] = [];
  let cur = '';
  let q = false;
  for (const ch of row) {
    if (ch === '"') q = !q;
    if (ch === ',' && !q) {
      cells.push(cur);
      cur = '';
    } else cur += ch;
  }
  cells.push(cur);
  const out: string[][] = [];
  for (let i = 3; i + 2 < cells.length; i += 3) if (cells[i] !== '') out.push(cells.slice(i, i + 3));
  return out;
}

/** The file's (first) header declares a data size of 0. */
function dataSizeZero(bytes: Uint8Array): boolean {
  return bytes.length >= 12 && bytes[4] === 0 && bytes[5] === 0 && bytes[6] === 0 && bytes[7] === 0;
}

/** A row pair that differs only in fields stored in fewer bytes than their type (§9: stale bytes). */
function onlyMisaligned(a: string, b: string, names: Set<string>): boolean {
  const strip = (r: string) =>
    triplets(r)
      .filter((t) => !names.has(t[0]))
      .map((t) => t.join(','));
  return a.split(',').slice(0, 3).join() === b.split(',').slice(0, 3).join() && strip(a).join() === strip(b).join();
}

describeCorpus('FitCSVTool conformance (csv-oracle)', () => {
  const files = corpusFitFiles();

  it('has an oracle CSV for every corpus FIT file', () => {
    expect(files.length).toBeGreaterThan(100);
  });

  for (const rel of files) {
    it(rel, () => {
      const bytes = readFileSync(corpusPath('fit', rel + '.fit'));
      const oracle = gunzipSync(readFileSync(corpusPath('csv-oracle', rel + '.csv.gz'))).toString('utf8');
      const ours = renderCsv(bytes, current);
      if (ours.csv === oracle) return void outcomes.set(rel, 'identical');
      if (oracle === '' && dataSizeZero(bytes)) {
        // FitCSVTool gives up on a header declaring no data (a file never finished) and writes
        // no CSV; fitkit may read the records that follow (docs/fitcsv-invalid-values.md §8).
        count(ARTEFACT.dataSizeZero);
        return void outcomes.set(rel, 'artefact');
      }

      const oLines = oracle.split('\n');
      const uLines = ours.csv.split('\n');
      for (let i = 0; i < Math.max(oLines.length, uLines.length); i++) {
        if (oLines[i] === uLines[i]) continue;
        const o = oLines[i] ?? '';
        const u = uLines[i] ?? '';
        const kind = i === 0 ? 'header' : (o || u).split(',')[0];
        const profileOnly = o.replace(/unknown/g, '') !== o;
        count(`${kind} rows differing with profile ${current.version}${profileOnly ? ' (oracle prints unknown)' : ''}`);
      }

      const old = renderCsv(bytes, oracleProfile);
      if (old.csv === oracle) return void outcomes.set(rel, 'profile-version');

      const a = oracle.split('\n');
      const b = old.csv.split('\n');
      const unexplained: string[] = [];
      for (let i = 0; i < Math.max(a.length, b.length); i++) {
        if (a[i] === b[i]) continue;
        if (i === 0 && old.diagnostics.some((d) => d.code === 'bad_definition')) {
          // FitCSVTool aborts on a base type that does not exist and leaves a stray column in
          // its header row (§9); we stop at the same definition without the stray column.
          count(ARTEFACT.badBaseType);
          continue;
        }
        if (onlyMisaligned(a[i] ?? '', b[i] ?? '', old.misalignedNames)) {
          // FitCSVTool fills a field shorter than its type with stale bytes of the previous
          // field (§9); we read the bytes that are there.
          count(ARTEFACT.shortField);
          continue;
        }
        unexplained.push(`line ${i + 1}\n  oracle: ${a[i]?.slice(0, 400)}\n  fitkit: ${b[i]?.slice(0, 400)}`);
      }
      outcomes.set(rel, unexplained.length ? 'different' : 'artefact');
      expect(unexplained.slice(0, 3).join('\n')).toBe('');
    });
  }

  it('fails where FitCSVTool reported a decoding error, and only there', () => {
    const disagree: string[] = [];
    for (const rel of files) {
      const log = readFileSync(corpusPath('csv-oracle', rel + '.log'), 'utf8');
      const oracleError = /^Error:/m.test(log);
      const ours = renderCsv(readFileSync(corpusPath('fit', rel + '.fit')), current);
      // A header declaring no data is FitCSVTool's error; fitkit reports it (data_size_zero)
      // whether or not it reads the records after it.
      const ourError = ours.diagnostics.some((d) => d.level === 'error' || d.code === 'trailing_bytes' || d.code === 'data_size_zero');
      if (oracleError !== ourError) disagree.push(`${rel}: FitCSVTool error=${oracleError}, fitkit ${JSON.stringify(ours.diagnostics)}`);
    }
    expect(disagree).toEqual([]);
  });

  afterAll(() => {
    const by = (o: Outcome) => [...outcomes.values()].filter((x) => x === o).length;
    const lines = [
      `FitCSVTool conformance over ${outcomes.size} files:`,
      `  identical:                          ${by('identical')}`,
      `  identical modulo profile version:   ${by('profile-version')}`,
      `  identical but for §9 artefacts:     ${by('artefact')}`,
      `  different (failures):               ${by('different')}`,
      '  rows differing, by kind (artefacts named in ARTEFACT):',
      ...[...rowKinds].map(([k, n]) => `    ${String(n).padStart(6)}  ${k}`),
    ];
    console.log(lines.join('\n'));
  });
});
