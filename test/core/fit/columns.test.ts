/**
 * decodeFitColumns holds exactly what decodeFitObjects gives (dates raw, enums as numbers), on
 * generated files of every kind and the fixtures; plus the column shapes themselves.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATORS, activity, compressed, devfields, multiday } from '../../../bench/generate.js';
import { ColumnDecoder, decodeFitColumns, decodeFitColumnsStream, columnRows } from '../../../src/core/fit/decode/columns.js';
import { decodeFitObjects } from '../../../src/core/fit/decode/objects.js';
import { standardProfile } from '../../../src/core/fit/profile/profile.js';
import { BaseType } from '../../../src/core/fit/proto/base-types.js';
import { FIT_EPOCH_S } from '../../../src/core/fit/kit/time.js';
import { FitkitError } from '../../../src/core/errors.js';
import { FitBuilder, MesgNum } from '../../helpers/fit-builder.js';
import { expectColumnsEqualObjects, expectSameAsObjects } from '../../helpers/columns-same.js';

const profile = standardProfile();
const FIXTURES = join(import.meta.dirname, '../../../fixtures/fit');

describe('decodeFitColumns equals decodeFitObjects', () => {
  it('1 h activity', () => void expectSameAsObjects(activity(600, 1, 120).build(), profile));
  it('developer fields', () => {
    const cols = expectSameAsObjects(devfields(300, 3).build(), profile);
    const rec = cols.messages.get('record')!;
    expect(Object.keys(rec.developer).sort()).toEqual(['Air Power', 'Form Power', 'Leg Spring Stiffness']);
    expect(rec.developer['Form Power'].kind).toBe('number');
  });
  it('compressed timestamps', () => {
    const cols = expectSameAsObjects(compressed(300, 4).build(), profile);
    const ts = cols.messages.get('record')!.columns.timestamp;
    expect(ts.kind).toBe('time');
    // Every record has its time, whether stored or from the header, one second apart.
    const v = ts.kind === 'time' ? ts.values : new Float64Array();
    expect(v.length).toBe(300);
    for (let i = 1; i < v.length; i++) expect(v[i] - v[i - 1]).toBe(1000);
  });
  it('speed and enhanced_speed stored together', () => void expectSameAsObjects(multiday(200_000, 5).build(), profile));
  it('chained files', () => {
    const bytes = FitBuilder.chain(activity(100, 6).build(), devfields(100, 7).build(), compressed(100, 8).build());
    const cols = expectSameAsObjects(bytes, profile);
    expect(cols.messages.get('record')!.length).toBe(300);
  });
  it('a field first seen mid-file, past blocks of rows and growths', () => {
    const t0 = 1_000_000_000;
    const A = [
      { num: 253, size: 4, type: BaseType.uint32 },
      { num: 3, size: 1, type: BaseType.uint8 },
    ];
    const B = [...A, { num: 7, size: 2, type: BaseType.uint16 }];
    const b = new FitBuilder().define(0, MesgNum.record, A).define(1, MesgNum.record, B);
    for (let i = 0; i < 15_000; i++) {
      if (i >= 5000 && i < 10_000 && i % 3 !== 0) b.data(1, [t0 + i, i & 0x7f, i % 7 === 0 ? null : i]);
      else b.data(0, [t0 + i, i & 0x7f]);
    }
    const cols = expectSameAsObjects(b.build(), profile);
    const power = cols.messages.get('record')!.columns.power;
    expect(power.kind === 'number' && power.values.length).toBe(15_000);
    expect(power.kind === 'number' && [power.values[0], power.values[5002], power.values[14_999]]).toEqual([NaN, 5002, NaN]);
  });
  // The files the bench decodes (the 24 h one is #17's), all but the 100 MB one, as it builds them.
  for (const g of GENERATORS.filter((x) => !x.large)) {
    it(`bench file ${g.name}`, () => void expectSameAsObjects(g.build().build(), profile));
  }
  it('a header declaring no data: records read on to the CRC, each checked for it (no runs taken)', () => {
    const b = activity(300, 15, 100).build();
    b.fill(0, 4, 8); // data size 0
    const cols = expectSameAsObjects(b, profile);
    expect(cols.messages.get('record')!.length).toBe(300);
    expect(cols.diagnostics.map((d) => d.code)).toContain('data_size_zero');
  });
  it('a run of records ending in invalid timestamps: compressed times count from its last valid one', () => {
    const t0 = 1_000_000_000;
    const b = new FitBuilder()
      .define(0, MesgNum.record, [
        { num: 253, size: 4, type: BaseType.uint32 },
        { num: 3, size: 1, type: BaseType.uint8 },
      ])
      .define(1, MesgNum.record, [{ num: 3, size: 1, type: BaseType.uint8 }]);
    for (let i = 0; i < 10; i++) b.data(0, [i < 6 ? t0 + i : null, i]);
    // From the last valid time (t0 + 5) the offset rolls over to t0 + 35; from the run's first (t0) it would not.
    b.data(1, [99], { compressedTimeOffset: (t0 + 3) & 0x1f });
    const cols = expectSameAsObjects(b.build(), profile);
    const ts = cols.messages.get('record')!.columns.timestamp;
    expect(ts.kind === 'time' && ts.values[10]).toBe((t0 + 35 + FIT_EPOCH_S) * 1000);
  });
  it('runs of records cut at every chunk end, streamed', async () => {
    const b = activity(2000, 16, 500).build();
    for (const size of [26, 27, 1000, 65_536]) {
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < b.length; i += size) chunks.push(b.subarray(i, i + size));
      expectColumnsEqualObjects(await decodeFitColumnsStream(chunks, { profile }), decodeFitObjects(b, { profile, dates: 'raw', enums: false }).messages);
    }
  });
  for (const f of readdirSync(FIXTURES).filter((n) => n.endsWith('.fit'))) {
    it(`fixture ${f}`, () => void expectSameAsObjects(readFileSync(join(FIXTURES, f)), profile));
  }
  it('a field whose shape changes between records becomes a plain values column', () => {
    // unknown field 200 of record: one byte, then a 3-byte array, then a string.
    const b = new FitBuilder()
      .define(0, MesgNum.record, [
        { num: 253, size: 4, type: BaseType.uint32 },
        { num: 200, size: 1, type: BaseType.uint8 },
      ])
      .data(0, [1_000_000_000, 7])
      .define(0, MesgNum.record, [
        { num: 253, size: 4, type: BaseType.uint32 },
        { num: 200, size: 3, type: BaseType.uint8 },
      ])
      .data(0, [1_000_000_001, [1, 255, 3]])
      .define(0, MesgNum.record, [
        { num: 253, size: 4, type: BaseType.uint32 },
        { num: 200, size: 4, type: BaseType.string },
      ])
      .data(0, [1_000_000_002, 'ab'])
      .define(0, MesgNum.record, [
        { num: 253, size: 4, type: BaseType.uint32 },
        { num: 200, size: 1, type: BaseType.uint8 },
      ])
      .data(0, [1_000_000_003, 9]);
    const cols = expectSameAsObjects(b.build(), profile);
    const c = cols.messages.get('record')!.columns.unknown_200;
    expect(c).toEqual({ kind: 'values', values: [7, [1, null, 3], 'ab', 9] });
  });
});

describe('column shapes', () => {
  const bytes = activity(200, 11, 60).build();
  const cols = decodeFitColumns(bytes, { profile });
  const objs = decodeFitObjects(bytes, { profile, dates: 'date', enums: true }).messages;

  it('times are Unix ms; scaled numbers; enum names beside the numbers', () => {
    const rec = cols.messages.get('record')!;
    const first = objs.find((m) => m.name === 'record')!;
    const ts = rec.columns.timestamp;
    expect(ts.kind === 'time' && ts.values[0]).toBe((first.fields.timestamp as Date).getTime());
    const lat = rec.columns.position_lat;
    expect(lat.kind === 'number' && lat.values[0]).toBe(first.fields.position_lat);
    const ev = cols.messages.get('event')!.columns.event_type;
    const evObj = objs.find((m) => m.name === 'event')!;
    expect(ev.kind).toBe('number');
    if (ev.kind === 'number') expect(ev.names!.get(ev.values[0])).toBe(evObj.fields.event_type);
  });
  it('rows per type in file order; offsets restore the interleaving', () => {
    const all = [...cols.messages.values()].flatMap((m) => Array.from(m.offsets, (o) => [o, m.name] as const)).sort((a, b) => a[0] - b[0]);
    expect(all.map(([o, n]) => `${o} ${n}`)).toEqual(objs.map((m) => `${m.offset} ${m.name}`));
  });
  it('strings: one shared text with offsets', () => {
    const di = cols.messages.get('device_info')!.columns.product_name;
    expect(di.kind).toBe('string');
    if (di.kind === 'string') expect(di.text.slice(di.offsets[0], di.offsets[1])).toBe('Forerunner 945');
  });
  it('absent and invalid values are NaN (device_info.device_type is invalid in the first row)', () => {
    const p = cols.messages.get('device_info')!.columns.device_type;
    expect(p.kind === 'number' && Number.isNaN(p.values[0])).toBe(true);
    expect(p.kind === 'number' && p.values[1]).toBe(objs.filter((m) => m.name === 'device_info')[1].fields.device_type);
  });
  it('`messages` and `fields` keep only what is named', () => {
    const some = decodeFitColumns(bytes, { profile, messages: ['record', 'lap'], fields: ['timestamp', 'heart_rate', 'enhanced_speed'] });
    expect([...some.messages.keys()].sort()).toEqual(['lap', 'record']);
    const rec = some.messages.get('record')!;
    expect(Object.keys(rec.columns).sort()).toEqual(['enhanced_speed', 'heart_rate', 'timestamp']);
    const full = columnRows(cols.messages.get('record')!);
    const part = columnRows(rec);
    for (let i = 0; i < full.length; i++) {
      const { timestamp, heart_rate, enhanced_speed } = full[i].fields;
      expect(part[i].fields).toEqual(Object.fromEntries(Object.entries({ timestamp, heart_rate, enhanced_speed }).filter(([, v]) => v !== undefined)));
    }
  });
  it('streams in small chunks to the same columns', async () => {
    const b = devfields(200, 9).build();
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < b.length; i += 7) chunks.push(b.subarray(i, i + 7));
    const streamed = await decodeFitColumnsStream(chunks, { profile });
    expectColumnsEqualObjects(streamed, decodeFitObjects(b, { profile, dates: 'raw', enums: false }).messages);
    const d = new ColumnDecoder({ profile });
    for (const c of chunks) d.push(c);
    d.end();
    expect(d.result().messages.get('record')!.length).toBe(200);
  });
  it('streams chained files with compressed timestamps and developer fields, columns growing as rows come', async () => {
    // No counting pass when streamed: every table grows (doubling, then from the file's rate),
    // across three files whose headers reset the growth estimate.
    const b = FitBuilder.chain(activity(3000, 12, 600).build(), compressed(2000, 13).build(), devfields(1500, 14).build());
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < b.length; i += 4093) chunks.push(b.subarray(i, i + 4093));
    const streamed = await decodeFitColumnsStream(chunks, { profile });
    expectColumnsEqualObjects(streamed, decodeFitObjects(b, { profile, dates: 'raw', enums: false }).messages);
    expect(streamed.messages.get('record')!.length).toBe(6500);
    expect(Object.keys(streamed.messages.get('record')!.developer).length).toBeGreaterThan(0);
  });
  it('a truncated file keeps what was read, as the object decoder does', () => {
    const cut = bytes.subarray(0, Math.floor(bytes.length / 2));
    const r = expectSameAsObjects(cut, profile);
    expect(r.complete).toBe(false);
    expect(r.diagnostics.map((d) => d.code)).toContain('truncated');
  });
  it('device-relative times stay seconds', () => {
    const b = new FitBuilder()
      .define(0, MesgNum.record, [{ num: 253, size: 4, type: BaseType.uint32 }])
      .data(0, [1000])
      .data(0, [1_000_000_000]);
    const ts = decodeFitColumns(b.build(), { profile }).messages.get('record')!.columns.timestamp;
    expect(ts.kind === 'time' && Array.from(ts.values)).toEqual([1000, (1_000_000_000 + FIT_EPOCH_S) * 1000]);
  });
  it('a definition declaring many more fields than its records carry is refused, not allocated', () => {
    // 250 one-byte fields declared once, then 50 000 2-byte records of one field: 250 columns.
    const b = new FitBuilder().define(
      0,
      MesgNum.record,
      Array.from({ length: 250 }, (_, i) => ({ num: i, size: 1, type: BaseType.uint8 })),
    );
    b.data(0, new Array(250).fill(1));
    b.define(0, MesgNum.record, [{ num: 0, size: 1, type: BaseType.uint8 }]);
    for (let i = 0; i < 50_000; i++) b.data(0, [1]);
    expect(() => decodeFitColumns(b.build(), { profile })).toThrow(FitkitError);
  });
});
