import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Args, Flags } from '../cli/oclif.js';
import { BaseCommand } from '../cli/base-command.js';
import { plural } from '../cli/plural.js';
import { DEFAULT_MAX_OFFSET, DEFAULT_SPEED_KMH, gpxToCourse, type GpxToCourseSummary } from '../core/convert/gpx-to-course.js';
import { FitkitError } from '../core/errors.js';
import { enumValue } from '../core/fit/encode/convert.js';
import { parseGpx } from '../core/formats/gpx-read.js';
import { inputStat } from '../core/platform/input-file.js';
import { isStdout, outputTarget, refuseInputAsOutput, writeOutput } from '../core/platform/output-file.js';
import { withPath } from '../core/platform/system-error.js';

export default class Gpx2fit extends BaseCommand {
  static override description = `Convert a GPX route or track to a FIT course a Garmin Edge or watch navigates.

The course follows every track of the GPX in order (or, without tracks, every route): one record
per point with position, distance along the path, altitude and time. Times are the GPX's when
every point has one (each at least a second after the one before), else the distance at --speed.
Waypoints within --max-offset metres of the path become course points at their distance along
it, their icon from <type>, <sym> or the name (left, right, straight, summit, water, food, …).`;

  static override examples = [
    '<%= config.bin %> gpx2fit route.gpx                        # route.fit',
    '<%= config.bin %> gpx2fit route.gpx -o course.fit --name "Sunday loop" --speed 22',
    '<%= config.bin %> gpx2fit hike.gpx --sport hiking --json | jq .coursePoints',
  ];

  static override args = { input: Args.string({ description: 'GPX file', required: true }) };

  static override flags = {
    output: Flags.string({ char: 'o', description: 'FIT file to write (default: IN with .fit; - for standard output)' }),
    name: Flags.string({ description: "course name (default: the track's or route's name, else the file name)" }),
    sport: Flags.string({ description: 'FIT sport name', default: 'cycling' }),
    speed: Flags.string({ description: `km/h for points without a time (default ${DEFAULT_SPEED_KMH})` }),
    'max-offset': Flags.integer({ description: 'metres from the path within which a waypoint becomes a course point', default: DEFAULT_MAX_OFFSET, min: 0 }),
  };

  async run(): Promise<GpxToCourseSummary & { output: string }> {
    const { args, flags } = await this.parse(Gpx2fit);
    const json = this.jsonEnabled();
    if (json && flags.output === '-') this.error('--json with -o -: standard output holds the JSON; name a FIT file', { exit: 2 });
    const profile = this.loadProfile(flags['profile-extra'] ?? []);
    if (enumValue(profile, 'sport', flags.sport) === undefined) this.error(`--sport: unknown sport "${flags.sport}"`, { exit: 2 });
    const speed = flags.speed === undefined ? DEFAULT_SPEED_KMH : Number(flags.speed);
    if (!(speed > 0 && speed < 1000)) this.error('--speed: km/h, above 0', { exit: 2 });

    const output = flags.output ?? args.input.replace(/\.gpx$/i, '') + '.fit';
    inputStat(args.input);
    outputTarget(output);
    refuseInputAsOutput(args.input, output);
    let result;
    try {
      const doc = parseGpx(withPath(args.input, 'input', () => readFileSync(args.input, 'utf8')));
      const name = flags.name ?? doc.paths.find((p) => p.name)?.name ?? doc.name ?? basename(args.input).replace(/\.gpx$/i, '');
      result = gpxToCourse(profile, doc, { name, sport: flags.sport, speedKmh: speed, maxOffset: flags['max-offset'], now: Date.now() });
    } catch (e) {
      if (e instanceof FitkitError) e.file = args.input;
      throw e;
    }
    await writeOutput(output, result.fit);
    const s = result.summary;
    for (const w of s.warnings) this.logToStderr(`fitkit: warning: ${args.input}: ${w}`);
    if (!isStdout(output) && !json) {
      this.logToStderr(
        `${output}: course "${s.name}" from the ${s.from}: ${plural(s.records, 'record')}, ${(s.distance / 1000).toFixed(2)} km, ` +
          `${plural(s.coursePoints, 'course point')}, times ${s.timesFrom === 'gpx' ? 'from the GPX' : `at ${speed} km/h`}`,
      );
    }
    return { ...s, output };
  }
}
