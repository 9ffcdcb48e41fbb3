import { Args, Flags } from '../cli/oclif.js';
import { BaseCommand } from '../cli/base-command.js';
import { checkOutput, readModel, writeModel } from '../cli/edit-io.js';
import { parseCut } from '../core/edit/quantity.js';
import { trimActivity } from '../core/edit/trim.js';
import { FitkitError } from '../core/errors.js';
import { isoFromFitTime } from '../core/fit/kit/time.js';
import { isStdout } from '../core/platform/output-file.js';

export default class Trim extends BaseCommand {
  static override description = `Cut the start and/or the end off an activity: a forgotten stop, a GPS that had no fix yet.

--start and --end take a time from that end (90s, 2min, 1:30), a distance from that end (500m,
1km; m is metres, minutes are min) or a date and time (2024-05-01T09:30:00Z). Laps across a cut
are shortened, laps outside it go; times, distances, averages, maxima, positions and the
session and activity totals are recomputed. The input is never touched.`;

  static override examples = ['<%= config.bin %> trim ride.fit --start 2min -o ride-trimmed.fit', '<%= config.bin %> trim run.fit --end 1km -o run-trimmed.fit --json'];

  static override args = { file: Args.string({ description: 'activity FIT file', required: true }) };

  static override flags = {
    start: Flags.string({ description: 'cut this much off the start: a time, a distance or a date and time' }),
    end: Flags.string({ description: 'cut this much off the end: a time, a distance or a date and time' }),
    output: Flags.string({ char: 'o', description: 'FIT file to write (-: standard output)', required: true }),
    force: Flags.boolean({ description: 'replace the output if it is an existing file' }),
  };

  async run() {
    const { args, flags } = await this.parse(Trim);
    if (flags.start === undefined && flags.end === undefined) throw new FitkitError('usage', 'give --start, --end or both', { exitCode: 2 });
    const cuts = { start: flags.start === undefined ? undefined : parseCut('--start', flags.start), end: flags.end === undefined ? undefined : parseCut('--end', flags.end) };
    checkOutput(flags.output, [args.file], flags.force, this.jsonEnabled());
    const r = trimActivity(readModel(args.file, this.loadProfile(flags['profile-extra'])), cuts, { file: args.file });
    const bytes = await writeModel(flags.output, r.model);
    const result = { input: args.file, output: flags.output, bytes, start: isoFromFitTime(Math.floor(r.start)), end: isoFromFitTime(Math.ceil(r.end)) };
    if (!this.jsonEnabled()) (isStdout(flags.output) ? this.logToStderr.bind(this) : this.log.bind(this))(`${flags.output}: kept ${result.start} to ${result.end}, ${bytes} bytes`);
    return result;
  }
}
