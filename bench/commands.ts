/**
 * The whole-process rows of issue #17's table, each with its target: fitkit's CLI (bin/run.js)
 * run as users run it, so the rows hold whatever the internals become. Peers, where the table
 * names one, alternate with fitkit run by run.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { smallFit, writeFile } from '../test/helpers/sort-files.js';
import { writeLongTcx } from '../test/helpers/tcx-sdk.js';
import { alternate, measure, type Cmd, type Proc } from './proc.js';

const FFP_JSONL = fileURLToPath(new URL('./ffp-jsonl.js', import.meta.url));
const fitkit = (args: string[], extra: Partial<Cmd> = {}): Cmd => ({ cmd: process.execPath, args: ['bin/run.js', ...args], ...extra });

export interface CommandResults {
  dumpCsv24h?: Proc | string;
  dumpCsvBig?: Proc | string;
  firstRowBig?: Proc | string;
  json24h?: { fitkit: Proc; peer: Proc } | string;
  jsonBig?: { fitkit: Proc; peer: Proc } | string;
  validateBig?: Proc | string;
  validateSmall?: { files: number; run: Proc } | string;
  tcx2fit?: { bytes: number; run: Proc } | string;
  /** `fitkit export` to Parquet into an empty folder (issue #19): the 24 h file, and the corpus when there is one. */
  exportDay?: { files: number; bytes: number; run: Proc } | string;
  exportCorpus?: { files: number; bytes: number; run: Proc } | string;
}

function pair(a: Cmd, b: Cmd, runs: number, warmup = true): { fitkit: Proc; peer: Proc } | string {
  const r = alternate([a, b], runs, warmup);
  return typeof r === 'string' ? r : { fitkit: r[0].median, peer: r[1].median };
}

function medianOf(c: Cmd, runs: number): Proc | string {
  const r = alternate([c], runs);
  return typeof r === 'string' ? r : r[0].median;
}

/** `big` is left out under --quick. */
export function benchCommands(files: { day: string; big?: string }, runs: number, log: (s: string) => void): CommandResults {
  const dir = mkdtempSync(join(tmpdir(), 'fitkit-bench-commands-'));
  const out = join(dir, 'out');
  const clean = () => rmSync(out, { force: true });
  const res: CommandResults = {};
  try {
    log('  dump CSV, 24 h file ...');
    res.dumpCsv24h = medianOf(fitkit(['dump', files.day, '-o', out], { before: clean }), runs);
    log('  dump --json vs fit-file-parser + JSON lines, 24 h file ...');
    res.json24h = pair(fitkit(['dump', '--json', files.day]), { cmd: process.execPath, args: [FFP_JSONL, files.day] }, runs);

    const small = join(dir, 'small');
    const n = 2000;
    for (let i = 0; i < n; i++) writeFile(join(small, `${i}.fit`), smallFit({ seed: i, records: 5 + (i % 60), time: 1_000_000_000 + i * 3600 }));
    log(`  validate ${n} small files ...`);
    const v = medianOf(fitkit(['validate', small, '--quiet'], { ok: [0, 1] }), Math.min(runs, 3));
    res.validateSmall = typeof v === 'string' ? v : { files: n, run: v };

    const tcx = join(dir, 'workout.tcx');
    writeLongTcx(tcx, 7_400);
    log('  tcx2fit ...');
    const t = medianOf(fitkit(['tcx2fit', tcx, '-o', out], { before: clean }), runs);
    res.tcx2fit = typeof t === 'string' ? t : { bytes: statSync(tcx).size, run: t };

    const tables = join(dir, 'tables');
    const fresh = () => rmSync(tables, { recursive: true, force: true });
    log('  export to Parquet, 24 h file ...');
    const e = medianOf(fitkit(['export', files.day, '-o', tables], { before: fresh }), runs);
    res.exportDay = typeof e === 'string' ? e : { files: 1, bytes: statSync(files.day).size, run: e };
    const corpus = fileURLToPath(new URL('../../../shared/corpus/fit', import.meta.url));
    if (existsSync(corpus)) {
      const fits = readdirSync(corpus, { recursive: true, encoding: 'utf8' }).filter((f) => f.toLowerCase().endsWith('.fit'));
      const bytes = fits.reduce((n, f) => n + statSync(join(corpus, f)).size, 0);
      log(`  export to Parquet, the corpus (${fits.length} files) ...`);
      const c = medianOf(fitkit(['export', corpus, '-o', tables], { before: fresh }), Math.min(runs, 3));
      res.exportCorpus = typeof c === 'string' ? c : { files: fits.length, bytes, run: c };
    } else res.exportCorpus = `no corpus at ${corpus}`;

    if (files.big) {
      const big = files.big;
      const limit = { timeoutMs: 300_000 };
      log('  dump big.fit | head -1 ...');
      res.firstRowBig = measure({ cmd: '', args: [], shell: `"${process.execPath}" bin/run.js dump "${big}" | head -1 >/dev/null`, ...limit });
      log('  dump CSV, 100 MB file ...');
      res.dumpCsvBig = measure(fitkit(['dump', big, '-o', out], { before: clean, ...limit }));
      clean();
      log('  dump --json vs fit-file-parser + JSON lines, 100 MB file ...');
      res.jsonBig = pair(fitkit(['dump', '--json', big], limit), { cmd: process.execPath, args: ['--max-old-space-size=8192', FFP_JSONL, big], ...limit }, 1, false);
      log('  validate, 100 MB file ...');
      res.validateBig = measure(fitkit(['validate', big, '--quiet'], { ok: [0, 1], ...limit }));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return res;
}
