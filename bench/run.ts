/**
 * Benchmark: generates the bench files, decodes each with every decoder mode in a fresh child
 * process (a time limit and a fixed heap each), and prints one comparison table.
 *
 * Run with `npm run bench` (builds the library and this bench first). Options, after `--`:
 *   --files=run-1h,devfields   only files whose name contains one of these, and only the parts
 *                              named (gpx, validate, sort, sync, startup, commands)
 *   --quick                    leave out the 100 MB file (its decoder rows and #17's 100 MB rows)
 *   --no-decoders              leave out the in-process decoder table (whole-process parts only)
 *   --runs=N                   alternated runs per whole-process comparison (default 15 for
 *                              start-up, 5 for the others; --quick: 7 and 3)
 *   --timeout=120              seconds per child before it is reported as a timeout
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MODES, label, type DecoderMode } from './decoders.js';
import type { ChildJob, ChildResult } from './child.js';
import { generateAll, type BenchFile } from './generate.js';
import { MALLOC_ENV } from './malloc-env.js';
import { describeOutcome, formatRatios, formatTable, formatTargets, type Outcome, type Row } from './report.js';
import { benchGpx, type GpxPair } from './gpx.js';
import { benchCommands, type CommandResults } from './commands.js';
import { benchSort, type SortResult } from './sort.js';
import { benchStartup, formatStartup, type StartupResult } from './startup.js';
import { benchSync } from './sync.js';
import { formatTargets17, type ColumnsPair, type FloorPair } from './targets17.js';
import { benchValidate } from './validate.js';

const CHILD = fileURLToPath(new URL('./child.js', import.meta.url));
/** A fixed heap so "OOM" means the same thing on every machine. */
const HEAP_MB = 4096;
/** Fixed malloc thresholds, or a run's typed arrays are faulted in afresh by the allocator's luck. */
const CHILD_ENV = { ...process.env, ...MALLOC_ENV };
const STARTUP_RUNS = 10;
const QUICK = process.argv.includes('--quick');

function option(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

/**
 * Small files: warm up, then repeat until a second of timed decoding (at most 500 runs).
 * Large files: one cold run; a decoder that takes a minute needs no more to be compared.
 */
function job(file: BenchFile, mode: DecoderMode): ChildJob {
  return file.large ? { mode: mode.id, path: file.path, warmup: 0, minMs: 0, maxIterations: 1 } : { mode: mode.id, path: file.path, warmup: 2, minMs: 1000, maxIterations: 500 };
}

function runChild(j: ChildJob, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--expose-gc', `--max-old-space-size=${HEAP_MB}`, CHILD, JSON.stringify(j)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: CHILD_ENV,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    // Keep only the tail: an OOM dumps a long native stack.
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8192)));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) return resolve({ kind: 'timeout', afterMs: performance.now() - started });
      const last = stdout.trim().split('\n').pop();
      if (last?.startsWith('{')) {
        const r = JSON.parse(last) as ChildResult;
        if (r.ok) {
          const sorted = [...r.times].sort((a, b) => a - b);
          const medianMs = sorted[Math.floor(sorted.length / 2)];
          return resolve({ kind: 'ok', medianMs, iterations: r.times.length, decoded: r.decoded, maxRssMB: r.maxRssMB });
        }
        return resolve(r.unavailable ? { kind: 'unavailable', reason: r.error } : { kind: 'error', message: r.error });
      }
      if (/heap out of memory|Allocation failed/i.test(stderr) || signal === 'SIGABRT' || code === 134) {
        return resolve({ kind: 'oom' });
      }
      const why = stderr.trim().split('\n').pop() ?? '';
      resolve({ kind: 'error', message: `exit ${signal ?? code}${why ? `: ${why}` : ''}` });
    });
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median wall time of `node <args>`, or why it could not run. */
function startupMs(args: string[]): { ms: number; output: string } | { error: string } {
  const times: number[] = [];
  let output = '';
  for (let i = 0; i < STARTUP_RUNS + 1; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 30_000 });
    const ms = performance.now() - t0;
    if (r.status !== 0) {
      const why = (r.stderr || r.stdout || String(r.error ?? '')).trim().split('\n')[0];
      return { error: `exit ${r.status ?? r.signal}: ${why}` };
    }
    output = r.stdout.trim();
    if (i > 0) times.push(ms); // the first run warms the disk cache
  }
  return { ms: median(times), output };
}

/** Two modes alternated run by run in one child, on one heap: the minimum of each. */
async function pairInOneChild(mode: string, other: string, file: BenchFile, timeoutMs: number): Promise<{ ms: number; otherMs: number; runs: number } | string> {
  return new Promise((resolve) => {
    const job: ChildJob = { mode, alternateWith: other, path: file.path, warmup: 2, minMs: 4000, maxIterations: 40 };
    const child = spawn(process.execPath, ['--expose-gc', `--max-old-space-size=${HEAP_MB}`, CHILD, JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'ignore'], env: CHILD_ENV });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', () => {
      clearTimeout(timer);
      const last = stdout.trim().split('\n').pop() ?? '';
      if (!last.startsWith('{')) return resolve('no result');
      const r = JSON.parse(last) as ChildResult;
      if (!r.ok || !r.otherTimes) return resolve(r.ok ? 'no alternated runs' : r.error);
      resolve({ ms: Math.min(...r.times), otherMs: Math.min(...r.otherTimes), runs: r.times.length });
    });
  });
}

async function main(): Promise<void> {
  const timeoutMs = Number(option('timeout') ?? 120) * 1000;
  const filesOpt = option('files')?.split(',');
  const only = filesOpt ?? (QUICK ? ['run-1h', 'ultra-24h', 'devfields', 'compressed-ts'] : undefined);
  const want = (part: string) => !filesOpt || filesOpt.includes(part);
  const runsOpt = option('runs');
  const startupRuns = Number(runsOpt ?? (QUICK ? 7 : 15));
  const commandRuns = Number(runsOpt ?? (QUICK ? 3 : 5));

  console.log(`fitkit bench: node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GB RAM`);
  console.log(`each decoder in its own process (heap ${HEAP_MB} MB, ${timeoutMs / 1000} s limit); MB = 10^6 bytes\n`);

  console.log('generating bench/out ...');
  const files = generateAll('bench/out', console.log, only);

  console.log('\ndecoding ...');
  const rows: Row[] = [];
  const gpxPairs: GpxPair[] = [];
  for (const file of process.argv.includes('--no-decoders') ? [] : files) {
    for (const mode of MODES) {
      if (mode.skipLarge && file.large) continue;
      const outcome = await runChild(job(file, mode), timeoutMs);
      console.log(`  ${file.name.padEnd(20)} ${label(mode).padEnd(34)} ${describeOutcome(outcome)}`);
      rows.push({ file, mode, outcome });
    }
  }

  console.log(`\n${formatTable(rows)}\n`);
  for (const line of formatRatios(rows)) console.log(line);
  const unavailable = new Set(rows.flatMap((r) => (r.outcome.kind === 'unavailable' ? [`${label(r.mode)}: ${r.outcome.reason}`] : [])));
  for (const u of unavailable) console.log(`not measured: ${u}`);

  const day = files.find((f) => f.name === 'ultra-24h.fit');
  let floor: FloorPair | string | undefined;
  let columnsVsScan: ColumnsPair | string | undefined;
  if (day && !process.argv.includes('--no-decoders')) {
    console.log('\nallocation floor alternated with fitkit interpreted, 24 h file ...');
    const f = await pairInOneChild('fitkit-floor', 'fitkit-interpreted', day, timeoutMs);
    floor = typeof f === 'string' ? f : { floorMs: f.ms, interpretedMs: f.otherMs, runs: f.runs };
    console.log('columnar decode alternated with the raw scan, 24 h file ...');
    const c = await pairInOneChild('fitkit-columns', 'fitkit-scan', day, timeoutMs);
    columnsVsScan = typeof c === 'string' ? c : { columnsMs: c.ms, scanMs: c.otherMs, runs: c.runs };
  }

  // Whole commands beside the tools people use for the same job, in the same run.
  if (!filesOpt || filesOpt.some((o) => 'gpx'.includes(o) || o === 'fit2gpx')) {
    console.log('\nfit2gpx vs gpsbabel (whole processes, alternated) ...');
    const big = files.filter((f) => f.name === 'ultra-24h.fit' || f.name === 'multiday-100mb.fit');
    for (const line of await benchGpx(
      big.map((f) => ({ name: f.name, path: f.path })),
      gpxPairs,
    ))
      console.log(line);
  }
  const hundredMb = files.find((f) => f.name === 'multiday-100mb.fit');
  if (hundredMb && filesOpt?.some((o) => o === 'validate' || o === 'repair')) {
    console.log('\nvalidate and repair of the 100 MB file ...');
    for (const line of benchValidate({ name: hundredMb.name, path: hundredMb.path, bytes: hundredMb.bytes })) console.log(line);
  }
  let sort: SortResult | undefined;
  if (want('sort')) {
    console.log('\nsort of 10,000 small FIT files vs cp -r ...');
    sort = await benchSort();
    for (const line of sort.lines) console.log(line);
  }
  if (want('sync')) {
    console.log('');
    for (const line of await benchSync()) console.log(line);
  }
  let startup: StartupResult | string | undefined;
  if (want('startup')) {
    console.log(`\nstart-up of every command beside node -e 0 (${startupRuns} alternated rounds) ...`);
    startup = benchStartup(startupRuns);
    for (const line of formatStartup(startup)) console.log(line);
  }
  let commands: CommandResults | undefined;
  if (day && want('commands')) {
    console.log(`\nissue #17 whole-process rows (median of ${commandRuns}; 100 MB rows once${hundredMb ? '' : ', left out'}) ...`);
    commands = benchCommands({ day: day.path, big: hundredMb?.path }, commandRuns, (l) => console.log(l));
  }

  const node = startupMs(['-e', '0']);
  const cli = startupMs(['bin/run.js', '--version']);
  const nodeNote = 'ms' in node ? ` (node -e 0: ${node.ms.toFixed(0)} ms)` : '';
  console.log('ms' in cli ? `\nstartup: fitkit --version ${cli.ms.toFixed(0)} ms median of ${STARTUP_RUNS}${nodeNote} -> ${cli.output}` : `\nstartup: fitkit --version not measured (${cli.error})`);
  console.log('\ntargets (the foundation and fit2gpx issues), this run:');
  for (const line of formatTargets(rows, gpxPairs, 'ms' in cli ? cli.ms : undefined)) console.log(`  ${line}`);
  console.log(
    `\ntargets of issue #17 (fast at every size), this run; load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}:`,
  );
  const lines = formatTargets17({ startup, commands, dayBytes: day?.bytes, bigBytes: hundredMb?.bytes, sort, rows, floor, columnsVsScan });
  for (const line of lines) console.log(`  ${line}`);
}

await main();
