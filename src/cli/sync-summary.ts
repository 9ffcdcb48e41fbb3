/** Text rendering of a sync: a row per device, then the files that need a look. */
import chalk from 'chalk';
import Table from 'cli-table3';
import type { DeviceSyncReport } from '../core/sync/sync-device.js';
import type { DeviceError } from '../core/sync/sync-service.js';
import { plural } from './plural.js';
import { tableOrLines, termWidth } from './width.js';

/** A device's totals under --json: camelCase, counts named in the plural as sort names them. */
export function syncTotalsJson(t: DeviceSyncReport['totals']) {
  return {
    listed: t.listed,
    known: t.known,
    copied: t.copied,
    duplicates: t.duplicate,
    quarantined: t.quarantined,
    filtered: t.filtered,
    failed: t.failed,
    givenUp: t.given_up,
    downloadedBytes: t.downloadedBytes,
    deleted: t.deleted,
  };
}

export function syncJson(result: { reports: DeviceSyncReport[]; errors: DeviceError[] }) {
  return { reports: result.reports.map((r) => ({ ...r, totals: syncTotalsJson(r.totals) })), errors: result.errors };
}

const n = (x: number, colour: (s: string) => string) => (x === 0 ? chalk.dim('0') : colour(String(x)));

function mb(bytes: number): string {
  return bytes === 0 ? '0' : `${(bytes / 1e6).toFixed(bytes < 1e5 ? 2 : 1)} MB`;
}

export function syncSummaryText(reports: readonly DeviceSyncReport[], errors: readonly DeviceError[], library: string, width = termWidth()): string {
  const out: string[] = [];
  if (reports.length > 0) {
    const table = new Table({
      head: ['device', 'via', 'files', 'new', 'held', 'duplicates', 'quarantined', 'failed', 'downloaded'],
      colAligns: ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
      style: { head: chalk.level > 0 ? ['bold'] : [], border: chalk.level > 0 ? ['grey'] : [] },
    });
    for (const r of reports) {
      const t = r.totals;
      const d = r.device;
      table.push([
        `${d.model ?? d.key}${d.serial ? ` (${d.serial})` : ''}`,
        d.transport,
        String(t.listed),
        n(t.copied, chalk.green),
        n(t.known, chalk.dim),
        n(t.duplicate, chalk.cyan),
        n(t.quarantined, chalk.yellow),
        n(t.failed + t.given_up, chalk.red),
        mb(t.downloadedBytes),
      ]);
    }
    // Too wide for the terminal: a line per device instead of the table.
    const asLines = () =>
      reports.map((r) => {
        const t = r.totals;
        const d = r.device;
        return (
          `${d.model ?? d.key}${d.serial ? ` (${d.serial})` : ''} via ${d.transport}: ${plural(t.listed, 'file')}, ${n(t.copied, chalk.green)} new, ` +
          `${n(t.known, chalk.dim)} held, ${n(t.duplicate, chalk.cyan)} duplicates, ${n(t.quarantined, chalk.yellow)} quarantined, ` +
          `${n(t.failed + t.given_up, chalk.red)} failed, ${mb(t.downloadedBytes)} downloaded`
        );
      });
    out.push(tableOrLines(table.toString(), asLines, width));
  } else if (errors.length === 0) {
    out.push('No devices found (plug a watch in, or name a mounted one with --from PATH).');
  }
  for (const r of reports) {
    const who = r.device.model ?? r.device.key;
    for (const f of r.files) {
      if (f.outcome === 'quarantined') out.push(chalk.yellow(`quarantined: ${who}: ${f.path} -> ${f.libraryPath}: ${f.reason}`));
      if (f.outcome === 'failed' || f.outcome === 'given_up') out.push(chalk.red(`${f.outcome === 'failed' ? 'failed' : 'gave up'}: ${who}: ${f.path}: ${f.reason}`));
      if (f.reason?.startsWith('kept on the device')) out.push(chalk.yellow(`${who}: ${f.path}: ${f.reason}`));
    }
    if (r.interrupted) out.push(chalk.red(`${who}: stopped early (${r.interrupted}); the next sync picks up the rest`));
    if (r.totals.deleted) out.push(`${who}: ${plural(r.totals.deleted, 'file')} deleted from the device after their copies were verified`);
  }
  for (const e of errors) out.push(chalk.red(`error: ${e.label}: ${e.error}`));
  if (reports.length > 0) out.push(`library: ${library}`);
  // Only the table is fitted to the width: lines naming files stay whole, one per file, for grep.
  return out.join('\n');
}
