import { Args, Flags } from '../cli/oclif.js';
import { BaseCommand } from '../cli/base-command.js';
import { inFile, readEditInput } from '../cli/edit-io.js';
import { plural } from '../cli/plural.js';
import { csvToFit } from '../core/edit/csv-to-fit.js';
import { FitkitError } from '../core/errors.js';
import { isStdout, writeOutput } from '../core/platform/output-file.js';

export default class Csv2fit extends BaseCommand {
  static override description = `Turn a FitCSVTool CSV (what fitkit dump writes) back into a FIT file.

Edit a dump in a spreadsheet, then write it back, as FitCSVTool -c does: each Definition row
becomes a definition for its local number, each Data row a message with its values in the units
shown (scaled values unscaled through the profile). A field a Data row leaves out is written
invalid; values that components expanded (enhanced_speed from speed…) are left out, the file holds
their source. Unknown messages and fields come back as they were dumped. Errors name the CSV line.
Dates are seconds since 1989-12-31 as dump writes them (not -iso8601), enums numbers (not -e).`;

  static override examples = ['<%= config.bin %> dump ride.fit -o ride.csv && <%= config.bin %> csv2fit ride.csv -o ride-edited.fit'];

  static override args = { file: Args.string({ description: 'CSV file', required: true }) };

  static override flags = {
    output: Flags.string({ char: 'o', description: 'FIT file to write (-: standard output)', required: true }),
    force: Flags.boolean({ description: 'replace the output if it is an existing file' }),
  };

  async run(): Promise<{ input: string; output: string; bytes: number; definitions: number; messages: number }> {
    const { args, flags } = await this.parse(Csv2fit);
    const profile = this.loadProfile(flags['profile-extra']);
    const bytes = readEditInput({ input: args.file, output: flags.output, force: flags.force, json: this.jsonEnabled() });
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new FitkitError('bad_csv', 'not UTF-8 text', { file: args.file });
    }
    const r = inFile(args.file, () => csvToFit(text, profile));
    await writeOutput(flags.output, r.bytes);
    if (!this.jsonEnabled()) {
      const say = (l: string) => (isStdout(flags.output) ? this.logToStderr(l) : this.log(l));
      say(`${flags.output}: ${plural(r.messages, 'message')}, ${plural(r.definitions, 'definition')}, ${plural(r.bytes.length, 'byte')}`);
    }
    return { input: args.file, output: flags.output, bytes: r.bytes.length, definitions: r.definitions, messages: r.messages };
  }
}
