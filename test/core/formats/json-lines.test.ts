/**
 * `fitkit dump --json`'s writer (JsonLinesEncoder) against the reference it replaces: the
 * Interpreter, messageToObject with ISO dates and enum names, JSON.stringify with jsonReplacer,
 * one line per message. Byte for byte, with the same diagnostics, on every corpus FIT file,
 * the fixtures, files built in code for the cases the corpus lacks, and mutated files; fed whole
 * and in odd-sized chunks, into output chunks small enough that lines cross them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { activity, compressed, devfields, multiday } from '../../../bench/generate.js';
import { decodeFit } from '../../../src/core/fit/decode/decoder.js';
import { jsonReplacer, messageToObject } from '../../../src/core/fit/decode/values.js';
import { standardProfile } from '../../../src/core/fit/profile/profile.js';
import { BaseType } from '../../../src/core/fit/proto/base-types.js';
import { JsonLinesEncoder } from '../../../src/core/formats/json-lines.js';
import { corpusFitFiles, corpusPath, describeCorpus, hasCorpus } from '../../helpers/corpus.js';
import { FitBuilder, MesgNum } from '../../helpers/fit-builder.js';
import { build, caseArb, seed, type Seed } from '../../helpers/fit-mutations.js';

const profile = standardProfile();
const FIXTURES = join(import.meta.dirname, '../../../fixtures/fit');
const fixtureFiles = readdirSync(FIXTURES).filter((n) => n.endsWith('.fit'));

interface Run {
  text: string;
  diagnostics: unknown[];
}

/** The reference: what `dump --json` printed before JsonLinesEncoder. */
function reference(bytes: Uint8Array, expandComponents = true): Run {
  const r = decodeFit(bytes, { profile, expandComponents });
  const text = r.messages.map((m) => JSON.stringify(messageToObject(m, { dates: 'iso', enums: true, profile }), jsonReplacer) + '\n').join('');
  return { text, diagnostics: r.diagnostics };
}

/** The encoder, fed `inChunk` bytes at a time, writing `outChunk`-byte chunks. */
function encoded(bytes: Uint8Array, inChunk = bytes.length || 1, outChunk?: number, expandComponents = true): Run {
  const parts: Uint8Array[] = [];
  const enc = new JsonLinesEncoder((b) => parts.push(b.slice()), { profile, expandComponents, chunkSize: outChunk });
  for (let at = 0; at < bytes.length; at += inChunk) {
    enc.push(bytes.subarray(at, at + inChunk));
    if (enc.stopped) break;
  }
  enc.end();
  return { text: Buffer.concat(parts).toString('utf8'), diagnostics: enc.diagnostics };
}

/** Line by line, so a difference names its message. */
function expectSame(got: Run, want: Run): void {
  const a = got.text.split('\n');
  const b = want.text.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) expect(`line ${i}: ${a[i]}`).toBe(`line ${i}: ${b[i]}`);
  expect(got.text).toBe(want.text);
  expect(got.diagnostics).toEqual(want.diagnostics);
}

function same(bytes: Uint8Array): void {
  const want = reference(bytes);
  expectSame(encoded(bytes), want);
  expectSame(encoded(bytes, 1021, 700), want);
  expectSame(encoded(bytes, 4093, undefined, false), reference(bytes, false));
}

describeCorpus('dump --json writer equals messageToObject + JSON.stringify: corpus', () => {
  const files = corpusFitFiles();
  it('finds the corpus', () => expect(files.length).toBeGreaterThan(100));
  for (const f of files) it(f, () => same(new Uint8Array(readFileSync(corpusPath('fit', `${f}.fit`)))));
});

describe('dump --json writer equals messageToObject + JSON.stringify', () => {
  for (const f of fixtureFiles) it(`fixture ${f}`, () => same(new Uint8Array(readFileSync(join(FIXTURES, f)))));
  it('1 h activity (laps, sessions, events), records written by plans', () => {
    const bytes = activity(3600, 1, 600).build();
    same(bytes);
    const enc = new JsonLinesEncoder(() => {}, { profile });
    enc.push(bytes);
    enc.end();
    expect(enc.counts.planned).toBeGreaterThan(3600);
    expect(enc.counts.interpreted).toBeLessThan(50);
  });
  it('developer fields', () => same(devfields(600, 3).build()));
  it('compressed timestamps', () => same(compressed(600, 4).build()));
  it('speed and enhanced_speed stored together, running dynamics', () => same(multiday(300_000, 5).build()));
  it('an empty input, and one that is not FIT', () => {
    same(new Uint8Array(0));
    same(new TextEncoder().encode('not a FIT file at all'));
  });

  it('compressed-timestamp records with a timestamp field stored too, valid and invalid', () => {
    const t0 = 1_000_000_000;
    const b = new FitBuilder()
      .define(0, MesgNum.record, [
        { num: 253, size: 4, type: BaseType.uint32 },
        { num: 3, size: 1, type: BaseType.uint8 },
      ])
      .data(0, [t0, 100]);
    b.data(0, [t0 + 5, 101], { compressedTimeOffset: 3 });
    b.data(0, [null, 102], { compressedTimeOffset: 4 });
    b.data(0, [null, null], { compressedTimeOffset: 31 });
    b.data(0, [t0 + 9, 103]);
    same(b.build());
  });

  it('device times, dates past 2038, enum values with and without names, signed and float fields', () => {
    const b = new FitBuilder()
      .define(0, MesgNum.event, [
        { num: 253, size: 4, type: BaseType.uint32 },
        { num: 0, size: 1, type: BaseType.enum },
        { num: 1, size: 1, type: BaseType.enum },
        { num: 3, size: 4, type: BaseType.uint32 },
      ])
      .define(1, MesgNum.record, [
        { num: 253, size: 4, type: BaseType.uint32 },
        { num: 0, size: 4, type: BaseType.sint32 },
        { num: 2, size: 2, type: BaseType.uint16 },
        { num: 13, size: 1, type: BaseType.sint8 },
        { num: 5, size: 4, type: BaseType.uint32 },
      ]);
    for (const [i, t] of [1000, 0x0fffffff, 0x10000000, 1_000_000_000, 0xfffffffe].entries()) {
      b.data(0, [t, i * 3, i === 2 ? 200 : i, i * 1_000_000]);
      b.data(1, [t, -i * 123_456_789, i * 9_999, -i * 20, i * 4_294_967]);
    }
    // Stored as other types than the profile's: float for sint32, uint32 for an enum (wider).
    b.define(2, MesgNum.record, [
      { num: 253, size: 4, type: BaseType.uint32 },
      { num: 0, size: 4, type: BaseType.float32 },
      { num: 2, size: 8, type: BaseType.float64 },
    ]);
    b.data(2, [1_000_000_001, 1.5, 1234.5678]);
    b.data(2, [1_000_000_002, Number.POSITIVE_INFINITY, -0]);
    b.define(3, MesgNum.event, [
      { num: 0, size: 4, type: BaseType.uint32 },
      { num: 253, size: 8, type: BaseType.float64 },
    ]);
    b.data(3, [0, 1_000_000_003.25]);
    b.data(3, [4, 1e15]);
    same(b.build());
  });

  it('developer fields with scale and offset, named like array indexes or twice, and big-endian records', () => {
    const b = new FitBuilder();
    b.define(0, MesgNum.developerDataId, [
      { num: 1, size: 16, type: BaseType.byte },
      { num: 3, size: 1, type: BaseType.uint8 },
    ]);
    b.data(0, [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], 0]);
    b.define(0, MesgNum.fieldDescription, [
      { num: 0, size: 1, type: BaseType.uint8 }, // developer_data_index
      { num: 1, size: 1, type: BaseType.uint8 }, // field_definition_number
      { num: 2, size: 1, type: BaseType.uint8 }, // fit_base_type_id
      { num: 3, size: 16, type: BaseType.string }, // field_name
      { num: 6, size: 1, type: BaseType.uint8 }, // scale
      { num: 7, size: 1, type: BaseType.sint8 }, // offset
    ]);
    const described: [number, number, string, number | null, number | null][] = [
      [0, BaseType.uint16, '7', 10, null],
      [1, BaseType.uint16, 'Power', null, null],
      [2, BaseType.sint8, 'Power', 3, -5],
      [3, BaseType.float32, 'Über "quoted"', null, null],
      [4, BaseType.uint32, 'Cadence', 100, 2],
    ];
    for (const [num, type, name, scale, offset] of described) b.data(0, [0, num, type & 0x1f, name, scale, offset]);
    b.define(0, MesgNum.record, [{ num: 253, size: 4, type: BaseType.uint32 }], {
      devFields: [
        { num: 3, size: 4, devIndex: 0, type: BaseType.float32 },
        { num: 4, size: 4, devIndex: 0, type: BaseType.uint32 },
      ],
    });
    b.define(1, MesgNum.record, [{ num: 253, size: 4, type: BaseType.uint32 }], {
      bigEndian: true,
      devFields: [
        { num: 0, size: 2, devIndex: 0, type: BaseType.uint16 },
        { num: 1, size: 2, devIndex: 0, type: BaseType.uint16 },
        { num: 2, size: 1, devIndex: 0, type: BaseType.sint8 },
      ],
    });
    for (let i = 0; i < 5; i++) {
      b.data(0, [1_000_000_000 + i], { dev: [i === 2 ? null : i * 1.25, i === 1 ? null : i * 12_345] });
      b.data(1, [1_000_000_000 + i], { dev: [i * 7, i === 3 ? null : i, i - 2] });
    }
    same(b.build());
  });
});

const RUNS = Number(process.env.FITKIT_FUZZ_RUNS ?? 200);
const FUZZ_SEEDS = ['python-fitparse/compressed-speed-distance', 'python-fitparse/DeveloperData', 'crafted/invalid-values-by-type', 'coursepointer/cptr002', 'garmin-fit-js-sdk/HrmPluginTestActivity'];

describe('dump --json writer equals messageToObject + JSON.stringify: mutated files', () => {
  it(`${RUNS} mutated files`, () => {
    const seeds: Seed[] = [seed('built:activity', activity(120, 9, 60).build()), seed('built:devfields', devfields(60, 8).build()), seed('built:multiday', multiday(20_000, 7).build())];
    if (hasCorpus) for (const n of FUZZ_SEEDS) seeds.push(seed(n, new Uint8Array(readFileSync(corpusPath('fit', `${n}.fit`)))));
    else for (const f of fixtureFiles) seeds.push(seed(f, new Uint8Array(readFileSync(join(FIXTURES, f)))));
    fc.assert(
      fc.property(caseArb(seeds.length), (c) => {
        const bytes = build(c, seeds).subarray(0, 64 * 1024);
        const want = reference(bytes);
        expectSame(encoded(bytes), want);
        expectSame(encoded(bytes, 333, 300), want);
      }),
      { numRuns: RUNS, seed: 17 },
    );
  });
});
