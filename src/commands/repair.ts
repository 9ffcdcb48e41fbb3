import { Args, Flags } from '../cli/oclif.js';
import { BaseCommand } from '../cli/base-command.js';
import { plural } from '../cli/plural.js';
import { planRepair, type RepairResult } from '../core/activity/repair/repair.js';
import type { SummaryMessage } from '../core/activity/summaries/summary.js';
import { localTimeZone, timeZoneOffset } from '../core/fit/kit/time-zone.js';
import { FitkitError } from '../core/errors.js';
import { isoFromFitTime } from '../core/fit/kit/time.js';
import { fileChunks } from '../core/platform/file-chunks.js';
import { inputStat } from '../core/platform/input-file.js';
import { outputTarget, refuseInputAsOutput, writeOutput } from '../core/platform/output-file.js';

/** An added message for --json: times as ISO 8601 (local_timestamp without a zone). */
function addedForJson(m: SummaryMessage): SummaryMessage {
  const fields = { ...m.fields };
  for (const k of ['timestamp', 'start_time']) if (typeof fields[k] === 'number') fields[k] = isoFromFitTime(fields[k]);
  if (typeof fields.local_timestamp === 'number') fields.local_timestamp = isoFromFitTime(fields.local_timestamp).replace(/Z$/, '');
  return { ...m, fields };
}

export default class Repair extends BaseCommand {
  static override description = `Salvage a damaged FIT file into a new one that every tool reads.

Keeps every complete record byte for byte, drops a record cut off at the end and garbage after or
between chained files, and writes fresh headers (data size, header CRC) and file CRCs. The input is
never touched; an existing output is only replaced with --force.

An activity that ended without its summary (a crash, a flat battery: records but no lap, session
or activity message) gets them computed from its records and timer events: times (pauses left out
of the timer time), distance, speeds, heart rate, cadence, power, climb and positions, whatever the
records hold. The activity's local time comes from the file when it says its time zone, else from
--tz (default: the system's).`;

  static override examples = ['<%= config.bin %> repair cut-off.fit -o fixed.fit', '<%= config.bin %> repair crashed.fit -o crashed-fixed.fit --tz Europe/Berlin --json'];

  static override enableJsonFlag = true;

  static override args = {
    file: Args.string({ description: 'damaged FIT file', required: true }),
  };

  static override flags = {
    output: Flags.string({ char: 'o', description: 'FIT file to write (-: standard output)', required: true }),
    force: Flags.boolean({ description: 'replace the output if it is an existing file' }),
    summary: Flags.boolean({
      description: 'compute a missing lap, session and activity summary (--no-summary: salvage only)',
      default: true,
      allowNo: true,
    }),
    tz: Flags.string({ description: "IANA time zone for the activity's local time when the file does not say it (default: the system's)" }),
  };

  async run(): Promise<Omit<RepairResult, 'bytes'> & { input: string; output: string; bytes: number }> {
    const { args, flags } = await this.parse(Repair);
    const inputSize = inputStat(args.file).size;
    refuseInputAsOutput(args.file, flags.output);
    // Only an existing regular file is replaced; a device or FIFO is written to, as asked.
    const target = outputTarget(flags.output);
    const toStdout = target.kind === 'stdout';
    if (toStdout && this.jsonEnabled()) this.error('--json and -o - both want standard output', { exit: 2 });
    if (target.kind === 'replace' && target.existing && !flags.force) {
      this.error(`${flags.output} exists; add --force to replace it`, { exit: 2 });
    }
    const timeZone = flags.tz ?? localTimeZone();
    timeZoneOffset(new Date(), timeZone); // an unknown zone is a usage error, even when the file has its own
    // Streamed: the input is read in pieces (three passes at most), whatever its size.
    const r = planRepair(() => fileChunks(args.file), inputSize, this.loadProfile(flags['profile-extra']), { summary: flags.summary, timeZone });
    if (r.files.length === 0) {
      const why = r.diagnostics.find((d) => d.level === 'error');
      throw new FitkitError(why?.code ?? 'nothing_to_salvage', `nothing to salvage: ${why?.message ?? 'no complete data message'}`, {
        file: args.file,
        offset: why?.offset,
      });
    }
    await writeOutput(flags.output, (write) => r.write(write));
    if (!this.jsonEnabled()) {
      // With -o - the FIT file is on standard output: the report goes to standard error.
      const say = (l: string) => (toStdout ? this.logToStderr(l) : this.log(l));
      const messages = r.files.reduce((n, f) => n + f.dataMessages, 0);
      say(`${flags.output}: ${plural(messages, 'message')} in ${plural(r.files.length, 'FIT file')}, ${plural(r.size, 'byte')}`);
      for (const c of r.changes.length ? r.changes : ['no damage found: headers and CRCs rewritten as they were']) say(`  ${c}`);
    }
    const { write: _write, size, ...rest } = r;
    return { ...rest, added: rest.added.map(addedForJson), input: args.file, output: flags.output, bytes: size };
  }
}
