/**
 * Writes what installPlan() produced: each file atomically (a half-written rules file would
 * leave udev with a broken rule), skipping files that already hold the same text. Does not run
 * udevadm or systemctl: it returns the commands, so `--install` stays predictable and testable.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { FitkitError } from '../errors.js';
import { writeFileAtomic } from '../platform/atomic-file.js';
import { installPlan, type InstallOptions, type InstallPaths } from './install.js';

export interface WrittenFile {
  path: string;
  purpose: string;
  /** False when the file already had this content and was left alone. */
  changed: boolean;
}

export interface InstallResult {
  files: WrittenFile[];
  commands: string[];
}

function current(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export function installFiles(opts: InstallOptions & InstallPaths): InstallResult {
  const plan = installPlan(opts);
  const files: WrittenFile[] = [];
  for (const f of plan.files) {
    const dir = dirname(f.path);
    if (!existsSync(dir)) {
      throw new FitkitError('install_dir_missing', `${dir} does not exist: is ${f.kind} installed?`, { file: f.path });
    }
    if (current(f.path) === f.text) {
      files.push({ path: f.path, purpose: f.purpose, changed: false });
      continue;
    }
    try {
      writeFileAtomic(f.path, (out) => out.write(f.text));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const hint = code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? ': run it as root (sudo), or use --print' : '';
      throw new FitkitError('install_write_failed', `cannot write ${f.path} (${code ?? 'error'})${hint}`, { file: f.path, cause: e });
    }
    files.push({ path: f.path, purpose: f.purpose, changed: true });
  }
  return { files, commands: plan.commands };
}
