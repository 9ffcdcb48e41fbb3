/**
 * Validates the FIT files inside an archive (platform/archive.ts): one report per member, named
 * by its place (`export.zip/activities/1.fit`); a member that cannot be read gets an unreadable
 * report, as a file would. Members are validated on the calling thread, one at a time.
 */
import { FitkitError } from '../errors.js';
import type { Profile } from '../fit/profile/profile.js';
import { readArchive } from '../platform/archive.js';
import { unreadableReport, validateBytes, type FileReport } from './validate-file.js';

export async function validateArchive(path: string, profile: Profile): Promise<FileReport[]> {
  const reports: FileReport[] = [];
  try {
    for await (const item of readArchive(path)) {
      reports.push(item.kind === 'member' ? validateBytes(item.path, item.bytes, profile) : unreadableReport(item.path, item.error.code, item.error.message));
    }
  } catch (e) {
    const err = e instanceof FitkitError ? e : new FitkitError('archive_corrupt', (e as Error).message);
    reports.push(unreadableReport(path, err.code, err.message));
  }
  if (reports.length === 0) reports.push(unreadableReport(path, 'no_files', 'holds no FIT file'));
  return reports;
}
