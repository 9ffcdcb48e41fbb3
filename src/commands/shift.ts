import { Args, Flags } from '../cli/oclif.js';
import { BaseCommand } from '../cli/base-command.js';
import { checkOutput, readModel, writeModel } from '../cli/edit-io.js';
import { parseDuration, parseInstant } from '../core/edit/quantity.js';
import { shiftActivity } from '../core/edit/shift.js';
import { timeZoneOffset } from '../core/fit/kit/time-zone.js';
import { FitkitError } from '../core/errors.js';
import { isStdout } from '../core/platform/output-file.js';

export default class Shift extends BaseCommand {
  static override description = `Move every time in a FIT file: a clock that was never set (1989 dates), a wrong time zone.

Every date_time field moves by the same amount (--by, or --to: the activity's start goes there),
timestamp_16 fields and compressed timestamps with them. With --tz, local times
(activity.local_timestamp and the like) are set from that zone; without it they move with the
rest. The input is never touched.`;

  static override examples = ['<%= config.bin %> shift ride.fit --by +1h -o ride-shifted.fit', '<%= config.bin %> shift old-watch.fit --to 2024-05-01T09:30:00Z --tz Europe/Berlin -o fixed.fit'];

  static override args = { file: Args.string({ description: 'FIT file', required: true }) };

  static override flags = {
    by: Flags.string({ description: 'move by this much: +1h, -30min, 90s, -1:00:00', exclusive: ['to'] }),
    to: Flags.string({ description: 'move so the activity starts at this date and time (2024-05-01T09:30:00Z)', exclusive: ['by'] }),
    tz: Flags.string({ description: 'IANA time zone to set local times from (Europe/Berlin)' }),
    output: Flags.string({ char: 'o', description: 'FIT file to write (-: standard output)', required: true }),
    force: Flags.boolean({ description: 'replace the output if it is an existing file' }),
  };

  async run() {
    const { args, flags } = await this.parse(Shift);
    if (flags.by === undefined && flags.to === undefined && flags.tz === undefined) throw new FitkitError('usage', 'give --by, --to or --tz', { exitCode: 2 });
    const by = flags.by === undefined ? undefined : parseDuration('--by', flags.by);
    const to = flags.to === undefined ? undefined : parseInstant('--to', flags.to);
    if (flags.tz) timeZoneOffset(new Date(), flags.tz); // an unknown zone is a usage error
    checkOutput(flags.output, [args.file], flags.force, this.jsonEnabled());
    const r = shiftActivity(readModel(args.file, this.loadProfile(flags['profile-extra'])), { by, to, timeZone: flags.tz, file: args.file });
    const bytes = await writeModel(flags.output, r.model);
    const result = { input: args.file, output: flags.output, bytes, seconds: r.by, timeZone: flags.tz ?? null };
    if (!this.jsonEnabled())
      (isStdout(flags.output) ? this.logToStderr.bind(this) : this.log.bind(this))(`${flags.output}: times moved by ${r.by} s${flags.tz ? `, local times in ${flags.tz}` : ''}, ${bytes} bytes`);
    return result;
  }
}
