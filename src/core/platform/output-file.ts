/**
 * Where an output the user names goes, without damaging what is there. `-` is standard output.
 * A path that does not exist, or a regular file, is replaced atomically (AtomicFile: temporary
 * file beside it, renamed over it), keeping the old file's permissions. Anything else that can
 * be written (a character device such as /dev/null, a FIFO, /dev/stdout) is written in place:
 * renaming over it would put a regular file where the device was. Symbolic links are followed
 * to what they point at (the link stays); links into /proc (/dev/stdout, /dev/fd/N) are written
 * through, never resolved to the file behind the descriptor, and this process's own standard
 * output (/dev/stdout, /dev/fd/1) is standard output itself: reopening it fails on a socket and
 * would truncate a file opened for appending. A folder is an error.
 */
import { constants, lstatSync, open, readlinkSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { FitkitError } from '../errors.js';
import { AtomicFile } from './atomic-file.js';
import { fromSystemError } from './system-error.js';

export type OutputTarget =
  | { kind: 'stdout' }
  /** Renamed over (or created): `path` is where the link chain ends, `existing` what is there now. */
  | { kind: 'replace'; path: string; existing?: { mode: number; uid: number; gid: number } }
  | { kind: 'in-place'; path: string };

const MAX_LINKS = 40;
/** fs.open as a promise (not util.promisify: node:util's ES module costs ~0.7 ms at start). */
const openFd = (path: string, flags: number) => new Promise<number>((res, rej) => open(path, flags, (e, fd) => (e ? rej(e) : res(fd))));

function isProc(dir: string): boolean {
  return dir === '/proc' || dir.startsWith('/proc/');
}

/** What writing `path` means (see the module comment); throws a one-line FitkitError for a folder or a path that cannot be reached. */
export function outputTarget(path: string): OutputTarget {
  if (path === '-') return { kind: 'stdout' };
  try {
    let p = resolve(path);
    for (let hop = 0; hop <= MAX_LINKS; hop++) {
      const dir = realpathSync(dirname(p));
      if (dir === `/proc/${process.pid}/fd` && basename(p) === '1') return { kind: 'stdout' };
      if (isProc(dir)) return { kind: 'in-place', path };
      const at = join(dir, basename(p));
      let st;
      try {
        st = lstatSync(at);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'replace', path: at };
        throw e;
      }
      if (st.isSymbolicLink()) p = resolve(dir, readlinkSync(at));
      else if (st.isFile()) return { kind: 'replace', path: at, existing: { mode: st.mode, uid: st.uid, gid: st.gid } };
      else if (st.isDirectory()) throw new FitkitError('is_directory', 'is a directory', { file: path });
      else return { kind: 'in-place', path };
    }
    throw new FitkitError('symlink_loop', 'too many levels of symbolic links', { file: path });
  } catch (e) {
    throw fromSystemError(e, path, 'output');
  }
}

/**
 * Opens an output (not `-`: the caller writes standard output itself). Asynchronous because
 * opening a FIFO waits for its reader, and signals must still be answered meanwhile.
 */
export async function openOutput(path: string): Promise<AtomicFile> {
  const t = outputTarget(path);
  if (t.kind === 'stdout') throw new Error("openOutput: standard output is the caller's to write (isStdout)");
  try {
    if (t.kind === 'in-place') {
      const fd = await openFd(t.path, constants.O_WRONLY | constants.O_TRUNC | constants.O_NOCTTY);
      return new AtomicFile(path, { fd });
    }
    return new AtomicFile(t.path, t.existing ?? {});
  } catch (e) {
    throw fromSystemError(e, path, 'output');
  }
}

/** True when `path` is `-` or this process's standard output by another name (/dev/stdout). */
export function isStdout(path: string): boolean {
  return outputTarget(path).kind === 'stdout';
}

/** What an output holds: the bytes, or a function that hands them over in pieces. */
export type OutputData = Uint8Array | ((write: (chunk: Uint8Array) => void) => void);

/** Writes a whole output: standard output for `-` (or /dev/stdout), else as openOutput() does. */
export async function writeOutput(path: string, data: OutputData): Promise<void> {
  const fill = typeof data === 'function' ? data : (write: (chunk: Uint8Array) => void) => write(data);
  if (isStdout(path)) {
    fill((chunk) => process.stdout.write(chunk));
    await new Promise<void>((res, rej) => process.stdout.write(new Uint8Array(0), (e) => (e ? rej(e) : res())));
    return;
  }
  const out = await openOutput(path);
  try {
    fill((chunk) => out.write(chunk));
    out.commit();
  } catch (e) {
    out.abort();
    throw fromSystemError(e, path, 'output');
  }
}

/** Refuses an output that is the input file itself (by device and inode: links and other spellings too). */
export function refuseInputAsOutput(input: string, output: string): void {
  if (input === '-' || output === '-') return;
  let a, b;
  try {
    a = statSync(input);
    b = statSync(output);
  } catch {
    return; // no output yet: it cannot be the input
  }
  if (a.isFile() && a.dev === b.dev && a.ino === b.ino) {
    throw new FitkitError('output_is_input', 'is the input too: give another output (inputs are never overwritten)', { file: output, exitCode: 2 });
  }
}
