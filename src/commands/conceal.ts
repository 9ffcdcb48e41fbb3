import { Args, Flags } from '../cli/oclif.js';
import { BaseCommand } from '../cli/base-command.js';
import { checkOutput, readModel, writeModel } from '../cli/edit-io.js';
import { concealActivity, type Zone } from '../core/edit/conceal.js';
import { parseDistance } from '../core/edit/quantity.js';
import { FitkitError } from '../core/errors.js';
import { isStdout } from '../core/platform/output-file.js';

function parseZone(text: string): Zone {
  const [lat, lon, radius] = text.split(',');
  const z = { lat: Number(lat), lon: Number(lon), radius: radius === undefined ? NaN : parseDistance('--around', radius.trim()) };
  if (!(Math.abs(z.lat) <= 90 && Math.abs(z.lon) <= 180 && z.radius > 0)) {
    throw new FitkitError('edit_option', `--around: "${text}" is not LAT,LON,RADIUS (degrees, degrees, a distance such as 300m)`, { exitCode: 2 });
  }
  return z;
}

export default class Conceal extends BaseCommand {
  static override description = `Hide where an activity starts and ends (or any place) before sharing it.

Every position inside a zone goes from the whole file: records, laps' and sessions' start, end
and corner positions, GPS metadata. A zone is a circle: --start 500m around the first position
(so every pass near the start is hidden too), --end 500m around the last one, --around
LAT,LON,RADIUS around a place (repeatable). Distances and times stay as they were. The input is
never touched.`;

  static override examples = ['<%= config.bin %> conceal ride.fit --start 500m --end 500m -o ride-shared.fit', '<%= config.bin %> conceal run.fit --around 52.52,13.405,300m -o run-shared.fit'];

  static override args = { file: Args.string({ description: 'activity FIT file', required: true }) };

  static override flags = {
    start: Flags.string({ description: "radius around the route's first position (500m)" }),
    end: Flags.string({ description: "radius around the route's last position (500m)" }),
    around: Flags.string({ description: 'LAT,LON,RADIUS: a place to hide (degrees, a distance); repeatable', multiple: true }),
    output: Flags.string({ char: 'o', description: 'FIT file to write (-: standard output)', required: true }),
    force: Flags.boolean({ description: 'replace the output if it is an existing file' }),
  };

  async run() {
    const { args, flags } = await this.parse(Conceal);
    if (flags.start === undefined && flags.end === undefined && !flags.around?.length) throw new FitkitError('usage', 'give --start, --end or --around', { exitCode: 2 });
    const opts = {
      start: flags.start === undefined ? undefined : parseDistance('--start', flags.start),
      end: flags.end === undefined ? undefined : parseDistance('--end', flags.end),
      around: (flags.around ?? []).map(parseZone),
    };
    checkOutput(flags.output, [args.file], flags.force, this.jsonEnabled());
    const r = concealActivity(readModel(args.file, this.loadProfile(flags['profile-extra'])), opts);
    const bytes = await writeModel(flags.output, r.model);
    const result = { input: args.file, output: flags.output, bytes, zones: r.zones, positionsRemoved: r.removed };
    if (!this.jsonEnabled())
      (isStdout(flags.output) ? this.logToStderr.bind(this) : this.log.bind(this))(`${flags.output}: ${r.removed} position(s) inside ${r.zones.length} zone(s) removed, ${bytes} bytes`);
    return result;
  }
}
