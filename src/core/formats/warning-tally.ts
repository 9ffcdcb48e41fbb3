/**
 * Warnings counted by kind: a file with 10,000 bad heart rates gives one line, naming the first
 * place and how many more, not 10,000 lines.
 */
export class WarningTally {
  readonly #kinds = new Map<string, { line: number; text: string; count: number }>();

  /** One occurrence of `kind`; the first one's line and text are what the warning shows. */
  add(kind: string, line: number, text: string): void {
    const k = this.#kinds.get(kind);
    if (k) k.count++;
    else this.#kinds.set(kind, { line, text, count: 1 });
  }

  get size(): number {
    return this.#kinds.size;
  }

  /** `line N: text` per kind, with `(and K more)` when it happened again. */
  lines(): string[] {
    return [...this.#kinds.values()].map((k) => `line ${k.line}: ${k.text}${k.count > 1 ? ` (and ${k.count - 1} more)` : ''}`);
  }
}
