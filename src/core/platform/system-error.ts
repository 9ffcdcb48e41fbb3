/**
 * Node's system errors (`EISDIR`, `ENOENT`, `EACCES`, …) as the one line a person can read:
 * `fitkit: PATH: is a directory`. Every place a command opens, creates or lists a file the user
 * named passes what it catches through here, naming the path the user gave (not a temporary one).
 */
import { FitkitError, type ErrorCode } from '../errors.js';

/** What was being done with the path: an output's missing folder reads differently from a missing input. */
export type PathRole = 'input' | 'output' | 'folder';

const MESSAGES: Record<string, [code: ErrorCode, message: string]> = {
  ENOENT: ['not_found', 'no such file or directory'],
  EISDIR: ['is_directory', 'is a directory'],
  ENOTDIR: ['not_directory', 'not a directory (or a folder in the path is a file)'],
  EACCES: ['permission_denied', 'permission denied'],
  EPERM: ['permission_denied', 'operation not permitted'],
  EROFS: ['read_only', 'read-only file system'],
  ENOSPC: ['no_space', 'no space left on device'],
  EDQUOT: ['no_space', 'disk quota exceeded'],
  EFBIG: ['too_large', 'file too large'],
  EEXIST: ['exists', 'already exists'],
  ELOOP: ['symlink_loop', 'too many levels of symbolic links'],
  ENAMETOOLONG: ['name_too_long', 'file name too long'],
  EMFILE: ['too_many_open', 'too many open files'],
  ENFILE: ['too_many_open', 'too many open files'],
  EIO: ['io_error', 'input/output error'],
  ENXIO: ['no_device', 'no such device or address'],
  ENODEV: ['no_device', 'no such device'],
  ETXTBSY: ['busy', 'text file busy'],
  EBUSY: ['busy', 'device or resource busy'],
  EINVAL: ['invalid', 'invalid argument'],
  EPIPE: ['broken_pipe', 'broken pipe (the reader went away)'],
};

/** Node's errors from a system call carry `syscall` and a numeric `errno` (oclif's own `EEXIT` does not). */
export function isSystemError(e: unknown): e is NodeJS.ErrnoException & { code: string } {
  const x = e as NodeJS.ErrnoException;
  return e instanceof Error && typeof x.code === 'string' && typeof x.syscall === 'string' && typeof x.errno === 'number';
}

/**
 * The FitkitError for a system error about `file` (default: the path Node names), or `e`
 * unchanged when it is not one.
 */
export function fromSystemError(e: unknown, file?: string, role: PathRole = 'input'): unknown {
  if (!isSystemError(e)) return e;
  // Unlisted: Node's own words, "ECODE: what, syscall 'path'" → "what".
  const [code, message] = MESSAGES[e.code] ?? [
    'system_error' as const,
    e.message
      .replace(/^E[A-Z0-9]+: /, '')
      .split(',')[0]
      .trim() || e.code,
  ];
  if (e.code === 'ENOENT' && role === 'output') return new FitkitError('output_folder_missing', 'output folder does not exist', { file: file ?? e.path, cause: e });
  // mkdir -p over a file.
  if (e.code === 'EEXIST' && role === 'folder') return new FitkitError('not_directory', 'not a directory', { file: file ?? e.path, cause: e });
  return new FitkitError(code, message, { file: file ?? e.path, cause: e });
}

/** Runs `fn`, turning a system error about `file` into a FitkitError. */
export function withPath<T>(file: string, role: PathRole, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw fromSystemError(e, file, role);
  }
}
