/**
 * Corpus suites read ../shared/corpus (CI has it). Without it they are skipped, and say so on
 * stderr, so a plain clone still runs every other test and shows what it did not run.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, it } from 'vitest';

export const CORPUS = process.env.FITKIT_CORPUS ?? resolve(import.meta.dirname, '../../../shared/corpus');
export const hasCorpus = existsSync(join(CORPUS, 'fit'));

/** `describe` when the corpus is present; otherwise a skipped suite and a line on stderr. */
export function describeCorpus(name: string, fn: () => void): void {
  if (hasCorpus) {
    describe(name, fn);
  } else {
    process.stderr.write(`corpus suite skipped (no corpus at ${CORPUS}): ${name}\n`);
    // The suite's body is not run: collecting its tests would read the corpus.
    describe.skip(name, () => it.skip('needs ../shared/corpus', () => {}));
  }
}

function walk(dir: string, ext: string): string[] {
  return readdirSync(dir)
    .flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? walk(p, ext) : p.toLowerCase().endsWith(ext) ? [p] : [];
    })
    .sort();
}

/** Every corpus FIT file, as paths relative to corpus/fit without the extension ('a/b'). */
export function corpusFitFiles(): string[] {
  if (!hasCorpus) return [];
  const root = join(CORPUS, 'fit');
  return walk(root, '.fit').map((p) => relative(root, p).replace(/\.fit$/i, ''));
}

export function corpusPath(...parts: string[]): string {
  return join(CORPUS, ...parts);
}
