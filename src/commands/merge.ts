import { Args, Flags } from '../cli/oclif.js';
import { BaseCommand } from '../cli/base-command.js';
import { checkOutput, readModel, writeModel } from '../cli/edit-io.js';
import { mergeFields, mergePieces } from '../core/edit/merge.js';
import { parseDuration } from '../core/edit/quantity.js';
import { FitkitError } from '../core/errors.js';
import { isStdout } from '../core/platform/output-file.js';

export default class Merge extends BaseCommand {
  static override description = `Merge FIT activities: pieces of one activity into one, or fields of one recording onto another.

Pieces (a watch restarted, a battery died): in time order, with a pause between them, distance
carried on, laps kept and renumbered, one session per sport, one activity. Pieces of different
sports are refused unless --force.

--fields heart_rate,power --from OTHER.fit: each record of the activity takes those fields from
OTHER's nearest record in time, within --tolerance (default 2s); laps' and sessions' averages
and maxima of them are recomputed. Inputs are never touched.`;

  static override strict = false;

  static override examples = ['<%= config.bin %> merge part1.fit part2.fit -o whole.fit', '<%= config.bin %> merge watch.fit --fields heart_rate --from strap.fit -o with-hr.fit'];

  static override args = { file: Args.string({ description: 'FIT activities (pieces), or the activity to lay fields onto', required: true }) };

  static override flags = {
    output: Flags.string({ char: 'o', description: 'FIT file to write (-: standard output)', required: true }),
    fields: Flags.string({ description: 'record fields to take from --from (heart_rate,power,cadence…)', dependsOn: ['from'] }),
    from: Flags.string({ description: 'the recording --fields come from', dependsOn: ['fields'] }),
    tolerance: Flags.string({ description: 'how far in time a --from record may be (default 2s)', default: '2s' }),
    force: Flags.boolean({ description: 'merge pieces of different sports; replace an existing output' }),
  };

  async run() {
    const { argv, flags } = await this.parse(Merge);
    const files = argv as string[];
    const profile = this.loadProfile(flags['profile-extra']);
    const say = (l: string) => (this.jsonEnabled() ? undefined : isStdout(flags.output) ? this.logToStderr(l) : this.log(l));
    if (flags.fields !== undefined) {
      if (files.length !== 1) throw new FitkitError('usage', 'with --fields, give one activity (the fields come from --from)', { exitCode: 2 });
      const fields = flags.fields
        .split(',')
        .map((f) => f.trim())
        .filter(Boolean);
      const tolerance = parseDuration('--tolerance', flags.tolerance);
      checkOutput(flags.output, [files[0], flags.from!], flags.force, this.jsonEnabled());
      const r = mergeFields(readModel(files[0], profile), readModel(flags.from!, profile), fields, tolerance, { file: flags.from });
      const bytes = await writeModel(flags.output, r.model);
      say(`${flags.output}: ${fields.join(', ')} from ${flags.from} on ${r.matched} of ${r.records} records, ${bytes} bytes`);
      return { inputs: files, from: flags.from, fields, output: flags.output, bytes, matched: r.matched, records: r.records };
    }
    if (files.length < 2) throw new FitkitError('usage', 'give two or more pieces to merge (or --fields … --from …)', { exitCode: 2 });
    checkOutput(flags.output, files, flags.force, this.jsonEnabled());
    const r = mergePieces(
      files.map((file) => ({ file, model: readModel(file, profile) })),
      { force: flags.force },
    );
    const bytes = await writeModel(flags.output, r.model);
    say(`${flags.output}: ${files.length} pieces, ${r.laps} laps in ${r.sessions} session(s), ${bytes} bytes`);
    return { inputs: files, output: flags.output, bytes, sessions: r.sessions, laps: r.laps, pausesSeconds: r.pauses };
  }
}
