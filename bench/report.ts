/** Formats bench results: one table, then "fitkit X is N x Y" lines. */
import type { DecoderMode } from './decoders.js';
import { label } from './decoders.js';
import type { BenchFile } from './generate.js';

export type Outcome =
  | { kind: 'ok'; medianMs: number; iterations: number; decoded: number; maxRssMB: number }
  | { kind: 'timeout'; afterMs: number }
  | { kind: 'oom' }
  | { kind: 'unavailable'; reason: string }
  | { kind: 'error'; message: string };

export interface Row {
  file: BenchFile;
  mode: DecoderMode;
  outcome: Outcome;
}

const MB = 1e6;

export function describeOutcome(o: Outcome): string {
  switch (o.kind) {
    case 'ok':
      return `${o.medianMs.toFixed(1)} ms median of ${o.iterations}, peak RSS ${o.maxRssMB.toFixed(0)} MB, ${o.decoded} messages decoded`;
    case 'timeout':
      return `timeout after ${(o.afterMs / 1000).toFixed(0)} s`;
    case 'oom':
      return 'OOM';
    case 'unavailable':
      return `unavailable: ${o.reason}`;
    case 'error':
      return `error: ${o.message}`;
  }
}

function si(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return n.toFixed(0);
}

/** The fitkit row a competitor row is compared with (large files fall back to streaming). */
function fitkitCounterpart(rows: readonly Row[], row: Row): Row | undefined {
  const same = rows.filter((r) => r.file === row.file && r.mode.library === 'fitkit' && r.outcome.kind === 'ok');
  return same.find((r) => r.mode.mode === row.mode.counterpart) ?? same.find((r) => r.mode.streaming);
}

/**
 * "14.2x", or undefined when there is nothing to compare. A timeout gives a bound (">57x") only
 * on large files, where the child makes a single run; on small files the limit covers many runs.
 */
function speedup(fk: Row, other: Row): string | undefined {
  if (fk.outcome.kind !== 'ok') return undefined;
  if (other.outcome.kind === 'ok') return `${(other.outcome.medianMs / fk.outcome.medianMs).toFixed(1)}x`;
  if (other.outcome.kind === 'timeout' && other.file.large) {
    return `>${Math.floor(other.outcome.afterMs / fk.outcome.medianMs)}x`;
  }
  return undefined;
}

export function formatTable(rows: readonly Row[]): string {
  const head = ['file', 'decoder / mode', 'MB/s', 'messages/s', 'peak RSS MB', 'runs', 'vs fitkit'];
  const body = rows.map((r) => {
    const o = r.outcome;
    const fk = r.mode.library === 'fitkit' ? undefined : fitkitCounterpart(rows, r);
    const vs = fk && speedup(fk, r);
    const versus = vs ? `fitkit ${fk.mode.mode} ${vs}` : '';
    if (o.kind !== 'ok') {
      const what = o.kind === 'timeout' ? `timeout (${(o.afterMs / 1000).toFixed(0)} s)` : o.kind === 'oom' ? 'OOM' : o.kind;
      return [r.file.name, label(r.mode), what, '', '', '', versus];
    }
    const s = o.medianMs / 1000;
    return [r.file.name, label(r.mode), (r.file.bytes / MB / s).toFixed(1), si(r.file.messages / s), o.maxRssMB.toFixed(0), String(o.iterations), versus];
  });
  const numeric = [false, false, true, true, true, true, false];
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  ')];
  let prev: BenchFile | undefined;
  for (let i = 0; i < rows.length; i++) {
    if (prev && rows[i].file !== prev) out.push('');
    prev = rows[i].file;
    out.push(line(body[i]));
  }
  return out.join('\n');
}

/**
 * Per file: "fitkit interpreted is 14.2x fit-file-parser parseAsync, 3.1x fit-decoder ...",
 * with competitors that produced no result listed after.
 */
export function formatRatios(rows: readonly Row[]): string[] {
  const lines: string[] = [];
  for (const file of new Set(rows.map((r) => r.file))) {
    const byFitkit = new Map<Row, string[]>();
    const failed: string[] = [];
    for (const r of rows.filter((x) => x.file === file && x.mode.library !== 'fitkit')) {
      const fk = fitkitCounterpart(rows, r);
      const vs = fk && speedup(fk, r);
      if (fk && vs) byFitkit.set(fk, [...(byFitkit.get(fk) ?? []), `${vs} ${label(r.mode)}`]);
      else if (r.outcome.kind !== 'ok') failed.push(`${label(r.mode)} ${r.outcome.kind === 'oom' ? 'OOM' : r.outcome.kind}`);
    }
    const parts = [...byFitkit].map(([fk, vs]) => `fitkit ${fk.mode.mode} is ${vs.join(', ')}`);
    if (failed.length > 0) parts.push(`no result from ${failed.join(', ')}`);
    if (parts.length > 0) lines.push(`${file.name}: ${parts.join('; ')}`);
  }
  return lines;
}

/** The targets the issues set, each with this run's figure and whether it is met ("n/a": not run). */
export function formatTargets(
  rows: readonly Row[],
  gpx: readonly { file: string; fitkit: { seconds: number; rssMB: number }; gpsbabel: { seconds: number; rssMB: number } }[],
  startupMs: number | undefined,
): string[] {
  const ms = (file: string, mode: string) => {
    const r = rows.find((x) => x.file.name === file && label(x.mode) === mode);
    return r?.outcome.kind === 'ok' ? r.outcome : undefined;
  };
  const mark = (ok: boolean | undefined) => (ok === undefined ? 'n/a ' : ok ? 'met ' : 'MISS');
  const ratio = (file: string, ours: string, theirs: string, want: number) => {
    const a = ms(file, ours);
    const b = ms(file, theirs);
    const x = a && b ? b.medianMs / a.medianMs : undefined;
    return `${mark(x === undefined ? undefined : x >= want)} ${file}: ${ours} vs ${theirs}: ${x === undefined ? '-' : x.toFixed(1) + 'x'} (target >= ${want}x)`;
  };
  const lines = [ratio('ultra-24h.fit', 'fitkit interpreted', 'fit-file-parser parseAsync', 10), ratio('ultra-24h.fit', 'fitkit interpreted', 'fit-decoder fit2json', 3)];
  // The allocation floor's bound is in the #17 targets (targets17.ts): measured alternated with the decoder.
  lines.push(ratio('ultra-24h.fit', 'fitkit columns', 'fit-file-parser parseAsync', 10));
  const scan = ms('ultra-24h.fit', 'fitkit scan');
  const cols = ms('ultra-24h.fit', 'fitkit columns');
  const share = scan && cols ? scan.medianMs / cols.medianMs : undefined;
  lines.push(
    `${mark(share === undefined ? undefined : share >= 0.5)} ultra-24h.fit: fitkit columns at ${share === undefined ? '-' : (100 * share).toFixed(0) + '%'} of the raw scan's speed (target >= 50%)`,
  );
  const colFloor = ms('ultra-24h.fit', 'fitkit columns floor');
  if (colFloor && scan && cols) {
    lines.push(
      `     (allocating and writing those columns alone, no decoding: ${colFloor.medianMs.toFixed(1)} ms, fitkit columns ${cols.medianMs.toFixed(1)} ms, ` +
        `raw scan ${scan.medianMs.toFixed(1)} ms: no decoder returning these columns gets past ${((100 * scan.medianMs) / colFloor.medianMs).toFixed(0)}% of the scan here)`,
    );
  }
  const big = rows.find((x) => x.file.large && label(x.mode) === 'fitkit stream');
  if (big?.outcome.kind === 'ok') {
    const mbs = big.file.bytes / 1e6 / (big.outcome.medianMs / 1000);
    lines.push(
      `${mark(mbs >= 100 && big.outcome.maxRssMB < 256)} ${big.file.name}: fitkit stream ${mbs.toFixed(0)} MB/s, peak RSS ${big.outcome.maxRssMB.toFixed(0)} MB (target >= 100 MB/s, < 256 MB)`,
    );
  } else {
    lines.push('n/a  100 MB file: fitkit stream not run');
  }
  lines.push(`${mark(startupMs === undefined ? undefined : startupMs < 300)} fitkit --version: ${startupMs === undefined ? '-' : startupMs.toFixed(0) + ' ms'} (target < 300 ms)`);
  for (const g of gpx) {
    const speed = g.gpsbabel.seconds / g.fitkit.seconds;
    const mem = g.fitkit.rssMB / g.gpsbabel.rssMB;
    if (g.file.includes('24h')) {
      lines.push(`${mark(speed >= 1)} ${g.file}: fit2gpx ${speed.toFixed(2)}x gpsbabel's speed (target: on par, >= 1x)`);
    } else {
      lines.push(`${mark(speed >= 3 && mem < 1 / 3)} ${g.file}: fit2gpx ${speed.toFixed(1)}x gpsbabel's speed, ${(100 * mem).toFixed(0)}% of its memory (target >= 3x, < 33%)`);
    }
  }
  if (gpx.length === 0) lines.push('n/a  fit2gpx vs gpsbabel not run');
  return lines;
}
