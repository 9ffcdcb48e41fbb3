/**
 * Issue #17's table, every row with its target and this run's figure: `met`, `MISS`, or `n/a`
 * when the run left that part out (--quick, --files). Whole-process rows come from commands.ts,
 * startup.ts and sort.ts; in-process rows from the decoder table.
 */
import type { CommandResults } from './commands.js';
import type { Proc } from './proc.js';
import type { Row } from './report.js';
import { label } from './decoders.js';
import { STARTUP_TARGET_MS, type StartupResult } from './startup.js';
import type { SortResult } from './sort.js';

/** The allocation floor against fitkit interpreted, alternated in one process: minimum of each. */
export interface FloorPair {
  floorMs: number;
  interpretedMs: number;
  runs: number;
}

/**
 * The columnar decode against the raw scan, alternated in one process: minimum of each. In
 * separate processes the columns' run mostly measured page faults on fresh output memory (the
 * last run's buffers still being freed by a background thread), not the decode.
 */
export interface ColumnsPair {
  columnsMs: number;
  scanMs: number;
  runs: number;
}

export interface Targets17Input {
  startup?: StartupResult | string;
  commands?: CommandResults;
  /** Bytes of the 24 h and the 100 MB file. */
  dayBytes?: number;
  bigBytes?: number;
  sort?: SortResult;
  rows: readonly Row[];
  floor?: FloorPair | string;
  columnsVsScan?: ColumnsPair | string;
}

const mark = (ok: boolean | undefined) => (ok === undefined ? 'n/a ' : ok ? 'met ' : 'MISS');
const MB = (bytes: number, p: Proc) => bytes / 1e6 / p.seconds;

export function formatTargets17(t: Targets17Input): string[] {
  const lines: string[] = [];
  const c = t.commands ?? {};
  const why = (x: unknown) => (typeof x === 'string' ? ` (${x})` : ' (not run)');

  // Fixed cost, one line per command.
  if (t.startup && typeof t.startup !== 'string') {
    for (const r of t.startup.rows) {
      lines.push(`${mark(r.wallMs <= STARTUP_TARGET_MS)} fixed cost over node -e 0: ${r.label}: ${r.wallMs.toFixed(0)} ms wall, ${r.cpuMs.toFixed(0)} ms CPU (target <= ${STARTUP_TARGET_MS} ms)`);
    }
  } else lines.push(`n/a  fixed cost over node -e 0 per command${why(t.startup)}`);

  const rate = (name: string, r: Proc | string | undefined, bytes: number | undefined, want: number) =>
    r && typeof r !== 'string' && bytes
      ? `${mark(MB(bytes, r) >= want)} ${name}: ${MB(bytes, r).toFixed(1)} MB/s of FIT (${r.seconds.toFixed(2)} s, ${r.rssMB.toFixed(0)} MB peak) (target >= ${want} MB/s)`
      : `n/a  ${name}${why(r)} (target >= ${want} MB/s)`;
  lines.push(rate('dump CSV, 24 h file', c.dumpCsv24h, t.dayBytes, 30));
  lines.push(...netOfStartup(c.dumpCsv24h, t.dayBytes, t.startup));
  lines.push(rate('dump CSV, 100 MB file', c.dumpCsvBig, t.bigBytes, 30));
  const big = c.dumpCsvBig;
  lines.push(
    big && typeof big !== 'string'
      ? `${mark(big.rssMB < 256)} dump CSV, 100 MB file: peak RSS ${big.rssMB.toFixed(0)} MB (target: flat, < 256 MB)`
      : `n/a  dump CSV, 100 MB file: peak RSS${why(big)} (target: flat, < 256 MB)`,
  );
  const first = c.firstRowBig;
  lines.push(
    first && typeof first !== 'string'
      ? `${mark(first.seconds < 1)} dump big.fit | head -1: ${first.seconds.toFixed(2)} s (target: at once, < 1 s)`
      : `n/a  dump big.fit | head -1${why(first)} (target: at once, < 1 s)`,
  );
  const json = (name: string, r: CommandResults['json24h'], want: number) =>
    r && typeof r !== 'string'
      ? `${mark(r.peer.seconds / r.fitkit.seconds >= want)} dump --json vs fit-file-parser + JSON lines, ${name}: ${(r.peer.seconds / r.fitkit.seconds).toFixed(2)}x ` +
        `(fitkit ${r.fitkit.seconds.toFixed(2)} s, ${r.fitkit.rssMB.toFixed(0)} MB; peer ${r.peer.seconds.toFixed(2)} s, ${r.peer.rssMB.toFixed(0)} MB) (target >= ${want}x)`
      : `n/a  dump --json vs fit-file-parser + JSON lines, ${name}${why(r)} (target >= ${want}x)`;
  lines.push(json('24 h file', c.json24h, 3));
  lines.push(json('100 MB file', c.jsonBig, 5));
  const vb = c.validateBig;
  lines.push(
    vb && typeof vb !== 'string' && t.bigBytes
      ? `${mark(MB(t.bigBytes, vb) >= 100 && vb.rssMB < 256)} validate, 100 MB file: ${MB(t.bigBytes, vb).toFixed(1)} MB/s, ${vb.rssMB.toFixed(0)} MB peak (target >= 100 MB/s in < 256 MB)`
      : `n/a  validate, 100 MB file${why(vb)} (target >= 100 MB/s in < 256 MB)`,
  );
  const vs = c.validateSmall;
  lines.push(
    vs && typeof vs !== 'string'
      ? `${mark(vs.files / vs.run.seconds >= 1500)} validate, ${vs.files} small files: ${(vs.files / vs.run.seconds).toFixed(0)} files/s (${vs.run.seconds.toFixed(2)} s) (target >= 1,500 files/s)`
      : `n/a  validate, 2,000 small files${why(vs)} (target >= 1,500 files/s)`,
  );
  if (t.sort) {
    lines.push(`${mark(t.sort.newRate >= 2000)} sort 10,000 files into a new library: ${t.sort.newRate.toFixed(0)} files/s (target >= 2,000 files/s)`);
    lines.push(`${mark(t.sort.heldRate >= 10000)} sort 10,000 files again, all held: ${t.sort.heldRate.toFixed(0)} files/s (target >= 10,000 files/s)`);
  } else lines.push('n/a  sort 10,000 files, new and all held (not run) (targets >= 2,000 and >= 10,000 files/s)');
  const tx = c.tcx2fit;
  lines.push(
    tx && typeof tx !== 'string'
      ? `${mark(tx.run.seconds <= 0.3)} tcx2fit, ${(tx.bytes / 1e6).toFixed(1)} MB TCX: ${tx.run.seconds.toFixed(2)} s (target <= 0.3 s)`
      : `n/a  tcx2fit, 2.9 MB TCX${why(tx)} (target <= 0.3 s)`,
  );

  // Issue #19's export row: no target, the rate stated.
  for (const [what, x] of [
    ['24 h file', c.exportDay],
    ['corpus', c.exportCorpus],
  ] as const) {
    lines.push(
      x && typeof x !== 'string'
        ? `info export to Parquet, ${what}: ${(x.files / x.run.seconds).toFixed(1)} files/s, ${(x.bytes / 1e6 / x.run.seconds).toFixed(1)} MB/s of FIT (${x.run.seconds.toFixed(2)} s, ${x.files} files)`
        : `n/a  export to Parquet, ${what}${why(x)}`,
    );
  }

  // In-process rows, 24 h file.
  const ms = (mode: string) => {
    const r = t.rows.find((x) => x.file.name === 'ultra-24h.fit' && label(x.mode) === mode);
    return r?.outcome.kind === 'ok' ? r.outcome.medianMs : undefined;
  };
  const ffp = ms('fit-file-parser parseAsync');
  const interp = ms('fitkit interpreted');
  const cols = ms('fitkit columns');
  const scan = ms('fitkit scan');
  if (ffp && interp) {
    lines.push(`info interpreted decode (objects) vs fit-file-parser, 24 h file: ${(ffp / interp).toFixed(1)}x (kept as it is: capped by the allocation floor below)`);
  } else lines.push('n/a  interpreted decode vs fit-file-parser, 24 h file (not run)');
  const f = t.floor;
  if (f && typeof f !== 'string' && ffp) {
    // The floor is allocation-only work the decoder also does, so it can cost no more than the
    // decoder: when noise says otherwise the decoder's own time is the tighter true bound.
    const bound = Math.min(f.floorMs, f.interpretedMs);
    lines.push(
      `     allocation floor (the objects alone, no bytes read), minimum of ${f.runs} runs alternated with the decoder in one process: ${f.floorMs.toFixed(1)} ms; ` +
        `fitkit interpreted ${f.interpretedMs.toFixed(1)} ms; bound ${bound.toFixed(1)} ms: no decoder returning these objects gets past ${(ffp / bound).toFixed(1)}x fit-file-parser here`,
    );
  } else lines.push(`     allocation floor${why(f)}`);
  lines.push(
    ffp && cols
      ? `${mark(ffp / cols >= 10)} columnar decode vs fit-file-parser, 24 h file: ${(ffp / cols).toFixed(1)}x (target >= 10x)`
      : 'n/a  columnar decode vs fit-file-parser, 24 h file (not run) (target >= 10x)',
  );
  const cs = t.columnsVsScan;
  lines.push(
    cs && typeof cs !== 'string'
      ? `${mark(cs.scanMs / cs.columnsMs >= 0.5)} columnar decode vs raw scan, 24 h file: ${((100 * cs.scanMs) / cs.columnsMs).toFixed(0)}% of the scan's speed ` +
          `(minimum of ${cs.runs} runs alternated in one process: columns ${cs.columnsMs.toFixed(1)} ms, scan ${cs.scanMs.toFixed(1)} ms) (target >= 50%)`
      : `n/a  columnar decode vs raw scan, 24 h file${why(cs)} (target >= 50%)`,
  );
  if (scan && cols) lines.push(`info columnar decode vs raw scan, 24 h file, medians of separate processes: ${((100 * scan) / cols).toFixed(0)}% (page faults on fresh output memory dominate there)`);
  return lines;
}

/**
 * On the 24 h file the whole process is mostly start-up: 30 MB/s would be 2.2 MB in ~75 ms, less
 * than `node -e 0` alone. The same run's fixed cost of `dump tiny.fit` (node included) taken off
 * gives the rate of the CSV work itself, stated beside the whole-process row, not instead of it.
 */
function netOfStartup(r: Proc | string | undefined, bytes: number | undefined, startup: Targets17Input['startup']): string[] {
  if (!r || typeof r === 'string' || !bytes || !startup || typeof startup === 'string') return [];
  const tiny = startup.rows.find((x) => x.label.startsWith('dump tiny.fit'));
  if (!tiny) return [];
  const fixed = (startup.nodeWallMs + tiny.wallMs) / 1000;
  const net = r.seconds - fixed;
  if (net <= 0) return [];
  return [`info dump CSV, 24 h file, net of the fixed cost of dump tiny.fit (${(fixed * 1000).toFixed(0)} ms, node included): ${(bytes / 1e6 / net).toFixed(1)} MB/s of FIT (${net.toFixed(2)} s)`];
}
