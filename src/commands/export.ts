import { Flags } from '../cli/oclif.js';
import { BaseCommand } from '../cli/base-command.js';
import { plural } from '../cli/plural.js';
import { progressBar } from '../cli/progress.js';
import { FitkitError } from '../core/errors.js';
import { exportParquet, type ExportResult } from '../core/export/parquet-export.js';
import { walkSources, type Ignored } from '../core/library/walk.js';

export interface ExportOutput extends ExportResult {
  out: string;
  /** Paths inside folders that were passed over (other names, symbolic links, …). */
  ignored: Ignored[];
}

export default class Export extends BaseCommand {
  static override description = `Export FIT files to Parquet tables for analysis (DuckDB, pandas, Spark).

One table per message type (record, lap, session, event, hrv, monitoring, …), a folder each under
OUT: OUT/record/part-RUN-N.parquet. A column per field, typed and scaled as the profile says
(integers, doubles, enum names, timestamps in UTC, lists), units in the column metadata, developer
fields as dev_NAME; every row also carries the file it came from: _file, _file_serial,
_file_type, _file_time_created.

Run it again over the same files (a library, a sync folder) and only new files are read: OUT
remembers what it holds by content. Folders are searched recursively for *.fit, *.fit.gz and
*.zip (Strava's and Garmin's exports, zips inside zips).

  duckdb -c "select date_trunc('month', _file_time_created) m, sum(total_distance)/1000 km
             from read_parquet('OUT/session/*.parquet', union_by_name=true) group by m order by m"`;

  static override usage = '<%= command.id %> FILE|DIR... -o DIR [--format parquet] [--messages record,lap,...] [--json]';

  static override examples = ['<%= config.bin %> export ~/FitSync -o ~/fit-parquet', '<%= config.bin %> export export_12345.zip -o tables --messages session,lap,record'];

  static override strict = false;
  static override enableJsonFlag = true;
  static override args = {};

  static override flags = {
    out: Flags.string({ char: 'o', description: 'folder of the tables (created if missing)', required: true }),
    format: Flags.string({ description: 'table format', options: ['parquet'], default: 'parquet' }),
    messages: Flags.string({ description: 'message types to export, comma-separated (default: all known)' }),
  };

  async run(): Promise<ExportOutput> {
    const { argv, flags } = await this.parse(Export);
    const sources = argv as string[];
    if (sources.length === 0) this.error('give at least one FIT file, archive or folder (fitkit export FILE|DIR... -o DIR)', { exit: 2 });
    const profile = this.loadProfile(flags['profile-extra']);
    const messages = flags.messages
      ?.split(',')
      .map((m) => m.trim())
      .filter((m) => m !== '');
    for (const m of messages ?? []) {
      if (!profile.messageByName(m)) this.error(`--messages: no message type "${m}" in the profile`, { exit: 2 });
    }
    const walked = walkSources(sources, flags.out, { archives: true });
    const missing = walked.ignored.find((i) => i.reason === 'not_found');
    if (missing) throw new FitkitError('not_found', 'no such file or folder', { file: missing.path });
    const json = this.jsonEnabled();
    const bar = progressBar('exporting', !json && process.stderr.isTTY === true && walked.files.length > 20);
    let result: ExportResult;
    try {
      result = await exportParquet(walked.files, { out: flags.out, profile, messages, createdBy: `fitkit ${this.config.version}`, onProgress: (d, t) => bar.update(d, t) });
    } finally {
      bar.stop();
    }
    const ignored = walked.ignored.filter((i) => i.reason !== 'not_fit_name');
    if (!json) {
      const at = (p: { offset?: number }): string => (p.offset === undefined ? '' : ` (at byte ${p.offset})`);
      for (const p of result.problems) this.logToStderr(`fitkit: ${p.path}: ${p.message}${at(p)}`);
      for (const p of result.warnings) this.logToStderr(`fitkit: ${p.path}: exported up to the damage: ${p.message}${at(p)}`);
      const tables = Object.entries(result.tables);
      const rows = tables.reduce((n, [, t]) => n + t.rows, 0);
      this.log(
        `${plural(result.exported, 'file')} exported (${plural(rows, 'row')} in ${plural(tables.length, 'table')}), ` +
          `${result.held} already in ${flags.out}` +
          (result.problems.length ? `, ${plural(result.problems.length, 'problem')}` : ''),
      );
    }
    if (walked.files.length === 0) throw new FitkitError('no_files', 'no FIT files found', { exitCode: 1 });
    if (result.problems.length > 0) process.exitCode = 1;
    return { out: flags.out, ...result, ignored };
  }
}
