/**
 * How a command that fails says so: one line on stderr (`fitkit: FILE: what is wrong`), and under
 * `--json` also one JSON object on stdout, `{"error": {"code", "message", "file", "offset"}}`.
 * Usage problems exit 2, everything else 1.
 */
import { Errors } from './oclif.js';
import { FitkitError } from '../core/errors.js';
import { fromSystemError } from '../core/platform/system-error.js';

export interface ErrorJson {
  error: { code: FitkitError['code']; message: string; file: string | null; offset: number | null };
}

/** Any error a command ends with, as a FitkitError: oclif's parse errors and `this.error()` are usage errors. */
export function asFitkitError(err: unknown, commandId?: string): FitkitError {
  if (err instanceof FitkitError) return err;
  // A file error no command turned into its own line still gets one (the path Node names).
  const system = fromSystemError(err);
  if (system instanceof FitkitError) return system;
  if (err instanceof Errors.CLIError) {
    const lines = err.message
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !/^See more help with/.test(l));
    const help = commandId ? `; see fitkit ${commandId} --help` : '';
    return new FitkitError('usage', lines.join(' ').replace(/:\s+/g, ': ') + help, { exitCode: err.oclif.exit === 1 ? 1 : 2 });
  }
  const e = err as Error | undefined;
  return new FitkitError('internal_error', e?.message ?? String(err), { cause: err });
}

export function errorJson(e: FitkitError): ErrorJson {
  return { error: { code: e.code, message: e.message, file: e.file ?? null, offset: e.offset ?? null } };
}

/** Writes the error where it belongs and returns the exit code. */
export function reportError(e: FitkitError, json: boolean): number {
  if (json) process.stdout.write(JSON.stringify(errorJson(e)) + '\n');
  process.stderr.write(`fitkit: ${e.oneLine()}\n`);
  if (e.code === 'internal_error' && process.env.DEBUG && e.cause instanceof Error) process.stderr.write(`${e.cause.stack}\n`);
  return e.exitCode;
}
