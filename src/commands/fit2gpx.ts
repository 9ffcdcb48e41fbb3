import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join } from 'node:path';
import { Flags } from '../cli/oclif.js';
import { BaseCommand } from '../cli/base-command.js';
import { plural } from '../cli/plural.js';
import { convertMany } from '../core/batch/fit2gpx-batch.js';
import { convertJob, type Job, type JobError, type JobResult } from '../core/batch/fit2gpx-job.js';
import { FitkitError } from '../core/errors.js';
import { isStdout, refuseInputAsOutput } from '../core/platform/output-file.js';
import { withPath } from '../core/platform/system-error.js';

/** One input's outcome under --json. */
export interface Fit2gpxFile {
  input: string;
  output: string | null;
  ok: boolean;
  error?: JobError;
  /** The warnings printed on stderr for this file. */
  messages: string[];
}

export interface Fit2gpxOutput {
  files: Fit2gpxFile[];
  totals: { files: number; converted: number; failed: number };
}

const asError = (e: JobError) => new FitkitError(e.code, e.message, { file: e.file ?? undefined, offset: e.offset ?? undefined });

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
      const r = await convertJob(jobs[0], this.loadProfile(jobs[0].profileExtra));
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

  /** Converts in a pool of worker threads (core/batch), with a progress bar on a terminal. */
  async #batch(jobs: Job[], size: number): Promise<JobResult[]> {
    // Loaded here: a single conversion should not pay for it at start-up.
    const { default: cliProgress } = await import('cli-progress');
    const bar = process.stderr.isTTY ? new cliProgress.SingleBar({ format: 'fit2gpx [{bar}] {value}/{total} {file}', stream: process.stderr }, cliProgress.Presets.shades_classic) : undefined;
    bar?.start(jobs.length, 0, { file: '' });
    try {
      return await convertMany(jobs, { threads: size, profile: () => this.loadProfile(jobs[0].profileExtra), onDone: (j) => bar?.increment(1, { file: basename(j.input) }) });
    } finally {
      bar?.stop();
    }
  }
}

function outcome(results: JobResult[]): Fit2gpxOutput {
  const files = results.map((r) => ({ input: r.input, output: r.output ?? null, ok: !r.error, ...(r.error ? { error: r.error } : {}), messages: r.messages }));
  const failed = files.filter((f) => !f.ok).length;
  return { files, totals: { files: files.length, converted: files.length - failed, failed } };
}
