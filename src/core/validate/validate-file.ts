/**
 * One file's validation: integrity (the decoder's findings and the headers), Garmin's activity
 * checklist exactly as FitCSVTool `-t` runs it, and sanity checks for the file's type.
 *
 * The verdict: a file fails when an integrity finding is an error (truncated, CRC, not FIT, …),
 * when Garmin's SDK would stop before its end (junk after the data: a warning, but a stop), or, for an activity (or a file that does not say what it is), when a REQUIRED check fails.
 * Other file types carry the checklist too, for comparison with FitCSVTool, but it does not
 * decide their verdict: a course is not supposed to pass "FileId Message Type Is Activity".
 */
import { ChecklistCollector, passesRequired, type CheckResult } from '../activity/checks/checklist.js';
import { SanityCollector } from '../activity/checks/file-sanity.js';
import { integrityDiagnostics } from '../activity/checks/integrity.js';
import type { Diagnostic, ErrorCode } from '../errors.js';
import type { Profile } from '../fit/profile/profile.js';
import { decodeForCheck, isDataSizeStop } from './decode-for-check.js';

export interface ValidateDiagnostic extends Diagnostic {
  /** Which part of validation found it. */
  source: 'integrity' | 'sanity';
}

export interface FileReport {
  file: string;
  size: number;
  /** file_id.type as a profile name; null without file_id (or for a file that could not be read). */
  fileType: string | null;
  /** Chained FIT files in it. */
  fitFiles: number;
  /** Messages read, as FitCSVTool's "Message Count" counts them. */
  messages: number;
  /**
   * Passed: no integrity error, read to the end as Garmin's SDK reads it, and (where the
   * checklist applies) every REQUIRED check passed.
   */
  ok: boolean;
  /**
   * False when Garmin's SDK would stop before the end (junk after the last file, a bad
   * architecture byte, any error): the finding may be only a warning, the file still fails.
   */
  readToEnd: boolean;
  /** FitCSVTool `-t`'s checks, in its order: `name` verbatim, `level`, `status`, `reasons`. */
  checklist: CheckResult[];
  /** True for activities and files without a file type: the checklist decides the verdict. */
  checklistApplies: boolean;
  /** No REQUIRED check FAILED. */
  passedRequired: boolean;
  diagnostics: ValidateDiagnostic[];
  /** The file could not be read at all (missing, unreadable, a folder …). */
  error?: { code: ErrorCode; message: string };
}

/** Validates a whole file held in memory. Never throws on bad input: that is what it reports. */
export function validateBytes(file: string, bytes: Uint8Array, profile: Profile): FileReport {
  return validateChunks(file, bytes.length, [bytes], profile);
}

/**
 * Validates a file of `size` bytes read as `chunks`, in one streaming pass: memory is bounded by
 * what the checks keep (summary messages, a few numbers per kind), whatever the file's size.
 */
export function validateChunks(file: string, size: number, chunks: Iterable<Uint8Array>, profile: Profile): FileReport {
  const checklist = new ChecklistCollector();
  const sanityCollector = new SanityCollector();
  const d = decodeForCheck(
    chunks,
    profile,
    (m) => {
      checklist.add(m);
      sanityCollector.add(m);
    },
    (pt) => {
      checklist.record(pt);
      sanityCollector.record(pt);
    },
  );
  const integrity = integrityDiagnostics({ size, headers: d.headers, diagnostics: d.diagnostics });
  const sanity = sanityCollector.finish(profile);
  const results = checklist.finish(d.stoppedAt !== undefined, profile);
  const diagnostics: ValidateDiagnostic[] = [...integrity.map((x) => ({ ...x, source: 'integrity' as const })), ...sanity.diagnostics.map((x) => ({ ...x, source: 'sanity' as const }))];
  if (d.dropped > 0 && d.stoppedAt && isDataSizeStop(d.stoppedAt)) {
    diagnostics.push({
      level: 'error',
      source: 'integrity',
      code: 'records_past_data_size',
      message: `${d.dropped} complete message(s) follow where the header's data size ends: FitCSVTool and Garmin's SDK read none of them (the checklist neither); fitkit repair salvages them`,
      offset: d.stoppedAt.offset,
    });
  } else if (d.dropped > 0 && d.stoppedAt) {
    diagnostics.push({
      level: 'info',
      source: 'integrity',
      code: 'checked_before_stop',
      message: `the checklist reads the ${d.messages} message(s) before byte ${d.stoppedAt.offset}, as FitCSVTool does (${d.dropped} after it are left out)`,
      offset: d.stoppedAt.offset,
    });
  }
  const applies = sanity.fileType === 'activity' || sanity.fileType === null;
  const passedRequired = passesRequired(results);
  const readToEnd = d.stoppedAt === undefined;
  const ok = readToEnd && !diagnostics.some((x) => x.level === 'error') && (!applies || passedRequired);
  return {
    file,
    size,
    fileType: sanity.fileType,
    fitFiles: d.headers.length,
    messages: d.messages,
    ok,
    readToEnd,
    checklist: results,
    checklistApplies: applies,
    passedRequired,
    diagnostics,
  };
}

/** The report for a file that could not be read. */
export function unreadableReport(file: string, code: ErrorCode, message: string): FileReport {
  return {
    file,
    size: 0,
    fileType: null,
    fitFiles: 0,
    messages: 0,
    ok: false,
    readToEnd: false,
    checklist: [],
    checklistApplies: false,
    passedRequired: false,
    diagnostics: [{ level: 'error', source: 'integrity', code, message, offset: 0 }],
    error: { code, message },
  };
}
