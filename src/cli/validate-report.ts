/** Text rendering of `fitkit validate`: one block per file, the checklist table, the summary. */
import defaultChalk from 'chalk';
import { isAbsolute, relative } from 'node:path';
import type { CheckResult } from '../core/activity/checks/checklist.js';
import type { FileReport, ValidateDiagnostic } from '../core/validate/validate-file.js';
import { useChalk } from './colour.js';
import { plural } from './plural.js';
import { textTable } from './text-table.js';
import { termWidth, wrapLine } from './width.js';

const chalk = useChalk(defaultChalk);

const STATUS: Record<CheckResult['status'], (s: string) => string> = {
  PASSED: chalk.green,
  FAILED: chalk.red,
  WARNING: chalk.yellow,
  SKIPPED: chalk.dim,
};

const LEVEL: Record<ValidateDiagnostic['level'], (s: string) => string> = {
  error: chalk.red,
  warning: chalk.yellow,
  info: chalk.cyan,
};

/** Table colours (cli-table3 has its own): grey borders only when fitkit colours. */
const style = () => ({ border: chalk.level > 0 ? ['grey'] : [] });

/** Text lines wrapped to the width, continuation lines indented under the text. */
function fit(line: string, width: number, indent: string): string {
  return wrapLine(line, width, indent).join('\n');
}

/** Paths under the working directory are shown relative to it. */
function shown(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

function verdict(r: FileReport): string {
  return r.ok ? chalk.green('PASS') : chalk.red('FAIL');
}

/** Where a check stopped and what it wanted, as one line. */
function checkDetail(c: CheckResult): string {
  const parts = [...c.reasons];
  if (c.at) parts.push(`at ${c.at.message} #${c.at.index} (byte ${c.at.offset})`);
  if (c.expected) parts.push(`expected ${c.expected}`);
  return parts.join('\n');
}

export function diagnosticLine(d: ValidateDiagnostic): string {
  return `${LEVEL[d.level](d.level.padEnd(7))} ${d.message} ${chalk.dim(`[${d.code}, byte ${d.offset}]`)}`;
}

function heading(r: FileReport): string {
  if (r.error) return `${verdict(r)} ${shown(r.file)}`;
  const what = [r.fileType ?? 'no file type', plural(r.messages, 'message'), plural(r.size, 'byte')];
  if (r.fitFiles > 1) what.push(`${r.fitFiles} chained FIT files`);
  return `${verdict(r)} ${shown(r.file)} ${chalk.dim(`(${what.join(', ')})`)}`;
}

/**
 * The full checklist as a table `width` columns wide: names and details wrap in their columns
 * (--json has them whole).
 */
export function checklistTable(results: readonly CheckResult[], width = termWidth()): string {
  const level = 'REQUIRED'.length + 2;
  const status = 'WARNING'.length + 2;
  const free = width - 5 - level - status;
  const name = Math.min(Math.max(...results.map((c) => c.name.length), 'Check (FitCSVTool -t)'.length) + 2, Math.floor(free / 2));
  return textTable(
    { head: ['Check (FitCSVTool -t)', 'Level', 'Status', 'Detail'], colWidths: [name, level, status, free - name], wordWrap: true, style: style() },
    results.map((c) => [c.name, c.level, STATUS[c.status](c.status), checkDetail(c)]),
  );
}

/**
 * One file: its heading, its findings, and its checklist: the whole table when `full`, else only
 * the checks that did not pass (and none for a file whose type the checklist does not judge).
 */
export function fileBlock(r: FileReport, full: boolean, width = termWidth()): string {
  const lines = [fit(heading(r), width, '     ')];
  for (const d of r.diagnostics) lines.push(fit('  ' + diagnosticLine(d), width, '          '));
  if (r.checklist.length === 0) return lines.join('\n');
  if (full) {
    if (!r.checklistApplies) lines.push(fit(chalk.dim(`  checklist shown for comparison; it does not judge a ${r.fileType} file`), width, '  '));
    lines.push(checklistTable(r.checklist, width));
  } else if (r.checklistApplies) {
    for (const c of r.checklist) {
      if (c.status !== 'FAILED' && c.status !== 'WARNING') continue;
      const detail = checkDetail(c).replace(/\n/g, '; ');
      lines.push(fit(`  ${STATUS[c.status](c.status.padEnd(7))} ${c.name} ${chalk.dim(`(${c.level})`)}${detail ? ': ' + detail : ''}`, width, '          '));
    }
  }
  return lines.join('\n');
}

export interface ValidateTotals {
  files: number;
  passed: number;
  failed: number;
  unreadable: number;
}

export function totals(reports: readonly FileReport[]): ValidateTotals {
  return {
    files: reports.length,
    passed: reports.filter((r) => r.ok).length,
    failed: reports.filter((r) => !r.ok && !r.error).length,
    unreadable: reports.filter((r) => r.error).length,
  };
}

/** Counts by file type, and the REQUIRED checks that failed most often. */
export function summaryText(reports: readonly FileReport[], width = termWidth()): string {
  const byType = new Map<string, { files: number; pass: number; fail: number; errors: number; warnings: number }>();
  for (const r of reports) {
    const key = r.error ? '(unreadable)' : (r.fileType ?? '(no file_id)');
    const row = byType.get(key) ?? { files: 0, pass: 0, fail: 0, errors: 0, warnings: 0 };
    row.files++;
    if (r.ok) row.pass++;
    else row.fail++;
    row.errors += r.diagnostics.filter((d) => d.level === 'error').length;
    row.warnings += r.diagnostics.filter((d) => d.level === 'warning').length;
    byType.set(key, row);
  }
  const types = [...byType].sort((a, b) => b[1].files - a[1].files);
  const t = textTable(
    { head: ['File type', 'Files', 'Pass', 'Fail', 'Errors', 'Warnings'], style: style() },
    types.map(([k, v]) => [k, v.files, v.pass ? chalk.green(String(v.pass)) : '0', v.fail ? chalk.red(String(v.fail)) : '0', v.errors, v.warnings]),
  );
  const failedChecks = new Map<string, number>();
  for (const r of reports) {
    if (!r.checklistApplies) continue;
    for (const c of r.checklist) if (c.level === 'REQUIRED' && c.status === 'FAILED') failedChecks.set(c.name, (failedChecks.get(c.name) ?? 0) + 1);
  }
  const out = [t];
  if (failedChecks.size > 0) {
    const files = 'Files'.length + 2;
    const name = Math.min(Math.max(...[...failedChecks.keys()].map((k) => k.length)) + 2, width - 3 - files);
    const failed = [...failedChecks].sort((a, b) => b[1] - a[1]);
    out.push(textTable({ head: ['REQUIRED check failed', 'Files'], colWidths: [name, files], wordWrap: true, style: style() }, failed));
  }
  const n = totals(reports);
  out.push(fit(`${plural(n.files, 'file')}: ${n.passed} passed, ${n.failed} failed${n.unreadable ? `, ${n.unreadable} unreadable` : ''}`, width, '  '));
  return out.join('\n');
}
