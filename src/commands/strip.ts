import { Args, Flags } from '../cli/oclif.js';
import { BaseCommand } from '../cli/base-command.js';
import { inFile, readEditInput } from '../cli/edit-io.js';
import { plural } from '../cli/plural.js';
import { readRecords, writeRecords } from '../core/edit/raw-records.js';
import { messageNumbers, stripRecords } from '../core/edit/strip.js';
import { isStdout, writeOutput } from '../core/platform/output-file.js';

export default class Strip extends BaseCommand {
  static override description = `Leave data out of a FIT file before sharing it.

--developer-data drops developer_data_id and field_description messages and every developer
field (Connect IQ data, Stryd power…); --unknown drops messages and fields the FIT profile does not
know and developer fields without a description; --hrv drops the beat-to-beat intervals;
--positions drops every position (fields in semicircles: records, lap and session start and end,
bounding boxes…); --messages drops the messages named (profile names or numbers). Everything else
is kept as it was. The input is never touched; an existing output is only replaced with --force.`;

  static override examples = ['<%= config.bin %> strip ride.fit -o shared.fit --positions --hrv', '<%= config.bin %> strip run.fit -o clean.fit --developer-data --unknown --messages device_info,22'];

  static override args = { file: Args.string({ description: 'FIT file', required: true }) };

  static override flags = {
    output: Flags.string({ char: 'o', description: 'FIT file to write (-: standard output)', required: true }),
    force: Flags.boolean({ description: 'replace the output if it is an existing file' }),
    'developer-data': Flags.boolean({ description: 'developer data: descriptions and fields' }),
    unknown: Flags.boolean({ description: 'messages and fields the profile does not know' }),
    hrv: Flags.boolean({ description: 'hrv messages (beat-to-beat intervals)' }),
    positions: Flags.boolean({ description: 'every latitude and longitude' }),
    messages: Flags.string({ description: 'messages to leave out: names or numbers, comma separated' }),
  };

  async run(): Promise<{ input: string; output: string; bytes: number; messagesRemoved: number; fieldsRemoved: number; developerFieldsRemoved: number }> {
    const { args, flags } = await this.parse(Strip);
    const profile = this.loadProfile(flags['profile-extra']);
    const messages = flags.messages === undefined ? [] : messageNumbers(profile, flags.messages);
    if (!flags['developer-data'] && !flags.unknown && !flags.hrv && !flags.positions && messages.length === 0) {
      this.error('nothing to strip: give --developer-data, --unknown, --hrv, --positions or --messages', { exit: 2 });
    }
    const bytes = readEditInput({ input: args.file, output: flags.output, force: flags.force, json: this.jsonEnabled() });
    const { out, r } = inFile(args.file, () => {
      const { records, profileVersion } = readRecords(bytes);
      const r = stripRecords(records, profile, { developerData: flags['developer-data'], unknown: flags.unknown, hrv: flags.hrv, positions: flags.positions, messages });
      return { r, out: writeRecords(r.records, profile, profileVersion) };
    });
    await writeOutput(flags.output, out);
    const result = { input: args.file, output: flags.output, bytes: out.length, messagesRemoved: r.messagesRemoved, fieldsRemoved: r.fieldsRemoved, developerFieldsRemoved: r.developerFieldsRemoved };
    if (!this.jsonEnabled()) {
      const say = (l: string) => (isStdout(flags.output) ? this.logToStderr(l) : this.log(l));
      say(`${flags.output}: ${plural(r.messagesRemoved, 'message')}, ${plural(r.fieldsRemoved, 'field definition')} and ${plural(r.developerFieldsRemoved, 'developer field definition')} left out`);
    }
    return result;
  }
}
