import { once } from 'node:events';
import { createReadStream, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { Flags } from '../cli/oclif.js';
import { BaseCommand } from '../cli/base-command.js';
import { errorJson, type ErrorJson } from '../cli/error-output.js';
import { plural } from '../cli/plural.js';
import { fitToGpx, readLocations, type FitToGpxOptions } from '../core/activity/fit-gpx.js';
import { FitkitError } from '../core/errors.js';
import type { Profile } from '../core/fit/profile/profile.js';
import type { AtomicFile } from '../core/platform/atomic-file.js';
import { inputStat } from '../core/platform/input-file.js';
import { isStdout, openOutput, outputTarget, refuseInputAsOutput } from '../core/platform/output-file.js';
import { fromSystemError, isSystemError, withPath } from '../core/platform/system-error.js';
import { sweepTempsIn } from '../core/platform/temp-registry.js';

interface Job {
  input: string;
  /** undefined: standard output. */
  output?: string;
  locations?: string;
  extensions: 'v1' | 'v2' | 'none';
  gps: boolean;
  route: boolean;
  allWaypoints: boolean;
  profileExtra: string[];
}

interface JobResult {
  input: string;
  output?: string;
  /** Lines for stderr, already prefixed. */
  messages: string[];
  error?: ErrorJson['error'];
}

/** One input's outcome under --json. */
export interface Fit2gpxFile {
  input: string;
  output: string | null;
  ok: boolean;
  error?: ErrorJson['error'];
  /** The warnings printed on stderr for this file. */
  messages: string[];
}

export interface Fit2gpxOutput {
  files: Fit2gpxFile[];
  totals: { files: number; converted: number; failed: number };
}

const asError = (e: NonNullable<JobResult['error']>) => new FitkitError(e.code, e.message, { file: e.file ?? undefined, offset: e.offset ?? undefined });

export default class Fit2gpx extends BaseCommand {
  static override description = `Convert FIT activities, courses and Locations files to GPX 1.1.

One <trk> per session (name: sport and start time, <type>: sport), a new <trkseg> after each timer
stop; one <trkpt> per record with a position (a record without one lends its values to a record of
its time), out-of-order records sorted, records without a timestamp kept in file order without
<time>, invalid positions left out, heart rate stored by HRM-Swim/Tri straps (hr messages) merged in. A file without positions
(indoor) gives a valid GPX without a track. Courses become a <trk> (or <rte> with --route) and
their course points <wpt>s; a Locations.fit / Lctns.fit alone gives all its waypoints.

--extensions: v1 (default) Garmin TrackPointExtension v1 (atemp, hr, cad) plus a plain <power>;
v2 adds speed and course; none writes no extensions. Add ",gps" (e.g. v1,gps) for <sat> and <hdop>
from GPS-quality developer fields (COROS).

Waypoints: with --locations FILE, or found beside the activity in a device's folder tree
(Garmin/Activities/X.fit → Garmin/Locations/Locations.fit; GARMIN/Activity/X.fit →
GARMIN/Location/Lctns.fit), only locations saved during the ride are written: their timestamp
lies inside a timer segment (timer started, not yet stopped). A location without a timestamp
(fenix) is matched by the time in its default name, "Apr 09 09:23": local time in the activity's
time zone (activity.local_timestamp - activity.timestamp), any second of that minute inside a
timer segment. Other unstamped names never match. --all-waypoints keeps every location.`;

  static override usage = ['<%= command.id %> FILE.fit [-o OUT.gpx] [flags]', '<%= command.id %> FILE.fit... -d OUTDIR [-j N] [--json] [flags]'];

  static override examples = [
    '<%= config.bin %> fit2gpx ride.fit -o ride.gpx',
    '<%= config.bin %> fit2gpx ride.fit --locations Garmin/Locations/Locations.fit -o ride.gpx',
    '<%= config.bin %> fit2gpx ride.fit --extensions v2,gps',
    '<%= config.bin %> fit2gpx course.fit --route -o course.gpx',
    '<%= config.bin %> fit2gpx Garmin/Activities/*.fit -d gpx/',
    '<%= config.bin %> fit2gpx Garmin/Activities/*.fit -d gpx/ --json | jq -r ".files[] | select(.ok | not) | .input"',
  ];

  static override strict = false;
  static override args = {};

  static override flags = {
    output: Flags.string({ char: 'o', description: 'GPX file to write (one input; default or -: standard output)' }),
    dir: Flags.string({ char: 'd', description: 'folder for the GPX files (NAME.fit → NAME.gpx); needed for several inputs' }),
    locations: Flags.string({ description: 'Locations.fit / Lctns.fit whose waypoints saved during the ride are added' }),
    'all-waypoints': Flags.boolean({ description: 'add every location, not only those saved during the ride' }),
    extensions: Flags.string({ description: 'v1, v2 or none, optionally with ",gps" (see DESCRIPTION)', default: 'v1' }),
    route: Flags.boolean({ description: 'courses as <rte> instead of <trk>' }),
    jobs: Flags.integer({ char: 'j', description: 'files converted in parallel (default: CPU count, at most 4)', min: 1 }),
  };

  async run(): Promise<Fit2gpxOutput> {
    const { argv, flags } = await this.parse(Fit2gpx);
    const inputs = argv as string[];
    if (inputs.length === 0) this.error('give at least one FIT file', { exit: 2 });
    const ext = new Set(flags.extensions.split(',').map((s) => s.trim()));
    const version = (['none', 'v2', 'v1'] as const).find((v) => ext.has(v)) ?? 'v1';
    for (const e of ext) if (!['v1', 'v2', 'none', 'gps'].includes(e)) this.error(`--extensions: unknown "${e}"`, { exit: 2 });
    if (inputs.length > 1 && !flags.dir) this.error('several inputs need -d OUTDIR', { exit: 2 });
    if (flags.dir && flags.output) this.error('use either -o or -d', { exit: 2 });
    const json = this.jsonEnabled();
    if (json && !flags.dir && (!flags.output || flags.output === '-')) this.error('--json needs -o OUT.gpx or -d OUTDIR: standard output holds the JSON', { exit: 2 });
    if (flags.output && inputs.length === 1) refuseInputAsOutput(inputs[0], flags.output);
    if (flags.dir) withPath(flags.dir, 'folder', () => mkdirSync(flags.dir!, { recursive: true }));

    const jobs: Job[] = inputs.map((input) => ({
      input,
      output: flags.dir ? join(flags.dir, basename(input).replace(/\.fit$/i, '') + '.gpx') : flags.output && !isStdout(flags.output) ? flags.output : undefined,
      locations: flags.locations,
      extensions: version,
      gps: ext.has('gps'),
      route: flags.route,
      allWaypoints: flags['all-waypoints'],
      profileExtra: flags['profile-extra'] ?? [],
    }));

    if (jobs.length === 1 && !flags.dir) {
      const r = await convert(jobs[0], this.loadProfile(jobs[0].profileExtra));
      for (const m of r.messages) this.logToStderr(m);
      if (r.error) throw asError(r.error);
      return outcome([r]);
    }
    const results = await this.#batch(jobs, flags.jobs ?? Math.min(availableParallelism(), 4));
    const out = outcome(results);
    for (const r of results) {
      for (const m of r.messages) this.logToStderr(m);
      if (r.error) this.logToStderr(`fitkit: ${asError(r.error).oneLine()}`);
    }
    this.logToStderr(`fit2gpx: ${plural(out.totals.converted, 'file')} converted, ${out.totals.failed} failed`);
    if (out.totals.failed > 0) process.exitCode = 1;
    return out;
  }

  /** Converts in a pool of worker threads, with a progress bar on a terminal. */
  async #batch(jobs: Job[], size: number): Promise<JobResult[]> {
    // Loaded here: a single conversion should not pay for it at start-up.
    const { default: cliProgress } = await import('cli-progress');
    const bar = process.stderr.isTTY
      ? new cliProgress.SingleBar({ format: 'fit2gpx [{bar}] {value}/{total} {file}', stream: process.stderr }, cliProgress.Presets.shades_classic)
      : undefined;
    bar?.start(jobs.length, 0, { file: '' });
    const results: JobResult[] = new Array(jobs.length);
    let next = 0;
    const workerCount = Math.min(size, jobs.length);
    // A signal may overtake a worker's note of its temporary file: sweep where they write.
    if (workerCount > 1) for (const j of jobs) if (j.output && j.output !== '-') sweepTempsIn(dirname(j.output));
    const work = async (worker: Worker | undefined, profile: Profile | undefined) => {
      while (next < jobs.length) {
        const i = next++;
        results[i] = worker ? await ask(worker, jobs[i]) : await convert(jobs[i], profile!);
        bar?.increment(1, { file: basename(jobs[i].input) });
      }
      await worker?.terminate();
    };
    try {
      if (workerCount <= 1) await work(undefined, this.loadProfile(jobs[0].profileExtra));
      else await Promise.all(Array.from({ length: workerCount }, () => work(new Worker(new URL(import.meta.url), { workerData: { fit2gpxWorker: true } }), undefined)));
    } finally {
      bar?.stop();
    }
    return results;
  }
}

function outcome(results: JobResult[]): Fit2gpxOutput {
  const files = results.map((r) => ({ input: r.input, output: r.output ?? null, ok: !r.error, ...(r.error ? { error: r.error } : {}), messages: r.messages }));
  const failed = files.filter((f) => !f.ok).length;
  return { files, totals: { files: files.length, converted: files.length - failed, failed } };
}

function ask(worker: Worker, job: Job): Promise<JobResult> {
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.postMessage(job);
  });
}

/**
 * The Locations file of the device tree an activity sits in, if any: Edge
 * `Garmin/Activities/X.fit` → `Garmin/Locations/Locations.fit`, fenix `GARMIN/Activity/X.fit` →
 * `GARMIN/Location/Lctns.fit`; names matched without regard to case (FAT volumes, copies).
 */
function findLocations(activity: string): string | undefined {
  const folder = dirname(activity);
  if (!/^activit(y|ies)$/i.test(basename(folder))) return undefined;
  const root = dirname(folder);
  if (basename(root).toLowerCase() !== 'garmin') return undefined;
  const pick = (dir: string, re: RegExp) => {
    try {
      const n = readdirSync(dir).find((x) => re.test(x));
      return n === undefined ? undefined : join(dir, n);
    } catch {
      return undefined;
    }
  };
  const locDir = pick(root, /^locations?$/i);
  return locDir ? pick(locDir, /^(locations|lctns)\.fit$/i) : undefined;
}

async function convert(job: Job, profile: Profile): Promise<JobResult> {
  const name = job.input === '-' ? '<stdin>' : job.input;
  const res: JobResult = { input: job.input, output: job.output, messages: [] };
  let out: AtomicFile | undefined;
  try {
    const regular = job.input !== '-' && inputStat(job.input).isFile();
    if (job.output) outputTarget(job.output);
    // Standard input (or a FIFO, a device) is read once and kept: the conversion reads its input twice.
    const stdin = job.input === '-' ? await readAll(process.stdin) : !regular ? await readAll(createReadStream(job.input)) : undefined;
    const open = () => (stdin ? [stdin] : createReadStream(job.input, { highWaterMark: 1 << 20 }));
    const locPath = job.locations ?? (job.input === '-' ? undefined : findLocations(job.input));
    const opts: FitToGpxOptions = {
      profile,
      extensions: job.extensions,
      gpsQuality: job.gps,
      route: job.route,
      allWaypoints: job.allWaypoints,
      name: job.input === '-' ? undefined : basename(name).replace(/\.fit$/i, ''),
    };
    if (locPath) {
      try {
        inputStat(locPath);
        opts.locations = readLocations(withPath(locPath, 'input', () => readFileSync(locPath)), profile);
      } catch (e) {
        if (e instanceof FitkitError) e.file ??= locPath;
        throw e;
      }
    }
    out = job.output ? await openOutput(job.output) : undefined;
    // Written in the background while the next points are made; held back when behind.
    const file = out;
    const sink = file ? (b: Uint8Array) => file.enqueue(b) : (b: Uint8Array) => void process.stdout.write(Buffer.from(b));
    opts.drain = file ? () => file.drained() : () => (process.stdout.writableNeedDrain ? once(process.stdout, 'drain').then(() => {}) : undefined);
    const r = await fitToGpx(open, sink, opts);
    try {
      await file?.commitQueued();
    } catch (e) {
      throw fromSystemError(e, job.output, 'output');
    }
    for (const w of r.warnings) res.messages.push(`fitkit: warning: ${name}: ${w}`);
    if (r.kind === 'activity' && r.points === 0) res.messages.push(`fitkit: ${name}: no positions (indoor?): wrote a GPX without a track`);
    if (locPath && r.kind === 'activity') res.messages.push(`fitkit: ${name}: ${plural(r.waypoints, 'waypoint')} from ${locPath}`);
    const fatal = r.diagnostics.find((d) => d.level === 'error');
    for (const d of r.diagnostics) if (d !== fatal) res.messages.push(`fitkit: warning: ${name}: ${d.message} (at byte ${d.offset})`);
    // Like dump: what was read before the damage is written, and the run still fails.
    if (fatal) res.error = errorJson(new FitkitError(fatal.code, fatal.message, { file: name, offset: fatal.offset })).error;
  } catch (err) {
    out?.abort();
    // With a path: the input's read stream; without: a write to the output's descriptor.
    const e = isSystemError(err) ? fromSystemError(err, err.path ?? job.output, err.path ? 'input' : 'output') : err;
    if (!(e instanceof FitkitError)) throw e;
    e.file ??= name;
    res.error = errorJson(e).error;
  }
  return res;
}

async function readAll(s: NodeJS.ReadableStream): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(Buffer.from(c as Buffer));
  return Buffer.concat(parts);
}

// Worker side of the pool: the same module, started with workerData.fit2gpxWorker.
if (!isMainThread && (workerData as { fit2gpxWorker?: boolean } | null)?.fit2gpxWorker && parentPort) {
  const port = parentPort;
  const { loadProfile, profileFiles } = await import('../core/platform/profile-loader.js');
  const profileFor = (extra: string[]): Profile => loadProfile(profileFiles(extra));
  port.on('message', (job: Job) => {
    Promise.resolve()
      .then(() => convert(job, profileFor(job.profileExtra)))
      .then(
        (r) => port.postMessage(r),
        (e: Error) => {
          const err = e instanceof FitkitError ? e : new FitkitError('internal_error', e.message, { file: job.input });
          err.file ??= job.input;
          port.postMessage({ input: job.input, messages: [], error: errorJson(err).error });
        },
      );
  });
}
