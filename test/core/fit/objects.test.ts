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
  const slow = decodeFit(bytes, { profile }).messages.map((m) => JSON.stringify(messageToObject(m, { dates, enums: true, profile }), jsonReplacer));
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
      .define(0, MesgNum.record, [
        { num: 253, size: 4, type: BaseType.uint32 },
        { num: 5, size: 4, type: BaseType.uint32 },
      ])
      .define(1, MesgNum.record, [
        { num: 253, size: 4, type: BaseType.uint32 },
        { num: 8, size: 3, type: BaseType.byte },
      ]);
    // 12-bit speed (1/100 m/s) then a 12-bit rolling distance counter (1/16 m).
    const csd = (speed: number, metres: number) => {
      const d = (metres * 16) & 0xfff;
      return [speed & 0xff, (speed >> 8) | ((d & 0x0f) << 4), d >> 4];
    };
    b.data(0, [t0, 100_000])
      .data(1, [t0 + 1, csd(300, 1010)])
      .data(0, [t0 + 2, 250_000])
      .data(1, [t0 + 3, csd(300, 2510)]);
    const bytes = b.build();
    same(bytes);
    const dist = decodeFitObjects(bytes, { profile }).messages.map((m) => m.fields.distance);
    expect(dist).toEqual([1000, 1010, 2500, 2510]);
  });
  it('`only` gives the full decode with the other fields of the named messages left out', () => {
    const files = [activity(300, 2).build(), devfields(200, 5).build(), compressed(200, 6).build(), multiday(100_000, 7).build()];
    for (const f of readdirSync(join(import.meta.dirname, '../../../fixtures/fit')).filter((n) => n.endsWith('.fit'))) {
      files.push(readFileSync(join(import.meta.dirname, '../../../fixtures/fit', f)));
    }
    // enhanced_altitude without altitude: the expansion still needs the field it comes from.
    const keep = ['timestamp', 'position_lat', 'enhanced_altitude', 'Air Power', 'heart_rate'];
    let records = 0;
    let devKept = 0;
    for (const bytes of files) {
      const full = decodeFitObjects(bytes, { profile }).messages;
      const some = decodeFitObjects(bytes, { profile, only: { record: keep } }).messages;
      expect(some.length).toBe(full.length);
      for (let i = 0; i < full.length; i++) {
        const want = structuredClone(full[i]);
        if (want.name === 'record') {
          records++;
          for (const k of Object.keys(want.fields)) if (!keep.includes(k)) delete want.fields[k];
          for (const k of Object.keys(want.developer ?? {})) if (!keep.includes(k)) delete want.developer![k];
          if (want.developer && Object.keys(want.developer).length === 0) delete want.developer;
        }
        expect(JSON.stringify(some[i], jsonReplacer)).toBe(JSON.stringify(want, jsonReplacer));
        if (some[i].developer?.['Air Power'] !== undefined) devKept++;
      }
    }
    expect(records).toBeGreaterThan(1000);
    expect(devKept).toBeGreaterThan(100);
  });
  it('crc: false skips the CRC checks and nothing else', () => {
    const bytes = activity(120, 3).build();
    const bad = bytes.slice();
    bad[bad.length - 1] ^= 0xff; // file CRC
    bad[12] ^= 0xff; // header CRC
    const checked = decodeFitObjects(bad, { profile });
    expect(checked.diagnostics.map((d) => d.code)).toEqual(['header_crc_mismatch', 'crc_mismatch']);
    const unchecked = decodeFitObjects(bad, { profile, crc: false });
    expect(unchecked.diagnostics).toEqual([]);
    expect(unchecked.complete).toBe(true);
    expect(JSON.stringify(unchecked.messages, jsonReplacer)).toBe(JSON.stringify(decodeFitObjects(bytes, { profile }).messages, jsonReplacer));
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
