/**
 * fit2gpx as a whole process beside gpsbabel's FIT → GPX, on the same files in one run: wall
 * time and peak RSS from GNU time (`/usr/bin/time -f '%e %M'`), start-up included, since that is
 * what a user waits for. Each tool runs once to warm the disk cache, then `RUNS` times; the
 * median is reported. Run from the repository root after `npm run build`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RUNS = 3;
const TIME = '/usr/bin/time';

interface Measure {
  seconds: number;
  /** Peak resident set, MB (10^6 bytes). */
  rssMB: number;
  outMB: number;
}

function measure(cmd: string, args: string[], out: string): Measure | string {
  const r = spawnSync(TIME, ['-f', '%e %M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.error) return r.error.message;
  const last = r.stderr.trim().split('\n').pop() ?? '';
  const m = /^([\d.]+) (\d+)$/.exec(last);
  if (r.status !== 0 || !m) return `exit ${r.status}: ${r.stderr.trim().split('\n')[0]}`;
  return { seconds: Number(m[1]), rssMB: (Number(m[2]) * 1024) / 1e6, outMB: existsSync(out) ? statSync(out).size / 1e6 : 0 };
}

function median(cmd: string, args: string[], out: string): Measure | string {
  const runs: Measure[] = [];
  for (let i = 0; i <= RUNS; i++) {
    rmSync(out, { force: true });
    const m = measure(cmd, args, out);
    if (typeof m === 'string') return m;
    if (i > 0) runs.push(m); // the first run warms the disk cache
  }
  runs.sort((a, b) => a.seconds - b.seconds);
  const mid = runs[Math.floor(runs.length / 2)];
  return { ...mid, rssMB: Math.max(...runs.map((r) => r.rssMB)) };
}

const fmt = (m: Measure | string) => (typeof m === 'string' ? `not measured (${m})` : `${m.seconds.toFixed(2).padStart(6)} s ${m.rssMB.toFixed(0).padStart(5)} MB peak  GPX ${m.outMB.toFixed(1)} MB`);

/** One file's fit2gpx and gpsbabel measurements, when both ran. */
export interface GpxPair {
  file: string;
  fitkit: Measure;
  gpsbabel: Measure;
}

/** Times `fitkit fit2gpx` and `gpsbabel -i garmin_fit -o gpx` on each file; returns table lines. */
export async function benchGpx(files: { name: string; path: string }[], pairs: GpxPair[] = []): Promise<string[]> {
  if (!existsSync(TIME)) return [`fit2gpx bench skipped: ${TIME} (GNU time) is not installed`];
  const dir = mkdtempSync(join(tmpdir(), 'fitkit-bench-gpx-'));
  const lines = ['fit2gpx vs gpsbabel (whole process, median of ' + RUNS + ', wall time and peak RSS):'];
  try {
    for (const f of files) {
      const ours = median(process.execPath, ['bin/run.js', 'fit2gpx', f.path, '-o', join(dir, 'fitkit.gpx')], join(dir, 'fitkit.gpx'));
      const theirs = median('gpsbabel', ['-i', 'garmin_fit', '-f', f.path, '-o', 'gpx', '-F', join(dir, 'gpsbabel.gpx')], join(dir, 'gpsbabel.gpx'));
      lines.push(`  ${f.name.padEnd(20)} fitkit fit2gpx  ${fmt(ours)}`);
      lines.push(`  ${''.padEnd(20)} gpsbabel        ${fmt(theirs)}`);
      if (typeof ours !== 'string' && typeof theirs !== 'string') {
        pairs.push({ file: f.name, fitkit: ours, gpsbabel: theirs });
        lines.push(
          `  ${''.padEnd(20)} fitkit is ${(theirs.seconds / ours.seconds).toFixed(1)}x as fast, with ${((100 * ours.rssMB) / theirs.rssMB).toFixed(0)}% of gpsbabel's memory`,
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}
