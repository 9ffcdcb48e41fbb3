/**
 * FitCSVTool's invalid-value rules (docs/fitcsv-invalid-values.md), one test per rule, on files
 * written here. The expected cells are what FitCSVTool 21.202 prints for the same bytes (the
 * crafted corpus files and their MANIFEST.tsv rows record it); the same validity holds for the
 * interpreted view (messageToObject), where an invalid value is absent or a null element.
 */
import { describe, expect, it } from 'vitest';
import { decodeFit } from '../../../src/core/fit/decode/decoder.js';
import { decodeFitObjects } from '../../../src/core/fit/decode/objects.js';
import { messageToObject } from '../../../src/core/fit/decode/values.js';
import { isoFromFitTime } from '../../../src/core/fit/kit/time.js';
import { standardProfile } from '../../../src/core/fit/profile/profile.js';
import { BaseType } from '../../../src/core/fit/proto/base-types.js';
import { FILE_ID_FIELDS, FitBuilder, MesgNum, type FieldDef, type Value } from '../../helpers/fit-builder.js';
import { renderCsv } from '../../helpers/render-csv.js';

const profile = standardProfile();
const T0 = 1_100_000_000;

/** A file_id, then `mesg` defined with `fields` and one record per row. */
function file(mesg: number, fields: FieldDef[], rows: Value[][]): Uint8Array {
  const b = new FitBuilder().define(0, MesgNum.fileId, FILE_ID_FIELDS).data(0, [4, 1, 3113, 3400000001, T0]);
  b.define(1, mesg, fields);
  for (const r of rows) b.data(1, r);
  return b.build();
}

/** The data rows after the file_id's, each as [field, value] pairs (values unquoted). */
function dataRows(bytes: Uint8Array): [string, string][][] {
  const { csv, diagnostics } = renderCsv(bytes, profile);
  expect(diagnostics.filter((d) => d.level === 'error')).toEqual([]);
  return csv
    .split('\n')
    .filter((l) => l.startsWith('Data,1,'))
    .map((l) => {
      const cells = l.match(/("[^"]*"|[^,]*),/g)!.map((c) => c.slice(0, -1));
      const out: [string, string][] = [];
      for (let i = 3; i + 1 < cells.length; i += 3) if (cells[i]) out.push([cells[i], cells[i + 1].replace(/^"|"$/g, '')]);
      return out;
    });
}

/** Interpreted values of the records after the file_id. */
function objects(bytes: Uint8Array) {
  return decodeFit(bytes, { profile })
    .messages.slice(1)
    .map((m) => messageToObject(m, { dates: 'raw' }).fields);
}

const TS: FieldDef = { num: 253, size: 4, type: BaseType.uint32 };

describe('FitCSVTool invalid-value rules', () => {
  it('each base type: its invalid value leaves the field out, the value next to it prints', () => {
    // record: activity_type enum, temperature sint8, cadence uint8, grade sint16, power uint16,
    // position_lat sint32, enhanced_speed uint32, grit float32; unknown 200-205 of the rest.
    const bytes = file(
      MesgNum.record,
      [
        TS,
        { num: 42, size: 1, type: BaseType.enum },
        { num: 13, size: 1, type: BaseType.sint8 },
        { num: 4, size: 1, type: BaseType.uint8 },
        { num: 9, size: 2, type: BaseType.sint16 },
        { num: 7, size: 2, type: BaseType.uint16 },
        { num: 0, size: 4, type: BaseType.sint32 },
        { num: 73, size: 4, type: BaseType.uint32 },
        { num: 114, size: 4, type: BaseType.float32 },
        { num: 200, size: 8, type: BaseType.float64 },
        { num: 201, size: 8, type: BaseType.uint64 },
        { num: 202, size: 8, type: BaseType.sint64 },
        { num: 203, size: 8, type: BaseType.uint64z },
        { num: 204, size: 1, type: BaseType.uint8z },
        { num: 205, size: 4, type: BaseType.uint32z },
      ],
      [
        [T0, null, null, null, null, null, null, null, null, null, null, null, null, null, null],
        [T0, 0xfe, -128, 0xfe, -0x8000, 0xfffe, -0x80000000, 0xfffffffe, 65504, 1e300, 2n ** 64n - 2n, -(2n ** 63n), 2n ** 64n - 1n, 0xff, 0xffffffff],
      ],
    );
    const [invalid, next] = dataRows(bytes);
    expect(invalid).toEqual([['timestamp', String(T0)]]);
    expect(next).toEqual([
      ['timestamp', String(T0)],
      ['activity_type', '254'],
      ['temperature', '-128'],
      ['cadence', '254'],
      ['grade', '-327.68'],
      ['power', '65534'],
      ['position_lat', '-2147483648'],
      ['enhanced_speed', '4294967.294'],
      ['grit', '65504.0'],
      ['unknown', '1.0E300'],
      ['unknown', '18446744073709551614'],
      ['unknown', '-9223372036854775808'],
      ['unknown', '18446744073709551615'],
      ['unknown', '255'],
      ['unknown', '4294967295'],
    ]);
    const [o1, o2] = objects(bytes);
    expect(Object.keys(o1)).toEqual(['timestamp']);
    expect(o2.unknown_201).toBe(2n ** 64n - 2n);
    expect(o2.unknown_202).toBe(-(2n ** 63n));
  });

  it('z types: 0 is invalid, all ones is a value', () => {
    // device_info: serial_number uint32z, ant_device_number uint16z, ant_transmission_type uint8z.
    const bytes = file(
      MesgNum.deviceInfo,
      [TS, { num: 3, size: 4, type: BaseType.uint32z }, { num: 21, size: 2, type: BaseType.uint16z }, { num: 20, size: 1, type: BaseType.uint8z }],
      [
        [T0, 0, 0, 0],
        [T0, 0xffffffff, 0xffff, 0xff],
      ],
    );
    const [zero, ones] = dataRows(bytes);
    expect(zero).toEqual([['timestamp', String(T0)]]);
    expect(ones.map(([k, v]) => `${k}=${v}`)).toEqual([`timestamp=${T0}`, 'serial_number=4294967295', 'ant_device_number=65535', 'ant_transmission_type=255']);
  });

  it('same size, other type: the profile type decides the value and its validity', () => {
    // file_id.serial_number (uint32z) stored as uint32; record position_lat (sint32) as uint32,
    // cadence (uint8) as sint8, calories (uint16) as sint16.
    const id = new FitBuilder()
      .define(0, MesgNum.fileId, [
        { num: 0, size: 1, type: BaseType.enum },
        { num: 3, size: 4, type: BaseType.uint32 },
      ])
      .data(0, [4, 0])
      .data(0, [4, 0xffffffff])
      .build();
    const csv = renderCsv(id, profile)
      .csv.split('\n')
      .filter((l) => l.startsWith('Data'));
    expect(csv[0]).not.toContain('serial_number');
    expect(csv[1]).toContain('serial_number,"4294967295"');

    const bytes = file(
      MesgNum.record,
      [TS, { num: 0, size: 4, type: BaseType.uint32 }, { num: 4, size: 1, type: BaseType.sint8 }, { num: 33, size: 2, type: BaseType.sint16 }],
      [
        [T0, 0xffffffff, 0x7f, 0x7fff],
        [T0, 0x7fffffff, -1, -1],
      ],
    );
    const [declaredInvalid, profileInvalid] = dataRows(bytes);
    expect(declaredInvalid).toEqual([
      ['timestamp', String(T0)],
      ['position_lat', '-1'],
      ['cadence', '127'],
      ['calories', '32767'],
    ]);
    expect(profileInvalid).toEqual([['timestamp', String(T0)]]);
    expect(objects(bytes)[0]).toEqual({ timestamp: T0, position_lat: -1, cadence: 127, calories: 32767 });
  });

  it('declared larger than the profile type: left out of every data row; smaller: read as declared', () => {
    // heart_rate (uint8) as uint16; power (uint16) as uint8; enhanced_speed (uint32) as uint16.
    const bytes = file(
      MesgNum.record,
      [TS, { num: 3, size: 2, type: BaseType.uint16 }, { num: 7, size: 1, type: BaseType.uint8 }, { num: 73, size: 2, type: BaseType.uint16 }],
      [
        [T0, 120, 200, 3000],
        [T0, 0xffff, 0xff, 0xffff],
      ],
    );
    const [valid, invalid] = dataRows(bytes);
    expect(valid).toEqual([
      ['timestamp', String(T0)],
      ['power', '200'],
      ['enhanced_speed', '3.0'],
    ]);
    expect(invalid).toEqual([['timestamp', String(T0)]]);
    // The interpreted view keeps the wider value (read as declared).
    expect(objects(bytes)[0]).toMatchObject({ heart_rate: 120, power: 200, enhanced_speed: 3 });
  });

  it('a field declared larger than its profile type expands into nothing in the CSV', () => {
    // speed (uint16) and altitude (uint16) as uint32, beside a stored enhanced_altitude.
    const bytes = file(
      MesgNum.record,
      [TS, { num: 6, size: 4, type: BaseType.uint32 }, { num: 2, size: 4, type: BaseType.uint32 }, { num: 78, size: 4, type: BaseType.uint32 }],
      [[T0, 3000, 3000, 13000]],
    );
    expect(dataRows(bytes)).toEqual([
      [
        ['timestamp', String(T0)],
        ['enhanced_altitude', '2100.0'],
      ],
    ]);
    expect(objects(bytes)[0]).toEqual({ timestamp: T0, speed: 3, altitude: 100, enhanced_altitude: 2100, enhanced_speed: 3 });
  });

  it('arrays: printed whole while one element is valid, invalid ones as their raw sentinel; all invalid: left out', () => {
    // hrv.time uint16[5], scale 1000.
    const bytes = file(78, [{ num: 0, size: 10, type: BaseType.uint16 }], [[[812, 0xffff, 0xffff, 0xffff, 0xffff]], [[0xffff, 500, 0xffff, 0, 0xfffe]], [[0xffff, 0xffff, 0xffff, 0xffff, 0xffff]]]);
    const [first, middle, none] = dataRows(bytes);
    expect(first).toEqual([['time', '0.812|65535|65535|65535|65535']]);
    expect(middle).toEqual([['time', '65535|0.5|65535|0.0|65.534']]);
    expect(none).toEqual([]);
    expect(objects(bytes).map((o) => o.time)).toEqual([[0.812, null, null, null, null], [null, 0.5, null, 0, 65.534], undefined]);
  });

  it('z arrays: 0 elements print as 0 beside a non-zero one; all 0: left out', () => {
    // bike_profile front_gear (39) uint8z[3].
    const bytes = file(
      6,
      [
        { num: 39, size: 3, type: BaseType.uint8z },
        { num: 254, size: 2, type: BaseType.uint16 },
      ],
      [
        [[50, 0, 34], 0],
        [[0, 0, 0], 1],
      ],
    );
    const [some, none] = dataRows(bytes);
    expect(some).toEqual([
      ['front_gear', '50|0|34'],
      ['message_index', '0'],
    ]);
    expect(none).toEqual([['message_index', '1']]);
  });

  it('strings: NUL only is left out; NULs inside split it ("|Trail"); an unterminated one prints whole', () => {
    // sport.name (3) string[8].
    const bytes = file(12, [{ num: 3, size: 8, type: BaseType.string }], [['\0\0\0\0\0\0\0\0'], ['\0Trail'], ['Road\0Run'], ['12345678']]);
    expect(dataRows(bytes)).toEqual([[], [['name', '|Trail']], [['name', 'Road|Run']], [['name', '12345678']]]);
    expect(objects(bytes).map((o) => o.name)).toEqual([undefined, ['', 'Trail'], ['Road', 'Run'], '12345678']);
  });

  it('enums: 0xFF is invalid, an unknown value prints as its number', () => {
    const bytes = file(
      MesgNum.event,
      [TS, { num: 0, size: 1, type: BaseType.enum }, { num: 1, size: 1, type: BaseType.enum }],
      [
        [T0, 0xff, 0xff],
        [T0, 200, 0],
      ],
    );
    const [invalid, unknown] = dataRows(bytes);
    expect(invalid).toEqual([['timestamp', String(T0)]]);
    expect(unknown).toEqual([
      ['timestamp', String(T0)],
      ['event', '200'],
      ['event_type', '0'],
    ]);
  });
});

describe('date_time stored in a type a Date cannot hold', () => {
  // time_created stored as float64 (FitCSVTool drops it: wider than uint32) and as uint64.
  const bytes = new FitBuilder()
    .define(0, MesgNum.fileId, [
      { num: 0, size: 1, type: BaseType.enum },
      { num: 4, size: 8, type: BaseType.float64 },
    ])
    .data(0, [4, 1e300])
    .data(0, [4, T0])
    .define(1, MesgNum.fileId, [
      { num: 0, size: 1, type: BaseType.enum },
      { num: 4, size: 8, type: BaseType.uint64 },
    ])
    .data(1, [4, 2n ** 64n - 2n])
    .data(1, [4, 2n ** 50n])
    .build();

  it('stays a number (or bigint) in every dates mode of messageToObject and decodeFitObjects', () => {
    for (const dates of ['iso', 'date'] as const) {
      const slow = decodeFit(bytes, { profile }).messages.map((m) => messageToObject(m, { dates }).fields.time_created);
      const fast = decodeFitObjects(bytes, { profile, dates }).messages.map((m) => m.fields.time_created);
      for (const got of [slow, fast]) {
        expect(got[0]).toBe(1e300);
        expect(got[1]).toEqual(dates === 'iso' ? '2024-11-08T11:33:20.000Z' : new Date('2024-11-08T11:33:20.000Z'));
        expect(got[2]).toBe(2n ** 64n - 2n);
        expect(got[3]).toBe(2 ** 50);
      }
    }
  });

  it('isoFromFitTime gives the number back instead of throwing', () => {
    expect(isoFromFitTime(1e300)).toBe('1e+300');
    expect(isoFromFitTime(NaN)).toBe('NaN');
    expect(isoFromFitTime(T0)).toBe('2024-11-08T11:33:20Z');
  });
});
