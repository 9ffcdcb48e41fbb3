import { Flags } from '../cli/oclif.js';
import { BaseCommand } from '../cli/base-command.js';
import { progressBar } from '../cli/progress.js';
import { fileBlock, summaryText, totals, type ValidateTotals } from '../cli/validate-report.js';
import { FitkitError } from '../core/errors.js';
import { walkSources, type Ignored } from '../core/library/walk.js';
import { loadProfile, profileFiles } from '../core/platform/profile-loader.js';
import { unreadableReport, type FileReport } from '../core/validate/validate-file.js';
import { validateMany } from '../core/validate/validate-pool.js';

export interface ValidateOutput {
  files: FileReport[];
  totals: ValidateTotals;
  /** Paths inside folders that were passed over (not *.fit, symbolic links, …). */
  ignored: Ignored[];
}

export default class Validate extends BaseCommand {
  static override description = `Check FIT files: integrity, Garmin's activity checklist, per-type sanity.

Integrity: header (size, protocol, signature, CRC; 0 is allowed), declared data size against the
file, file CRC at the declared length (bytes after it are a warning), definitions before data,
field sizes, truncation, chained files. Every finding has a severity and a byte offset.

The checklist is FitCSVTool -t's: the same checks, names, levels (REQUIRED/OPTIONAL) and verdicts
(PASSED/FAILED/SKIPPED/WARNING); a failure names the message (index and byte offset) it stopped at.
It judges activities (and files without a file type); other files show it for comparison only and
get sanity checks for their type instead (course, workout, settings, locations, monitoring).

Exit code 0 when every file passes, 1 when one does not (or cannot be read), 2 on usage errors.
Folders are searched recursively for *.fit, *.fit.gz and *.zip (every FIT file inside an archive,
zips inside zips too, gets its own report); files are validated on every core.`;

  static override usage = '<%= command.id %> FILE|DIR... [-q] [--[no-]checks] [--threads N] [--json]';

  static override examples = [
    '<%= config.bin %> validate ride.fit',
    '<%= config.bin %> validate ~/fit/Activities --quiet',
    '<%= config.bin %> validate a.fit b.fit --json | jq ".files[].checklist[] | select(.status==\\"FAILED\\")"',
  ];

  static override strict = false;
  static override enableJsonFlag = true;
  static override args = {};

  static override flags = {
    checks: Flags.boolean({ description: 'print the whole checklist table for every file (default for a single file)', allowNo: true }),
    quiet: Flags.boolean({ char: 'q', description: 'only the files that fail, and the summary' }),
    threads: Flags.integer({ description: 'worker threads (default: one per core; 0: none)', min: 0 }),
  };

  async run(): Promise<ValidateOutput> {
    const { argv, flags } = await this.parse(Validate);
    const sources = argv as string[];
    if (sources.length === 0) this.error('give at least one FIT file or folder (fitkit validate FILE|DIR...)', { exit: 2 });
    const extras = profileFiles(flags['profile-extra']);
    loadProfile(extras); // a bad --profile-extra is a usage problem: report it before the batch

    const walked = walkSources(sources, undefined, { archives: true });
    // A path given on the command line that is missing is reported like an unreadable file.
    const missing = walked.ignored.filter((i) => i.reason === 'not_found');
    const ignored = walked.ignored.filter((i) => i.reason !== 'not_found');
    const json = this.jsonEnabled();
    const bar = progressBar('validating', !json && process.stderr.isTTY === true && walked.files.length > 20);
    let reports: FileReport[];
    try {
      reports = await validateMany(walked.files, { extras, threads: flags.threads, onProgress: (done, total) => bar.update(done, total) });
    } finally {
      bar.stop();
    }
    reports.push(...missing.map((m) => unreadableReport(m.path, 'not_found', 'no such file or folder')));
    const out: ValidateOutput = { files: reports, totals: totals(reports), ignored };
    if (!json) {
      const full = flags.checks ?? reports.length === 1;
      for (const r of reports) if (!flags.quiet || !r.ok) this.log(fileBlock(r, full));
      if (reports.length > 1 || flags.quiet) this.log(summaryText(reports));
    }
    if (reports.length === 0) throw new FitkitError('no_files', 'no FIT files found', { exitCode: 1 });
    if (reports.some((r) => !r.ok)) process.exitCode = 1;
    return out;
  }
}
