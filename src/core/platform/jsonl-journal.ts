/**
 * An append-only JSON-lines file that survives crashes: reading skips lines that do not parse
 * (a torn last append), and each append is one write() on an O_APPEND descriptor followed by
 * fsync, starting on a fresh line if the file ended mid-line. A symbolic link is never followed
 * (ELOOP): the journal is fitkit's own file.
 */
import { closeSync, constants, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';

const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

export class JsonlJournal {
  readonly file: string;
  #fd: number | undefined;
  #needsNewline = false;

  constructor(file: string) {
    this.file = file;
  }

  /** Every line that parses, in order; also counts the ones that do not. */
  read(): { values: unknown[]; skipped: number } {
    let text = '';
    if (existsSync(this.file)) {
      const fd = openSync(this.file, constants.O_RDONLY | NOFOLLOW);
      try {
        text = readFileSync(fd, 'utf8');
      } finally {
        closeSync(fd);
      }
    }
    this.#needsNewline = text.length > 0 && !text.endsWith('\n');
    const values: unknown[] = [];
    let skipped = 0;
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        values.push(JSON.parse(line));
      } catch {
        skipped++;
      }
    }
    return { values, skipped };
  }

  /** Appends values durably: one write, then fsync. */
  append(values: readonly unknown[]): void {
    if (values.length === 0) return;
    this.#fd ??= openSync(this.file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | NOFOLLOW, 0o644);
    let text = values.map((v) => JSON.stringify(v)).join('\n') + '\n';
    if (this.#needsNewline) text = '\n' + text;
    const buf = Buffer.from(text, 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(this.#fd, buf, off, buf.length - off);
    fsyncSync(this.#fd);
    this.#needsNewline = false;
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}
