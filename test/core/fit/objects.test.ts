/**
 * decodeFitObjects (compiled readers) must give exactly what the Interpreter plus
 * messageToObject gives, on every kind of file: the fast path is an optimisation, not a dialect.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { activity, compressed, devfields, multiday } from '../../../bench/generate.js';
import { decodeFit } from '../../../src/core/fit/decode/decoder.js';
import { decodeFitObjects, decodeFitObjectsStream } from '../../../src/core/fit/decode/objects.js';
import { jsonReplacer, messageToObject, type ValueOptions } from '../../../src/core/fit/decode/values.js';
import { standardProfile } from '../../../src/core/fit/profile/profile.js';
import { corpusFitFiles, corpusPath, describeCorpus } from '../../helpers/corpus.js';

const profile = standardProfile();

function same(bytes: Uint8Array, dates: ValueOptions['dates'] = 'date'): void {
  const fast = decodeFitObjects(bytes, { profile, dates }).messages.map((m) => JSON.stringify(m, jsonReplacer));
  const slow = decodeFit(bytes, { profile })
    .messages.map((m) => JSON.stringify(messageToObject(m, { dates, enums: true, profile }), jsonReplacer));
  expect(fast.length).toBe(slow.length);
  for (let i = 0; i < fast.length; i++) if (fast[i] !== slow[i]) expect(`message ${i}: ${fast[i]}`).toBe(`message ${i}: ${slow[i]}`);
}

describe('decodeFitObjects equals Interpreter + messageToObject', () => {
  it('1 h activity', () => same(activity(600, 1, 120).build()));
  it('ISO and raw dates', () => {
    same(activity(100, 7).build(), 'iso');
    same(activity(100, 7).build(), 'raw');
  });
  it('developer fields', () => same(devfields(300, 3).build()));
  it('compressed timestamps', () => same(compressed(300, 4).build()));
  it('speed and enhanced_speed stored together', () => same(multiday(200_000, 5).build()));
  for (const f of readdirSync(join(import.meta.dirname, '../../../fixtures/fit')).filter((n) => n.endsWith('.fit'))) {
    it(`fixture ${f}`, () => same(readFileSync(join(import.meta.dirname, '../../../fixtures/fit', f))));
  }
  it('streams in small chunks to the same objects', async () => {
    const bytes = devfields(200, 9).build();
    const whole = decodeFitObjects(bytes, { profile }).messages.map((m) => JSON.stringify(m, jsonReplacer));
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += 7) chunks.push(bytes.subarray(i, i + 7));
    const streamed: string[] = [];
    await decodeFitObjectsStream(chunks, (m) => streamed.push(JSON.stringify(m, jsonReplacer)), { profile });
    expect(streamed).toEqual(whole);
  });
});

describeCorpus('decodeFitObjects over the corpus', () => {
  for (const rel of corpusFitFiles()) it(rel, () => same(readFileSync(corpusPath('fit', rel + '.fit'))));
});
