import { readFileSync } from 'node:fs';
import { Args, Flags } from '../cli/oclif.js';
import { BaseCommand } from '../cli/base-command.js';
import { plural } from '../cli/plural.js';
import { fitBytesToTcx, type FitToTcxSummary } from '../core/convert/fit-to-tcx.js';
import { FitkitError } from '../core/errors.js';
import { inputStat } from '../core/platform/input-file.js';
import { isStdout, outputTarget, refuseInputAsOutput, writeOutput } from '../core/platform/output-file.js';
import { withPath } from '../core/platform/system-error.js';

export default class Fit2tcx extends BaseCommand {
  static override description = `Convert a FIT activity to TCX (Training Center Database v2).

One Activity per session (a multisport file gives several), its laps with their totals, and a
Track of trackpoints per lap: time, position, altitude, distance, heart rate, cadence, and speed
and power in the ActivityExtension v2. Valid against Garmin's TCX and ActivityExtension schemas.`;

  static override examples = ['<%= config.bin %> fit2tcx ride.fit                       # ride.tcx', '<%= config.bin %> fit2tcx ride.fit -o - | gzip > ride.tcx.gz'];

  static override args = { input: Args.string({ description: 'FIT file', required: true }) };

  static override flags = {
    output: Flags.string({ char: 'o', description: 'TCX file to write (default: IN with .tcx; - for standard output)' }),
  };

  async run(): Promise<FitToTcxSummary & { output: string }> {
    const { args, flags } = await this.parse(Fit2tcx);
    const json = this.jsonEnabled();
    if (json && flags.output === '-') this.error('--json with -o -: standard output holds the JSON; name a TCX file', { exit: 2 });
    const profile = this.loadProfile(flags['profile-extra'] ?? []);
    const output = flags.output ?? args.input.replace(/\.fit$/i, '') + '.tcx';
    inputStat(args.input);
    outputTarget(output);
    refuseInputAsOutput(args.input, output);
    let result;
    try {
      result = await fitBytesToTcx(
        withPath(args.input, 'input', () => readFileSync(args.input)),
        profile,
      );
    } catch (e) {
      if (e instanceof FitkitError) e.file = args.input;
      throw e;
    }
    await writeOutput(output, new TextEncoder().encode(result.tcx));
    const s = result.summary;
    for (const d of result.diagnostics.filter((x) => x.level === 'error')) this.logToStderr(`fitkit: warning: ${args.input}: byte ${d.offset}: ${d.message}`);
    if (s.skipped > 0) this.logToStderr(`fitkit: warning: ${args.input}: ${plural(s.skipped, 'record')} without a time or outside every session left out`);
    if (!isStdout(output) && !json) {
      this.logToStderr(`${output}: ${plural(s.activities, 'activity', 'activities')}, ${plural(s.laps, 'lap')}, ${plural(s.trackpoints, 'trackpoint')}`);
    }
    return { ...s, output };
  }
}
