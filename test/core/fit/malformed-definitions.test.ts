/**
 * Malformed definitions, generated: the compiled object readers (decodeFitObjects) and the
 * Interpreter + messageToObject must give one answer on each (and the dates view must never
 * throw), whatever a definition gets wrong: a size that is not a multiple of the base type, size
 * 0, a base type that does not exist, a type larger, smaller or of the same size as the profile's,
 * duplicate field numbers, developer fields without their description.
 */
import { describe, expect, it } from 'vitest';
import { decodeFit } from '../../../src/core/fit/decode/decoder.js';
import { decodeFitObjects } from '../../../src/core/fit/decode/objects.js';
import { jsonReplacer, messageToObject, type ValueOptions } from '../../../src/core/fit/decode/values.js';
import { standardProfile } from '../../../src/core/fit/profile/profile.js';
import { BaseType } from '../../../src/core/fit/proto/base-types.js';
import { declareDevFields, FILE_ID_FIELDS, FitBuilder, MesgNum, type FieldDef, type Value } from '../../helpers/fit-builder.js';

const profile = standardProfile();
const T0 = 1_100_000_000;
const TS: FieldDef = { num: 253, size: 4, type: BaseType.uint32 };

/** A file_id, then one definition of `fields` for `mesg` and a record per row of values. */
function file(mesg: number, fields: FieldDef[], rows: Value[][], setup?: (b: FitBuilder) => void): Uint8Array {
  const b = new FitBuilder().define(0, MesgNum.fileId, FILE_ID_FIELDS).data(0, [4, 1, 3113, 3400000001, T0]);
  setup?.(b);
  b.define(1, mesg, fields);
  for (const r of rows) b.data(1, r);
  return b.build();
}

const CASES: Record<string, () => Uint8Array> = {
  'size not a multiple of the type': () =>
    file(
      MesgNum.record,
      [TS, { num: 7, size: 3, type: BaseType.uint16 }, { num: 5, size: 6, type: BaseType.uint32 }, { num: 200, size: 5, type: BaseType.uint16 }],
      [
        [T0, [250, 0xff], [100_000, 0xffff], [1, 2]],
        [T0 + 1, [0xffff, 0xff], [0xffffffff, 0xffff], [0xffff, 0xffff]],
      ],
    ),
  'size 0': () => file(MesgNum.record, [TS, { num: 7, size: 0, type: BaseType.uint16 }, { num: 3, size: 1, type: BaseType.uint8 }], [[T0, 1, 140]]),
  'declared larger than the profile type': () =>
    file(
      MesgNum.record,
      [TS, { num: 3, size: 2, type: BaseType.uint16 }, { num: 6, size: 4, type: BaseType.uint32 }, { num: 4, size: 8, type: BaseType.uint64 }],
      [
        [T0, 300, 70_000, 90n],
        [T0 + 1, 0xffff, 0xffffffff, 0xffffffffffffffffn],
        [T0 + 2, 0xff, 0xffff, 0xffn],
      ],
    ),
  'declared smaller than the profile type': () =>
    file(
      MesgNum.record,
      [
        { num: 253, size: 2, type: BaseType.uint16 },
        { num: 7, size: 1, type: BaseType.uint8 },
        { num: 73, size: 2, type: BaseType.uint16 },
      ],
      [
        [0x1234, 200, 3000],
        [0xffff, 0xff, 0xffff],
        [0x10, 0xfe, 0xfffe],
      ],
    ),
  'declared another type of the same size': () =>
    file(
      MesgNum.record,
      [
        TS,
        { num: 0, size: 4, type: BaseType.uint32 },
        { num: 4, size: 1, type: BaseType.sint8 },
        { num: 33, size: 2, type: BaseType.sint16 },
        { num: 5, size: 4, type: BaseType.float32 },
        { num: 3, size: 1, type: BaseType.string },
        { num: 2, size: 2, type: BaseType.uint16z },
        { num: 13, size: 1, type: BaseType.enum },
      ],
      [
        [T0, 0xffffffff, 0x7f, 0x7fff, 1.5, 'A', 0, 20],
        [T0 + 1, 0x7fffffff, -1, -1, null, '\xe9', 0xffff, 0xff],
        [T0 + 2, 5, 90, 12, 0, '', 100, 0x7f],
      ],
    ),
  'z types declared plain, plain declared z': () =>
    file(
      MesgNum.deviceInfo,
      [TS, { num: 3, size: 4, type: BaseType.uint32 }, { num: 0, size: 1, type: BaseType.uint8z }, { num: 2, size: 2, type: BaseType.uint16z }],
      [
        [T0, 0, 0, 0],
        [T0, 0xffffffff, 0xff, 0xffff],
      ],
    ),
  'a string field declared as bytes': () =>
    // sport (12): name (3) is a string; sport (0) an enum.
    file(
      12,
      [
        { num: 3, size: 8, type: BaseType.byte },
        { num: 0, size: 1, type: BaseType.enum },
      ],
      [
        [[0x52, 0x75, 0x6e, 0, 0x58, 0, 0, 0], 1],
        [[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 1],
        [[0, 0, 0, 0, 0, 0, 0, 0], 1],
        [[0x63, 0x61, 0x66, 0xe9, 0, 0, 0, 0], 1],
      ],
    ),
  'date_time stored as 64-bit and float types': () =>
    file(
      MesgNum.record,
      [
        { num: 253, size: 8, type: BaseType.uint64 },
        { num: 5, size: 4, type: BaseType.uint32 },
      ],
      [
        [BigInt(T0), 1],
        [0xfffffffffffffffen, 2],
        [2n ** 53n + 1n, 3],
      ],
    ),
  'date_time stored as float64': () =>
    file(
      MesgNum.fileId,
      [
        { num: 4, size: 8, type: BaseType.float64 },
        { num: 0, size: 1, type: BaseType.enum },
      ],
      [
        [T0 + 0.5, 4],
        [1e300, 4],
        [-1e300, 4],
        [8.64e12, 4],
        [null, 4],
      ],
    ),
  'date_time stored as sint64': () =>
    file(
      MesgNum.event,
      [
        { num: 253, size: 8, type: BaseType.sint64 },
        { num: 0, size: 1, type: BaseType.enum },
      ],
      [
        [-(2n ** 63n), 0],
        [BigInt(T0), 0],
      ],
    ),
  'duplicate field numbers': () =>
    file(
      MesgNum.record,
      [
        TS,
        { num: 3, size: 1, type: BaseType.uint8 },
        { num: 6, size: 2, type: BaseType.uint16 },
        { num: 3, size: 1, type: BaseType.uint8 },
        { num: 6, size: 2, type: BaseType.uint16 },
        { num: 73, size: 4, type: BaseType.uint32 },
      ],
      [
        [T0, 120, 3000, 130, 3500, 4000],
        [T0 + 1, 120, 3000, 0xff, 0xffff, 0xffffffff],
        [T0 + 2, 0xff, 0xffff, 130, 3500, 4000],
      ],
    ),
  'duplicate fields that expand into the same field': () =>
    // speed (6) twice without enhanced_speed (73); altitude (2) twice beside enhanced_altitude (78).
    file(
      MesgNum.record,
      [
        TS,
        { num: 6, size: 2, type: BaseType.uint16 },
        { num: 6, size: 2, type: BaseType.uint16 },
        { num: 2, size: 2, type: BaseType.uint16 },
        { num: 78, size: 4, type: BaseType.uint32 },
        { num: 2, size: 2, type: BaseType.uint16 },
      ],
      [
        [T0, 3000, 3500, 2600, 0xffffffff, 2700],
        [T0 + 1, 0xffff, 3500, 0xffff, 13000, 0xffff],
        [T0 + 2, 3000, 0xffff, 2600, 13000, 0xffff],
      ],
    ),
  'developer fields without a description': () => {
    const b = new FitBuilder().define(0, MesgNum.fileId, FILE_ID_FIELDS).data(0, [4, 1, 3113, 3400000001, T0]);
    // No developer_data_id at all for index 1; index 0 has one, but field 9 has no description.
    const [power] = declareDevFields(b, 2, 0, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [{ num: 1, type: BaseType.uint16, name: 'Power' }]);
    b.define(1, MesgNum.record, [TS, { num: 3, size: 1, type: BaseType.uint8 }], {
      devFields: [power, { num: 9, size: 2, devIndex: 0 }, { num: 1, size: 2, devIndex: 1 }, { ...power, size: 4 }],
    });
    b.data(1, [T0, 100], { dev: [250, [1, 2], [3, 4], [1, 2, 3, 4]] });
    b.data(1, [T0 + 1, 101], { dev: [0xffff, [0xff, 0xff], [0, 0], [0xff, 0xff, 0xff, 0xff]] });
    return b.build();
  },
  'a base type that does not exist': () => file(MesgNum.record, [TS, { num: 3, size: 1, type: 0x1f }], [[T0, 100]]),
};

function both(bytes: Uint8Array, dates: ValueOptions['dates']): { fast: string[]; slow: string[] } {
  const fast = decodeFitObjects(bytes, { profile, dates }).messages.map((m) => JSON.stringify(m, jsonReplacer));
  const slow = decodeFit(bytes, { profile }).messages.map((m) => JSON.stringify(messageToObject(m, { dates, enums: true, profile }), jsonReplacer));
  return { fast, slow };
}

describe('malformed definitions: compiled readers and the Interpreter give one answer', () => {
  for (const [name, make] of Object.entries(CASES)) {
    it(name, () => {
      const bytes = make();
      for (const dates of ['date', 'iso', 'raw'] as const) {
        const { fast, slow } = both(bytes, dates);
        expect(fast.length, dates).toBe(slow.length);
        expect(fast.length).toBeGreaterThan(0);
        for (let i = 0; i < fast.length; i++) expect(`${dates} #${i} ${fast[i]}`).toBe(`${dates} #${i} ${slow[i]}`);
      }
    });
  }
});
