/** Error and diagnostic kinds shared by every part of fitkit's core. */

export type Severity = 'error' | 'warning' | 'info';

/** A problem found while reading a file; decoding goes on where it can. */
export interface Diagnostic {
  level: Severity;
  /** Stable machine-readable kind, e.g. `crc_mismatch`, `truncated`. */
  code: string;
  message: string;
  /** Byte offset in the input where the problem was found. */
  offset: number;
}

export interface FitkitErrorOptions {
  file?: string;
  offset?: number;
  cause?: unknown;
  exitCode?: number;
}

/** An error with a stable code and, where known, the file and byte offset it concerns. */
export class FitkitError extends Error {
  readonly code: string;
  file?: string;
  readonly offset?: number;
  readonly exitCode: number;

  constructor(code: string, message: string, opts: FitkitErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'FitkitError';
    this.code = code;
    if (opts.file !== undefined) this.file = opts.file;
    if (opts.offset !== undefined) this.offset = opts.offset;
    this.exitCode = opts.exitCode ?? 1;
  }

  /** One line: `file: message (byte N)`. */
  oneLine(): string {
    const where = this.offset === undefined ? '' : ` (at byte ${this.offset})`;
    return `${this.file ? this.file + ': ' : ''}${this.message}${where}`;
  }
}

export function diagnosticToError(d: Diagnostic, file?: string): FitkitError {
  return new FitkitError(d.code, d.message, { file, offset: d.offset });
}
