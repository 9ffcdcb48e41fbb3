/**
 * The fast rows (fitcsv-fast.ts) against the general path (Interpreter + FitCsvWriter.data): the
 * same CSV rows for every file, the fast path switched off for the second run.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { Profile } from '../../../src/core/fit/profile/profile.js';
import { FitCsvWriter, createFitCsvDecoder, type FitCsvOptions } from '../../../src/core/formats/fitcsv.js';
import { activity, compressed, devfields, multiday } from '../../../bench/generate.js';
import { corpusFitFiles, corpusPath, describeCorpus } from '../../helpers/corpus.js';

const profile = Profile.standard();
type Options = FitCsvOptions & { expandComponents?: boolean };

function rows(bytes: Uint8Array, opts: Options, fast: boolean): { rows: string[]; taken: number } {
  const out: string[] = [];
  const spy = vi.spyOn(FitCsvWriter.prototype, 'fastRow');
  if (!fast) spy.mockReturnValue(undefined);
  try {
    const { decoder } = createFitCsvDecoder({ ...opts, profile }, (l) => out.push(l));
    decoder.push(bytes);
    decoder.end();
    return { rows: out, taken: spy.mock.results.filter((r) => r.value !== undefined).length };
  } finally {
    spy.mockRestore();
  }
}

function same(bytes: Uint8Array, opts: Options = {}): number {
  const fast = rows(bytes, opts, true);
  const general = rows(bytes, opts, false);
  expect(fast.rows.length).toBe(general.rows.length);
  for (let i = 0; i < fast.rows.length; i++) if (fast.rows[i] !== general.rows[i]) expect(`row ${i}: ${fast.rows[i]}`).toBe(`row ${i}: ${general.rows[i]}`);
  return fast.taken;
}

describe('fast CSV rows equal the general path', () => {
  const generated: [string, () => Uint8Array][] = [
    ['activity', () => activity(1800, 1).build()],
    ['devfields', () => devfields(600, 3).build()],
    ['compressed', () => compressed(600, 4).build()],
    ['multiday (every record field)', () => multiday(300_000, 5).build()],
  ];
  for (const [name, make] of generated) {
    it(`generated ${name}`, () => {
      const bytes = make();
      same(bytes);
      same(bytes, { hideUnknown: true });
      same(bytes, { expandComponents: false });
    });
  }

  it('the records of a generated activity take the fast path', () => {
    expect(same(activity(600, 2).build())).toBeGreaterThan(0);
  });

  const fixtures = join(import.meta.dirname, '../../../fixtures/fit');
  for (const name of readdirSync(fixtures).filter((n) => n.endsWith('.fit'))) {
    it(`fixture ${name}`, () => {
      const bytes = readFileSync(join(fixtures, name));
      same(bytes);
      same(bytes, { hideUnknown: true });
    });
  }
});

describeCorpus('fast CSV rows equal the general path (corpus files up to 400 kB)', () => {
  for (const rel of corpusFitFiles()) {
    const path = corpusPath('fit', rel + '.fit');
    if (statSync(path).size > 400_000) continue;
    it(rel, () => same(readFileSync(path)));
  }
});
