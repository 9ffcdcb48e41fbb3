/**
 * `fitkit validate` against FitCSVTool `-t` on every corpus FIT file: the same checks, in the
 * same order, with the same level, verdict and reason lines. Any disagreement is listed; the
 * ones we accept are named below with the reason (none so far). Also: every malformed corpus
 * file fails with a byte offset, and a batch over the whole corpus reports every file.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { Profile } from '../../src/core/fit/profile/profile.js';
import { validateBytes, validateChunks } from '../../src/core/validate/validate-file.js';
import { CORPUS, corpusFitFiles, corpusPath, describeCorpus } from '../helpers/corpus.js';

const root = join(import.meta.dirname, '../..');
const profile = Profile.standard();

/**
 * Accepted disagreements, by corpus file and check name, each with its reason (a FitCSVTool
 * bug, or profile 21.202 against our 21.217). Empty: every verdict and reason matches.
 */
const KNOWN: Record<string, Record<string, string>> = {};

/** The oracle's checks: one line per check, then its reasons (tab-indented). */
function oracleLines(rel: string): { lines: string[]; count: number | undefined } {
  const text = readFileSync(corpusPath('validate-oracle', rel + '.txt'), 'utf8');
  const lines: string[] = [];
  let count: number | undefined;
  for (const l of text.split('\n')) {
    const m = /^(.*) - Level: (REQUIRED|OPTIONAL) Status: (\w+)$/.exec(l);
    if (m) lines.push(`${m[1]} | ${m[2]} | ${m[3]}`);
    else if (l.startsWith('\t')) lines.push(`    ${l.trim()}`);
    const c = /^Message Count: (\d+)$/.exec(l);
    if (c) count = Number(c[1]);
  }
  return { lines, count };
}

/** Our checklist as `validate` reports it (one streaming pass, read in small pieces here). */
function ourLines(bytes: Uint8Array): { lines: string[]; count: number } {
  const report = validateChunks('x', bytes.length, pieces(bytes), profile);
  const lines: string[] = [];
  for (const r of report.checklist) {
    lines.push(`${r.name} | ${r.level} | ${r.status}`);
    for (const x of r.reasons) lines.push(`    ${x}`);
  }
  return { lines, count: report.messages };
}

/** The bytes in 4 KiB pieces: records and headers cut across pieces, as a big file's are. */
function* pieces(bytes: Uint8Array): Iterable<Uint8Array> {
  for (let at = 0; at < bytes.length; at += 4096) yield bytes.subarray(at, at + 4096);
}

/** Corpus files the MANIFEST describes as damaged: truncated, bad CRC, corrupt header, junk, not FIT. */
function malformed(): string[] {
  const rows = readFileSync(join(CORPUS, 'MANIFEST.tsv'), 'utf8')
    .split('\n')
    .map((l) => l.split('\t'));
  return rows
    .filter((r) => r[0]?.startsWith('fit/') && /KNOWN-MALFORMED|truncat|CRC mismatch|corrupt|trailing|non-FIT|not a FIT|junk/i.test(r[6] ?? ''))
    .map((r) => r[0].slice(4).replace(/\.fit$/i, ''));
}

describeCorpus('validate against FitCSVTool -t (validate-oracle)', () => {
  it('every check of every corpus file: same name, level, verdict and reasons; same message count', () => {
    const files = corpusFitFiles();
    const disagreements: string[] = [];
    let checks = 0;
    for (const rel of files) {
      const want = oracleLines(rel);
      const got = ourLines(readFileSync(corpusPath('fit', rel + '.fit')));
      if (want.count !== undefined && want.count !== got.count) disagreements.push(`${rel}: Message Count ${want.count}, ours ${got.count}`);
      const n = Math.max(want.lines.length, got.lines.length);
      for (let i = 0; i < n; i++) {
        if (!want.lines[i]?.startsWith('    ')) checks++;
        if (want.lines[i] === got.lines[i]) continue;
        const name = (want.lines[i] ?? got.lines[i]).split(' | ')[0];
        if (KNOWN[rel]?.[name]) continue;
        disagreements.push(`${rel}: line ${i + 1}\n  FitCSVTool: ${want.lines[i]}\n  fitkit:     ${got.lines[i]}`);
        break;
      }
    }
    expect(files.length).toBeGreaterThan(100);
    expect(checks).toBeGreaterThan(3000);
    expect(disagreements).toEqual([]);
  });

  it('every malformed corpus file fails with a diagnostic that has a byte offset', () => {
    const list = malformed();
    expect(list.length).toBeGreaterThanOrEqual(8);
    for (const rel of list) {
      const r = validateBytes(rel, readFileSync(corpusPath('fit', rel + '.fit')), profile);
      expect(r.ok, rel).toBe(false);
      const found = r.diagnostics.filter((d) => d.level !== 'info' && d.offset > 0);
      expect(found.length, `${rel}: ${JSON.stringify(r.diagnostics)}`).toBeGreaterThan(0);
    }
  });

  it('a batch over the whole corpus folder (built CLI, worker threads) reports every file, exit 1', () => {
    const r = spawnSync(process.execPath, [join(root, 'bin/run.js'), 'validate', join(CORPUS, 'fit'), '--json', '--threads', '2'], { encoding: 'utf8', maxBuffer: 256 << 20 });
    expect(r.status, r.stderr).toBe(1);
    const out = JSON.parse(r.stdout) as { files: { file: string; ok: boolean; checklist: { name: string; level: string; status: string }[] }[]; totals: { files: number } };
    const files = corpusFitFiles();
    expect(out.totals.files).toBe(files.length);
    expect(new Set(out.files.map((f) => f.file))).toEqual(new Set(files.map((f) => corpusPath('fit', f + '.fit'))));
    // The JSON checklist is the oracle's, line for line (names verbatim).
    const act = out.files.find((f) => f.file.endsWith('garmin-fit-js-sdk/Activity.fit'));
    if (act) expect(act.checklist.map((c) => `${c.name} | ${c.level} | ${c.status}`)).toEqual(oracleLines('garmin-fit-js-sdk/Activity').lines.filter((l) => !l.startsWith('    ')));
  });
});
