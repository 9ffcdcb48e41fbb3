/**
 * `fitkit validate` and `fitkit repair` as whole processes on the 100 MB file: wall time and
 * peak RSS from GNU time (`/usr/bin/time -f '%e %M'`), start-up included. Repair runs twice: on
 * the file as it is (salvage only: one decoding pass, then the copy) and on the file cut 1,000
 * bytes short, which loses its lap, session and activity (the summary is computed: a second
 * decoding pass). The target: peak RSS < 256 MB, whatever the file's size. One run each after a
 * warm-up. Run from the repository root after `npm run build`.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TIME = '/usr/bin/time';
const TARGET_MB = 256;

interface Run {
  seconds: number;
  /** Peak resident set, MB (10^6 bytes). */
  rssMB: number;
  exit: number | null;
}

function run(args: string[]): Run | string {
  const r = spawnSync(TIME, ['-f', '%e %M', process.execPath, 'bin/run.js', ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.error) return r.error.message;
  const m = /([\d.]+) (\d+)\s*$/.exec(r.stderr);
  // validate exits 1 on a file that fails a check; only a crash or a usage error is a failure here.
  if (!m || (r.status !== 0 && r.status !== 1)) return `exit ${r.status}: ${r.stderr.trim().split('\n')[0]}`;
  return { seconds: Number(m[1]), rssMB: (Number(m[2]) * 1024) / 1e6, exit: r.status };
}

/** The first `size` bytes of `from`, copied in 1 MiB pieces. */
function cut(from: string, to: string, size: number): void {
  const src = openSync(from, 'r');
  const dst = openSync(to, 'w');
  const buf = Buffer.allocUnsafe(1 << 20);
  try {
    for (let done = 0, n; done < size && (n = readSync(src, buf, 0, Math.min(buf.length, size - done), null)) > 0; done += n) writeSync(dst, buf, 0, n);
  } finally {
    closeSync(src);
    closeSync(dst);
  }
}

export function benchValidate(file: { name: string; path: string; bytes: number }): string[] {
  if (!existsSync(TIME)) return [`validate/repair bench skipped: ${TIME} (GNU time) is not installed`];
  const dir = mkdtempSync(join(tmpdir(), 'fitkit-bench-validate-'));
  const lines = [`validate and repair, ${file.name} (whole process, wall time and peak RSS; target < ${TARGET_MB} MB):`];
  try {
    const short = join(dir, 'cut-short.fit');
    cut(file.path, short, file.bytes - 1000);
    const cases: [string, string[]][] = [
      ['validate --threads 0', ['validate', file.path, '--quiet', '--threads', '0']],
      ['validate (default)', ['validate', file.path, '--quiet']],
      ['repair (intact)', ['repair', file.path, '-o', join(dir, 'a.fit')]],
      ['repair (cut short)', ['repair', short, '-o', join(dir, 'b.fit'), '--tz', 'UTC']],
    ];
    run(['validate', file.path, '--quiet', '--threads', '0']); // warms the disk cache
    for (const [label, args] of cases) {
      rmSync(join(dir, 'a.fit'), { force: true });
      rmSync(join(dir, 'b.fit'), { force: true });
      const r = run(args);
      if (typeof r === 'string') {
        lines.push(`  ${label.padEnd(22)} not measured (${r})`);
        continue;
      }
      const mbs = file.bytes / 1e6 / r.seconds;
      lines.push(`  ${label.padEnd(22)} ${r.seconds.toFixed(2).padStart(6)} s ${mbs.toFixed(1).padStart(6)} MB/s ${r.rssMB.toFixed(0).padStart(5)} MB peak  ${r.rssMB < TARGET_MB ? 'met' : 'MISS'}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}
