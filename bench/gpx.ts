/**
 * fit2gpx as a whole process beside gpsbabel's FIT → GPX, on the same files in one run: wall
 * time and peak RSS (proc.ts), start-up included, since that is what a user waits for. The two
 * tools alternate run by run (fitkit, gpsbabel, fitkit, ...) after a warm-up round; the median of
 * `RUNS` is reported. Run from the repository root after `npm run build`.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alternate, hasGnuTime, TIME } from './proc.js';

const RUNS = 3;

interface Measure {
  seconds: number;
  /** Peak resident set, MB (10^6 bytes). */
  rssMB: number;
  outMB: number;
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
  if (!hasGnuTime()) return [`fit2gpx bench skipped: ${TIME} (GNU time) is not installed`];
  const dir = mkdtempSync(join(tmpdir(), 'fitkit-bench-gpx-'));
  const lines = ['fit2gpx vs gpsbabel (whole process, alternated, median of ' + RUNS + ', wall time and peak RSS):'];
  try {
    for (const f of files) {
      const ourOut = join(dir, 'fitkit.gpx');
      const theirOut = join(dir, 'gpsbabel.gpx');
      const runs = alternate(
        [
          { cmd: process.execPath, args: ['bin/run.js', 'fit2gpx', f.path, '-o', ourOut], before: () => rmSync(ourOut, { force: true }) },
          { cmd: 'gpsbabel', args: ['-i', 'garmin_fit', '-f', f.path, '-o', 'gpx', '-F', theirOut], before: () => rmSync(theirOut, { force: true }) },
        ],
        RUNS,
      );
      const size = (p: string) => (existsSync(p) ? statSync(p).size / 1e6 : 0);
      const ours: Measure | string = typeof runs === 'string' ? runs : { seconds: runs[0].median.seconds, rssMB: runs[0].median.rssMB, outMB: size(ourOut) };
      const theirs: Measure | string = typeof runs === 'string' ? runs : { seconds: runs[1].median.seconds, rssMB: runs[1].median.rssMB, outMB: size(theirOut) };
      lines.push(`  ${f.name.padEnd(20)} fitkit fit2gpx  ${fmt(ours)}`);
      lines.push(`  ${''.padEnd(20)} gpsbabel        ${fmt(theirs)}`);
      if (typeof ours !== 'string' && typeof theirs !== 'string') {
        pairs.push({ file: f.name, fitkit: ours, gpsbabel: theirs });
        lines.push(`  ${''.padEnd(20)} fitkit is ${(theirs.seconds / ours.seconds).toFixed(1)}x as fast, with ${((100 * ours.rssMB) / theirs.rssMB).toFixed(0)}% of gpsbabel's memory`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}
