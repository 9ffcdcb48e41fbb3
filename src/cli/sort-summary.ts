/** Text rendering of a sort: the plan (`--dry-run`), the per-device table, and what needs a look. */
import defaultChalk from 'chalk';
import { summaryRows, type SortedFile, type SortReport } from '../core/library/sort-report.js';
import { useChalk } from './colour.js';
import { plural } from './plural.js';
import { textTable } from './text-table.js';
import { tableOrLines, termWidth } from './width.js';

const chalk = useChalk(defaultChalk);

const VERB: Record<SortedFile['outcome'], string> = {
  copied: 'copy',
  duplicate: 'duplicate',
  quarantined: 'quarantine',
  filtered: 'skip',
  failed: 'fail',
};

/** One line per file: what a run would do (or did). */
export function planLines(report: SortReport): string[] {
  return report.files.map((f) => {
    const verb = VERB[f.outcome].padEnd(10);
    if (f.outcome === 'duplicate') return `${verb} ${f.source} = ${f.path}`;
    if (f.outcome === 'filtered' || f.outcome === 'failed') return `${verb} ${f.source} (${f.reason})`;
    const why = f.outcome === 'quarantined' ? ` (${f.reason})` : f.adopted ? ' (already there, recorded)' : '';
    return `${verb} ${f.source} -> ${f.path}${why}`;
  });
}

const n = (x: number, colour: (s: string) => string) => (x === 0 ? chalk.dim('0') : colour(String(x)));

/** The summary table, totals, quarantined and failed files with reasons, ignored paths, warnings. */
export function summaryText(report: SortReport, width = termWidth()): string {
  const t = report.totals;
  const rows = summaryRows(report.files);
  const table = () =>
    textTable(
      {
        head: ['device', 'type', 'copied', 'duplicates', 'quarantined', 'not taken', 'failed'],
        colAligns: ['left', 'left', 'right', 'right', 'right', 'right', 'right'],
        rowLines: true,
        style: { head: chalk.level > 0 ? ['bold'] : [], border: chalk.level > 0 ? ['grey'] : [] },
      },
      [
        ...rows.map((r) => [r.device, r.type, n(r.copied, chalk.green), n(r.duplicates, chalk.cyan), n(r.quarantined, chalk.yellow), n(r.filtered, chalk.dim), n(r.failed, chalk.red)]),
        [chalk.bold('total'), '', n(t.copied, chalk.green), n(t.duplicates, chalk.cyan), n(t.quarantined, chalk.yellow), n(t.filtered, chalk.dim), n(t.failed, chalk.red)],
      ],
    );
  // Too wide for the terminal: a line per device and type instead of the table.
  const asLines = () =>
    [...rows, { device: chalk.bold('total'), type: '', ...t }].map(
      (r) =>
        `${r.device}${r.type ? ` ${r.type}` : ''}: ${n(r.copied, chalk.green)} copied, ${n(r.duplicates, chalk.cyan)} duplicates, ` +
        `${n(r.quarantined, chalk.yellow)} quarantined, ${n(r.filtered, chalk.dim)} not taken, ${n(r.failed, chalk.red)} failed`,
    );
  const out = [report.files.length > 0 ? tableOrLines(table(), asLines, width) : 'No FIT files found.'];
  const verb = (k: number) => (report.dryRun ? 'would be' : k === 1 ? 'was' : 'were');
  out.push(
    `${plural(t.inputs, 'file')}: ${t.copied} ${verb(t.copied)} copied, ${t.duplicates} already in the library, ${t.quarantined} ${verb(t.quarantined)} quarantined` +
      (t.filtered ? `, ${t.filtered} not of the asked types` : '') +
      (t.failed ? `, ${chalk.red(`${t.failed} could not be read`)}` : '') +
      ` (library: ${report.library})`,
  );
  const moved = report.files.filter((f) => f.moved).length;
  if (report.move) out.push(`${plural(moved, 'source file')} deleted after ${moved === 1 ? 'its copy was' : 'their copies were'} verified.`);
  for (const f of report.files.filter((x) => x.outcome === 'quarantined')) out.push(chalk.yellow(`quarantined: ${f.source} -> ${f.path}: ${f.reason}`));
  for (const f of report.files.filter((x) => x.outcome === 'failed')) out.push(chalk.red(`failed: ${f.source}: ${f.reason}`));
  if (report.ignored.length > 0) {
    const byReason = new Map<string, number>();
    for (const i of report.ignored) byReason.set(i.reason, (byReason.get(i.reason) ?? 0) + 1);
    out.push(`passed over: ${[...byReason].map(([r, c]) => `${c} ${r.replace(/_/g, ' ')}`).join(', ')} (--json lists them)`);
  }
  if (report.sweptTemp > 0) out.push(`removed ${plural(report.sweptTemp, 'temporary file')} left by an interrupted run`);
  for (const w of report.warnings) out.push(chalk.yellow(`warning: ${w}`));
  // Only the table is fitted to the width: lines naming files stay whole, one per file, for grep.
  return out.join('\n');
}
