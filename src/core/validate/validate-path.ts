/** Reads and validates one file by path; what goes wrong reading it becomes its report. */
import { readFileSync } from 'node:fs';
import type { Profile } from '../fit/profile/profile.js';
import { unreadableReport, validateBytes, type FileReport } from './validate-file.js';

export function validatePath(path: string, profile: Profile): FileReport {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return unreadableReport(path, 'unreadable', `cannot read: ${err.code ?? err.message}`);
  }
  try {
    return validateBytes(path, bytes, profile);
  } catch (e) {
    // A bug of ours must not stop the batch: the file is reported, the rest goes on.
    return unreadableReport(path, 'internal_error', `validation failed: ${(e as Error).message}`);
  }
}
