/**
 * Standard output that goes away. A reader that closed the pipe (`fitkit dump x.fit | head -1`)
 * ends the command quietly with exit 0, as Unix tools do. A write that fails (stdout closed with
 * `>&-`, a full disk, `> /dev/full`) is one line on stderr and exit 1: output was lost.
 * Installed once by bin/run.js, before any command runs.
 */
import { fstatSync, readFileSync, statSync } from 'node:fs';

function failed(e: NodeJS.ErrnoException): never {
  if (e.code === 'EPIPE') process.exit(0);
  process.stderr.write(`fitkit: cannot write to standard output: ${e.code ?? e.message}${e.code === 'EBADF' ? ' (it is closed)' : ''}\n`);
  process.exit(1);
}

export function guardStdout(): void {
  const out = process.stdout;
  out.on('error', failed);
  if (closedAtStart()) {
    // Empty writes (oclif's flush at exit) lose nothing.
    (out as unknown as { _write: (c: Uint8Array, e: unknown, cb: (err?: Error) => void) => void })._write = (c, _e, cb) =>
      cb(c.length === 0 ? undefined : Object.assign(new Error('standard output is closed'), { code: 'EBADF' }));
  }
}

/**
 * Node reopens a closed fd 1 (`>&-`) on /dev/null, read-write, so output would vanish without an
 * error. A shell's `> /dev/null` opens it write-only: that one is left alone. So is a process
 * whose standard input is /dev/null too: a service manager or a parent that asked for no
 * standard streams (systemd's StandardOutput=null, spawn's 'ignore') opens them the same way,
 * and wants the output gone. (Linux only.)
 */
function closedAtStart(): boolean {
  try {
    const nul = statSync('/dev/null').rdev;
    const isNull = (fd: number) => {
      const st = fstatSync(fd);
      return st.isCharacterDevice() && st.rdev === nul;
    };
    if (!isNull(1) || isNull(0)) return false;
    const flags = /^flags:\s*([0-7]+)/m.exec(readFileSync('/proc/self/fdinfo/1', 'utf8'));
    return flags !== null && (Number.parseInt(flags[1], 8) & 3) === 2;
  } catch {
    return false;
  }
}

/** True for the errors guardStdout handles, when they surface as a thrown exception instead. */
export function isStdoutFailure(e: unknown): e is NodeJS.ErrnoException {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return (code === 'EPIPE' || code === 'EBADF' || code === 'ENOSPC') && (e as { syscall?: string }).syscall === 'write';
}

export { failed as stdoutFailed };
