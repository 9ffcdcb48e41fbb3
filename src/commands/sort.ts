import { statSync } from 'node:fs';
import { Flags } from '../cli/oclif.js';
import { BaseCommand } from '../cli/base-command.js';
import { plural } from '../cli/plural.js';
import { progressBar } from '../cli/progress.js';
import { planLines, summaryText } from '../cli/sort-summary.js';
import { FitkitError } from '../core/errors.js';
import { parseTypeFilter } from '../core/library/layout.js';
import { summaryRows, type SortReport, type SummaryRow } from '../core/library/sort-report.js';
import { sortIntoLibrary } from '../core/library/sorter.js';
import { fromSystemError } from '../core/platform/system-error.js';

export default class Sort extends BaseCommand {
  static override description = `Sort FIT files into a library: LIBRARY/<serial>/<TypeDir>/<name>.

The device folder is the file's serial number (or <manufacturer>-<product> without one); the type
folder comes from file_id.type (Activities, Courses, Monitoring, Settings, ...; device files sit in
the device folder). Copies keep their names (a different file with a taken name gets -1, -2, ...),
get file_id.time_created as mtime, and are never written twice: LIBRARY/.fitkit/index.jsonl
remembers every content hash. Damaged and non-FIT files go to LIBRARY/_quarantine/ with the reason
in the index. Symbolic links inside source folders are not followed; only *.fit files are taken
from folders.`;

  static override usage = '<%= command.id %> SRC... --to LIBRARY [--types LIST] [--dry-run] [--move] [--json]';

  static override examples = [
    '<%= config.bin %> sort ~/Downloads/garmin --to ~/fit',
    '<%= config.bin %> sort /media/GARMIN/Garmin --to ~/fit --types activity,course --dry-run',
    '<%= config.bin %> sort old-exports/ --to ~/fit --move',
    '<%= config.bin %> sort a/ b/ --to ~/fit --json | jq .totals',
  ];

  static override strict = false;
  static override enableJsonFlag = true;

  static override args = {};

  static override flags = {
    to: Flags.string({ description: 'library folder (created if missing)', required: true }),
    move: Flags.boolean({ description: 'delete each source once its copy is verified and on disk' }),
    'dry-run': Flags.boolean({ description: 'print what would be done, change nothing' }),
    types: Flags.string({ description: 'only these file types (comma list, e.g. activity,course; "unknown": no file_id)' }),
    threads: Flags.integer({ description: 'analysis threads (default: one per core; 0: none)', min: 0 }),
    wait: Flags.integer({ description: 'seconds to wait for another run on the same library', default: 60, min: 0 }),
  };

  async run(): Promise<SortReport & { summary: SummaryRow[] }> {
    const { argv, flags } = await this.parse(Sort);
    const sources = argv as string[];
    if (sources.length === 0) this.error('give at least one source file or folder (fitkit sort SRC... --to LIBRARY)', { exit: 2 });
    const profile = this.loadProfile(flags['profile-extra']);
    let types;
    try {
      types = flags.types === undefined ? undefined : parseTypeFilter(flags.types, profile);
    } catch (e) {
      this.error((e as Error).message, { exit: 2 });
    }
    // A source that cannot be reached is an error (exit 1), named as given; the others are still sorted.
    const unreachable: FitkitError[] = [];
    for (const s of sources) {
      try {
        statSync(s);
      } catch (e) {
        const err = fromSystemError(e, s);
        unreachable.push(err instanceof FitkitError ? err : new FitkitError('unreadable', String(e), { file: s }));
      }
    }
    const json = this.jsonEnabled();
    const bar = progressBar(flags['dry-run'] ? 'planning' : 'sorting', !json && process.stderr.isTTY === true);
    let report: SortReport;
    try {
      report = await sortIntoLibrary({
        sources,
        library: flags.to,
        profile,
        move: flags.move,
        dryRun: flags['dry-run'],
        types,
        threads: flags.threads,
        lockTimeoutMs: flags.wait * 1000,
        onProgress: (done, total) => bar.update(done, total),
      });
    } finally {
      bar.stop();
    }
    if (!json) {
      if (report.dryRun) for (const l of planLines(report)) this.log(l);
      this.log(summaryText(report));
    }
    for (const e of unreachable) this.logToStderr(`fitkit: ${e.oneLine()}`);
    if (report.totals.failed > 0 || unreachable.length > 0) {
      process.exitCode = 1;
      if (json) return { ...report, summary: summaryRows(report.files) };
      if (report.totals.failed > 0) throw new FitkitError('unreadable', `${plural(report.totals.failed, 'file')} could not be read`);
      this.exit(1);
    }
    return { ...report, summary: summaryRows(report.files) };
  }
}
