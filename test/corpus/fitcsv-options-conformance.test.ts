/**
 * `fitkit dump` with FitCSVTool's non-default options against FitCSVTool 21.202 itself
 * (csv-oracle-options/, README there): for every option set and every file in it, the main CSV,
 * the `_data.csv` table, whether each file is written at all, the `-u` summary line and whether
 * decoding failed must all be FitCSVTool's. Each file is decoded once per option set, with the
 * 21.202 profile the oracle was built with (so profile-version differences cannot occur).
 *
 * The one accepted difference is where FitCSVTool itself breaks (docs/fitcsv-options.md): it
 * stops with "Error:" at a row it cannot print. There its CSV must be exactly our rows up to that
 * row, and that row must be one of the named breaks; it is counted, not copied.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Profile as Sdk21202 } from 'fitsdk-21202';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeFit } from '../../src/core/fit/decode/decoder.js';
import type { FitMessage } from '../../src/core/fit/decode/message.js';
import { Profile } from '../../src/core/fit/profile/profile.js';
import type { SdkProfileShape } from '../../src/core/fit/profile/sdk-profile.js';
import { hiddenSummary } from '../../src/core/formats/fitcsv-dump.js';
import { corpusPath, describeCorpus, hasCorpus } from '../helpers/corpus.js';
import { renderDump, type DumpOptions } from '../helpers/render-dump.js';

const profile = Profile.sdk(Sdk21202 as unknown as SdkProfileShape);

/** Each folder of csv-oracle-options and the FitCSVTool options it was made with. */
const SETS: { folder: string; fitcsvtool: string; opts: DumpOptions }[] = [
  { folder: 's', fitcsvtool: '-s', opts: { invalid: 'raw' } },
  { folder: 'se', fitcsvtool: '-se', opts: { invalid: 'empty' } },
  { folder: 'x', fitcsvtool: '-x', opts: { hex: true } },
  { folder: 'u', fitcsvtool: '-u', opts: { hideUnknown: true } },
  { folder: 'e', fitcsvtool: '-e', opts: { enumNames: true } },
  { folder: 'deg-iso', fitcsvtool: '-deg -iso8601', opts: { degrees: true, iso8601: true } },
  { folder: 're', fitcsvtool: '-re', opts: { expandComponents: false } },
  { folder: 'data-record', fitcsvtool: '--defn none --data record', opts: { defn: ['none'], data: ['record'] } },
  { folder: 'data-all-ex', fitcsvtool: '-ex --data record,hrv', opts: { exclude: true, data: ['record', 'hrv'] } },
  { folder: 'group', fitcsvtool: '--data record -g', opts: { data: ['record'], groupData: true } },
];

/** Every oracle run of a folder (one .log each, whatever files it wrote), as paths like 'a/b'. */
function oracleRuns(folder: string): string[] {
  const root = corpusPath('csv-oracle-options', folder);
  if (!hasCorpus || !existsSync(root)) return [];
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? walk(p) : n.endsWith('.log') ? [relative(root, p).replace(/\.log$/, '')] : [];
    });
  return walk(root).sort();
}

function gunzipped(path: string): string | null {
  return existsSync(path) ? gunzipSync(readFileSync(path)).toString('utf8') : null;
}

function cellCount(row: string): number {
  let n = 0;
  let quoted = false;
  for (const ch of row) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) n++;
  }
  return n;
}

/** Why FitCSVTool cannot print this message, when it is one of its known breaks. */
function fitCsvToolBreak(folder: string, msg: FitMessage): string | undefined {
  if (folder !== 'deg-iso') return undefined;
  // -deg asks every field's units whether they are "semicircles"; a developer field without
  // units has none to ask.
  if (msg.fields.some((f) => f.kind === 'developer' && f.dev?.units === undefined)) {
    return '-deg: FitCSVTool stops at a developer field without units';
  }
  // -iso8601 converts a date_time stored in fewer than 4 bytes no further.
  if (msg.fields.some((f) => f.type === 'date_time' && f.kind === 'native' && f.baseType.size < 4)) {
    return '-iso8601: FitCSVTool stops at a date_time stored in fewer than 4 bytes';
  }
  return undefined;
}

type Outcome = 'identical' | 'artefact' | 'different';
const outcomes = new Map<string, Map<Outcome, number>>();
const artefacts = new Map<string, number>();

function record(folder: string, o: Outcome): void {
  const m = outcomes.get(folder) ?? new Map<Outcome, number>();
  m.set(o, (m.get(o) ?? 0) + 1);
  outcomes.set(folder, m);
}

/** The first differing lines of two texts, for a failure message. */
function firstDifferences(what: string, oracle: string | null, ours: string | null): string[] {
  if (oracle === ours) return [];
  if (oracle === null || ours === null) return [`${what}: FitCSVTool ${oracle === null ? 'writes none' : 'writes one'}, fitkit ${ours === null ? 'none' : 'one'}`];
  const a = oracle.split('\n');
  const b = ours.split('\n');
  const out: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length) && out.length < 3; i++) {
    if (a[i] !== b[i]) out.push(`${what} line ${i + 1}\n  oracle: ${a[i]?.slice(0, 300)}\n  fitkit: ${b[i]?.slice(0, 300)}`);
  }
  return out;
}

describeCorpus('FitCSVTool conformance, non-default options (csv-oracle-options)', () => {
  for (const set of SETS) {
    describe(`${set.folder} (${set.fitcsvtool})`, () => {
      const runs = oracleRuns(set.folder);

      it('has FitCSVTool outputs for the 40 listed corpus files and the crafted ones', () => {
        expect(runs.length).toBeGreaterThanOrEqual(50);
      });

      for (const rel of runs) {
        it(rel, async () => {
          const dir = corpusPath('csv-oracle-options', set.folder);
          const log = readFileSync(join(dir, rel + '.log'), 'utf8');
          const oracleCsv = gunzipped(join(dir, rel + '.csv.gz'));
          const oracleData = set.opts.data ? gunzipped(join(dir, rel + '_data.csv.gz')) : null;
          const bytes = readFileSync(corpusPath('fit', rel + '.fit'));
          const ours = await renderDump(bytes, profile, set.opts);

          const problems = [...firstDifferences('_data.csv', oracleData, ours.dataCsv)];
          const oracleFailed = /^Error:/m.test(log);
          const hid = log.match(/^Hid .*$/m)?.[0];
          if (set.opts.hideUnknown) {
            // FitCSVTool prints the line whenever it wrote a CSV.
            const expected = hid ?? (ours.csv === null ? undefined : '(no Hid line)');
            if (expected !== undefined && expected !== hiddenSummary(ours.result)) problems.push(`-u: FitCSVTool "${expected}", fitkit "${hiddenSummary(ours.result)}"`);
          }

          if (oracleCsv === ours.csv) {
            if (oracleFailed !== ours.result.failed) problems.push(`FitCSVTool error=${oracleFailed}, fitkit failed=${ours.result.failed}`);
            record(set.folder, problems.length ? 'different' : 'identical');
            expect(problems.join('\n')).toBe('');
            return;
          }

          // Where FitCSVTool broke off: its rows are a prefix of ours, cut at a row it cannot print.
          const broke = oracleFailed && !ours.result.failed && oracleCsv !== null && ours.csv !== null;
          const o = broke ? oracleCsv.split('\n') : [];
          const u = broke ? ours.csv!.split('\n') : [];
          const cut = o.length - 2; // rows FitCSVTool wrote, after the header and before the final ''
          const prefixEqual = broke && o[o.length - 1] === '' && o.slice(1, cut + 1).join('\n') === u.slice(1, cut + 1).join('\n');
          let why: string | undefined;
          if (prefixEqual && u[cut + 1]?.startsWith('Data,')) {
            const dataBefore = u.slice(1, cut + 1).filter((l) => l.startsWith('Data,')).length;
            why = fitCsvToolBreak(set.folder, decodeFit(bytes, { profile }).messages[dataBefore]);
          }
          // Its header is as wide as the widest row it wrote: the last one, since rows only grow.
          const headerOk = prefixEqual && cellCount(o[0]) === (cut > 0 ? cellCount(o[cut]) : 3);
          if (why && headerOk) {
            artefacts.set(why, (artefacts.get(why) ?? 0) + 1);
            record(set.folder, problems.length ? 'different' : 'artefact');
          } else {
            problems.push(...firstDifferences('CSV', oracleCsv, ours.csv));
            record(set.folder, 'different');
          }
          expect(problems.join('\n')).toBe('');
        });
      }
    });
  }

  afterAll(() => {
    const by = (folder: string, o: Outcome) => outcomes.get(folder)?.get(o) ?? 0;
    const lines = [
      'FitCSVTool conformance with non-default options (files per option set):',
      `  ${'set'.padEnd(12)} ${'identical'.padStart(9)} ${'artefact'.padStart(9)} ${'different'.padStart(9)}`,
      ...SETS.map((s) => `  ${s.folder.padEnd(12)} ${String(by(s.folder, 'identical')).padStart(9)} ${String(by(s.folder, 'artefact')).padStart(9)} ${String(by(s.folder, 'different')).padStart(9)}`),
      '  FitCSVTool breaks counted, not copied (files):',
      ...[...artefacts].map(([k, n]) => `    ${String(n).padStart(4)}  ${k}`),
    ];
    console.log(lines.join('\n'));
  });
});
