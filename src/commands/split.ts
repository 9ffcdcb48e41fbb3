import { existsSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Args, Flags } from '../cli/oclif.js';
import { BaseCommand } from '../cli/base-command.js';
import { checkOutput, readModel, writeModel } from '../cli/edit-io.js';
import { parseCut, parseDuration } from '../core/edit/quantity.js';
import { splitActivity, type SplitAt } from '../core/edit/split.js';
import { FitkitError } from '../core/errors.js';
import { fromSystemError } from '../core/platform/system-error.js';

export default class Split extends BaseCommand {
  static override description = `Split one activity into several: two rides recorded as one, a race and its cool-down.

--at cuts at a time or distance from the start (1h, 10km) or a date and time; --at-lap N makes
lap N (counted from 1) start the second part; --at-gap cuts at every pause between records
longer than a duration. Parts go to OUTDIR as NAME-1.fit, NAME-2.fit…, each a whole activity
(laps, sessions and totals recomputed). The input is never touched.`;

  static override examples = ['<%= config.bin %> split day.fit --at-gap 30min -d parts', '<%= config.bin %> split ride.fit --at-lap 3 -d parts --json'];

  static override args = { file: Args.string({ description: 'activity FIT file', required: true }) };

  static override flags = {
    at: Flags.string({ description: 'where to cut: a time or distance from the start, or a date and time', exclusive: ['at-lap', 'at-gap'] }),
    'at-lap': Flags.integer({ description: 'the lap (from 1) that starts the second part', exclusive: ['at', 'at-gap'] }),
    'at-gap': Flags.string({ description: 'cut at every pause between records longer than this (30min)', exclusive: ['at', 'at-lap'] }),
    dir: Flags.string({ char: 'd', description: 'folder for the parts (made if missing)', required: true }),
    force: Flags.boolean({ description: 'replace parts that exist' }),
  };

  async run() {
    const { args, flags } = await this.parse(Split);
    let how: SplitAt;
    if (flags.at !== undefined) how = { at: parseCut('--at', flags.at) };
    else if (flags['at-lap'] !== undefined) how = { lap: flags['at-lap'] };
    else if (flags['at-gap'] !== undefined) how = { gap: parseDuration('--at-gap', flags['at-gap']) };
    else throw new FitkitError('usage', 'give --at, --at-lap or --at-gap', { exitCode: 2 });
    const parts = splitActivity(readModel(args.file, this.loadProfile(flags['profile-extra'])), how, { file: args.file });
    try {
      if (!existsSync(flags.dir)) mkdirSync(flags.dir, { recursive: true });
    } catch (e) {
      throw fromSystemError(e, flags.dir, 'output');
    }
    const stem = basename(args.file).replace(/\.fit$/i, '');
    const outputs = parts.map((_, i) => join(flags.dir, `${stem}-${i + 1}.fit`));
    for (const o of outputs) checkOutput(o, [args.file], flags.force, false);
    const written = [];
    for (let i = 0; i < parts.length; i++) {
      const bytes = await writeModel(outputs[i], parts[i]);
      written.push({ output: outputs[i], bytes });
      if (!this.jsonEnabled()) this.log(`${outputs[i]}: ${bytes} bytes`);
    }
    return { input: args.file, parts: written };
  }
}
