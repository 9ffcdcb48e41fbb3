/**
 * Stable device paths for ANT-FS files. Directory indices are not identities — watches renumber
 * files after downloads (antpm, docs/ant-fs.md) — so a path is built from what
 * identifies the file: FIT type, date (UTC, so DST never renames anything) and file number:
 *
 *   ANT-FS/<TypeFolder>/<YYYY-MM-DDTHH-MM-SSZ>_<type>_<number>.fit
 *   ANT-FS/<TypeFolder>/sys<seconds>_<type>_<number>.fit      (a "system time" date, §2.5)
 *
 * Two entries that would share a path (same type, number and second) keep it in index order,
 * the later ones with `_<n>` added. The same file gets the same path on every run as long as
 * the watch keeps its date.
 */
import { dateFromFitTime } from '../fit/kit/time.js';
import { hasCalendarDate, type DirectoryEntry } from './directory.js';

/** Folder per FIT file type (file_id.type, the ANT-FS FIT sub type). */
const FOLDERS: Readonly<Record<number, string>> = {
  1: 'Device',
  2: 'Settings',
  3: 'Sports',
  4: 'Activities',
  5: 'Workouts',
  6: 'Courses',
  7: 'Schedules',
  8: 'Locations',
  9: 'Weight',
  10: 'Totals',
  11: 'Goals',
  14: 'BloodPressure',
  15: 'Monitor',
  20: 'ActivitySummary',
  28: 'MonitorDaily',
  32: 'Monitor',
  34: 'Segments',
  35: 'SegmentList',
};

export function typeFolder(subType: number): string {
  return FOLDERS[subType] ?? `Type${subType}`;
}

export function entryStamp(e: DirectoryEntry): string {
  if (!hasCalendarDate(e)) return `sys${e.date}`;
  return dateFromFitTime(e.date)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/:/g, '-');
}

/** Paths for FIT entries, in the order given; unique within the list. */
export function entryPaths(entries: DirectoryEntry[]): string[] {
  const seen = new Map<string, number>();
  const byIndex = entries.map((e, i) => ({ e, i })).sort((a, b) => a.e.index - b.e.index);
  const out = new Array<string>(entries.length);
  for (const { e, i } of byIndex) {
    const base = `ANT-FS/${typeFolder(e.subType)}/${entryStamp(e)}_${e.subType}_${e.number}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    out[i] = n === 1 ? `${base}.fit` : `${base}_${n}.fit`;
  }
  return out;
}
