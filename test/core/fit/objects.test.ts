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
import { FitBuilder, MesgNum } from '../../helpers/fit-builder.js';
import { BaseType } from '../../../src/core/fit/proto/base-types.js';

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
  it('distance read by a compiled reader seeds what compressed_speed_distance accumulates', () => {
    // record.distance (compiled reader) then compressed_speed_distance (Interpreter), twice over.
    const t0 = 1_000_000_000;
    const b = new FitBuilder()
      .define(0, MesgNum.record, [{ num: 253, size: 4, type: BaseType.uint32 }, { num: 5, size: 4, type: BaseType.uint32 }])
      .define(1, MesgNum.record, [{ num: 253, size: 4, type: BaseType.uint32 }, { num: 8, size: 3, type: BaseType.byte }]);
    // 12-bit speed (1/100 m/s) then a 12-bit rolling distance counter (1/16 m).
    const csd = (speed: number, metres: number) => {
      const d = (metres * 16) & 0xfff;
      return [speed & 0xff, (speed >> 8) | ((d & 0x0f) << 4), d >> 4];
    };
    b.data(0, [t0, 100_000]).data(1, [t0 + 1, csd(300, 1010)]).data(0, [t0 + 2, 250_000]).data(1, [t0 + 3, csd(300, 2510)]);
    const bytes = b.build();
    same(bytes);
    const dist = decodeFitObjects(bytes, { profile }).messages.map((m) => m.fields.distance);
    expect(dist).toEqual([1000, 1010, 2500, 2510]);
  });
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
