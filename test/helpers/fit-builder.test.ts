import { Decoder, Stream } from '@garmin/fitsdk';
import FitParser from 'fit-file-parser';
import { describe, expect, it } from 'vitest';
import { crc16 } from '../../src/core/bytes/crc16.js';
import { BaseType } from '../../src/core/fit/proto/base-types.js';
import { FitBuilder, MesgNum, declareDevFields, type FieldDef, FILE_ID_FIELDS } from './fit-builder.js';

const FIT_EPOCH_MS = Date.UTC(1989, 11, 31);
const T0 = 1_000_000_000; // FIT seconds

const FILE_ID = [...FILE_ID_FIELDS];
const RECORD: FieldDef[] = [
  { num: 253, size: 4, type: BaseType.uint32 }, // timestamp
  { num: 0, size: 4, type: BaseType.sint32 }, // position_lat
  { num: 1, size: 4, type: BaseType.sint32 }, // position_long
  { num: 2, size: 2, type: BaseType.uint16 }, // altitude, scale 5 offset 500
  { num: 3, size: 1, type: BaseType.uint8 }, // heart_rate
  { num: 5, size: 4, type: BaseType.uint32 }, // distance, scale 100
  { num: 13, size: 1, type: BaseType.sint8 }, // temperature
];

const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

function sdkRead(bytes: Uint8Array) {
  const decoder = new Decoder(Stream.fromByteArray(Array.from(bytes)));
  expect(decoder.isFIT()).toBe(true);
  expect(decoder.checkIntegrity()).toBe(true);
  const { messages, errors } = new Decoder(Stream.fromByteArray(Array.from(bytes))).read();
  expect(errors).toEqual([]);
  return messages;
}

function activity(opts: { bigEndian?: boolean } = {}): Uint8Array {
  const b = new FitBuilder();
  b.define(0, MesgNum.fileId, FILE_ID).data(0, [4, 1, 3113, 123456, T0]);
  b.define(1, MesgNum.record, RECORD, opts);
  b.data(1, [T0, 500_000_000, -100_000_000, (100 + 500) * 5, 150, 12345, -5]);
  b.data(1, [T0 + 1, 500_000_100, -100_000_100, (101 + 500) * 5, 151, 12845, null]);
  return b.build();
}

describe('FitBuilder: layout', () => {
  it('writes a 14-byte header with data size, signature and header CRC', () => {
    const b = new FitBuilder({ headerSize: 14, protocolVersion: 0x10, profileVersion: 2093 });
    b.raw([1, 2, 3]);
    const f = b.build();
    const v = view(f);
    expect(f.length).toBe(14 + 3 + 2);
    expect([f[0], f[1], v.getUint16(2, true), v.getUint32(4, true)]).toEqual([14, 0x10, 2093, 3]);
    expect(new TextDecoder().decode(f.subarray(8, 12))).toBe('.FIT');
    expect(v.getUint16(12, true)).toBe(crc16(f, 0, 12));
    expect(Array.from(f.subarray(14, 17))).toEqual([1, 2, 3]);
  });

  it('writes a 12-byte header without header CRC', () => {
    const f = new FitBuilder({ headerSize: 12 }).raw([9]).build();
    expect(f.length).toBe(12 + 1 + 2);
    expect(f[0]).toBe(12);
    expect(f[12]).toBe(9);
  });

  it('ends with a file CRC over header and data (so the CRC over the whole file is 0)', () => {
    for (const f of [activity(), activity({ bigEndian: true }), new FitBuilder({ headerSize: 12 }).build()]) {
      expect(view(f).getUint16(f.length - 2, true)).toBe(crc16(f, 0, f.length - 2));
      expect(crc16(f)).toBe(0);
    }
  });

  it('builds broken variants on request', () => {
    const b = new FitBuilder().raw([0xaa, 0xbb]);
    const good = b.build();
    expect(view(b.build({ headerCrc: 'zero' })).getUint16(12, true)).toBe(0);
    expect(view(b.build({ headerCrc: 0x1234 })).getUint16(12, true)).toBe(0x1234);
    expect(view(b.build({ dataSize: 999 })).getUint32(4, true)).toBe(999);
    const noCrc = b.build({ fileCrc: 'none' });
    expect(noCrc).toEqual(good.subarray(0, good.length - 2));
    const badCrc = b.build({ fileCrc: 0xbeef });
    expect(view(badCrc).getUint16(badCrc.length - 2, true)).toBe(0xbeef);
  });

  it('writes definition and data records byte for byte', () => {
    const b = new FitBuilder();
    b.define(3, 0x1234, [{ num: 7, size: 2, type: BaseType.uint16 }]).data(3, [0x0102]);
    b.define(2, 0x1234, [{ num: 7, size: 2, type: BaseType.uint16 }], { bigEndian: true }).data(2, [0x0102]);
    b.data(2, [0x0304], { compressedTimeOffset: 21 });
    b.define(1, 20, [], { devFields: [{ num: 5, size: 1, devIndex: 0 }] }).data(1, [], { dev: [7] });
    const data = Array.from(b.build().subarray(14, -2));
    // prettier-ignore
    expect(data).toEqual([
      0x43, 0, 0, 0x34, 0x12, 1, 7, 2, 0x84, // definition, little endian
      0x03, 0x02, 0x01,
      0x42, 0, 1, 0x12, 0x34, 1, 7, 2, 0x84, // definition, big endian
      0x02, 0x01, 0x02,
      0x80 | (2 << 5) | 21, 0x03, 0x04, // compressed timestamp header
      0x61, 0, 0, 20, 0, 0, 1, 5, 1, 0, // definition with developer fields
      0x01, 7,
    ]);
  });

  it("encodes values: sentinels for null, two's complement, strings, arrays, floats, 64-bit", () => {
    const b = new FitBuilder();
    const fields: FieldDef[] = [
      { num: 0, size: 1, type: BaseType.uint8 },
      { num: 1, size: 2, type: BaseType.sint16 },
      { num: 2, size: 4, type: BaseType.uint32z },
      { num: 3, size: 4, type: BaseType.float32 },
      { num: 4, size: 4, type: BaseType.string },
      { num: 5, size: 2, type: BaseType.sint16 },
      { num: 6, size: 3, type: BaseType.string },
      { num: 7, size: 4, type: BaseType.uint8 },
      { num: 8, size: 8, type: BaseType.uint64 },
      { num: 9, size: 8, type: BaseType.float64 },
    ];
    b.define(0, 1, fields).data(0, [null, null, null, null, null, -2, 'héllo', [1, 2], 2n ** 64n - 2n, 0.5]);
    const d = b.build().subarray(14 + 6 + 3 * fields.length + 1, -2);
    // prettier-ignore
    expect(Array.from(d)).toEqual([
      0xff, 0xff, 0x7f, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0,
      0xfe, 0xff, // -2
      0x68, 0xc3, 0xa9, // 'hé' truncated to 3 bytes of UTF-8
      1, 2, 0xff, 0xff, // short array padded with invalid
      0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
      0, 0, 0, 0, 0, 0, 0xe0, 0x3f, // 0.5
    ]);
  });

  it('refuses data it cannot encode', () => {
    const b = new FitBuilder();
    expect(() => b.data(0, [])).toThrow(/no definition/);
    b.define(5, 20, [{ num: 3, size: 1, type: BaseType.uint8 }]);
    expect(() => b.data(5, [1, 2])).toThrow(/1 fields, got 2/);
    expect(() => b.data(5, [1], { compressedTimeOffset: 3 })).toThrow(/local 0..3/);
  });

  it('grows its buffer across many records and chains files', () => {
    const b = new FitBuilder();
    b.define(0, MesgNum.record, RECORD);
    for (let i = 0; i < 50_000; i++) b.data(0, [T0 + i, i, -i, 2500 + (i % 100), 100 + (i % 80), i * 100, 20]);
    const recordSize = 1 + 4 + 4 + 4 + 2 + 1 + 4 + 1;
    expect(b.dataSize).toBe(6 + 3 * RECORD.length + 50_000 * recordSize);
    expect(b.messageCount).toBe(50_000);
    const f = b.build();
    expect(crc16(f)).toBe(0);
    const small = activity();
    const chained = FitBuilder.chain(small, f);
    expect(chained.length).toBe(small.length + f.length);
    // Buffer.equals: a deep toEqual on a megabyte array takes seconds.
    expect(Buffer.from(chained.subarray(small.length)).equals(f)).toBe(true);
  });
});

describe('FitBuilder: decoded by @garmin/fitsdk', () => {
  for (const bigEndian of [false, true]) {
    it(`file_id and records (${bigEndian ? 'big' : 'little'}-endian records)`, () => {
      const m = sdkRead(activity({ bigEndian }));
      expect(m.fileIdMesgs?.[0]).toMatchObject({
        type: 'activity',
        manufacturer: 'garmin',
        serialNumber: 123456,
        timeCreated: new Date(FIT_EPOCH_MS + T0 * 1000),
      });
      expect(m.recordMesgs).toHaveLength(2);
      expect(m.recordMesgs?.[0]).toMatchObject({
        timestamp: new Date(FIT_EPOCH_MS + T0 * 1000),
        positionLat: 500_000_000,
        positionLong: -100_000_000,
        altitude: 100,
        heartRate: 150,
        distance: 123.45,
        temperature: -5,
      });
      expect(m.recordMesgs?.[1]).toMatchObject({ heartRate: 151, altitude: 101, distance: 128.45 });
      expect(m.recordMesgs?.[1].temperature).toBeUndefined(); // written as invalid
    });
  }

  it('sees the broken variants as broken', () => {
    const b = new FitBuilder();
    b.define(0, MesgNum.record, RECORD.slice(0, 5)).data(0, [T0, 1, 2, 2600, 90]);
    const integrity = (f: Uint8Array) => new Decoder(Stream.fromByteArray(Array.from(f))).checkIntegrity();
    expect(integrity(b.build({ headerCrc: 'zero' }))).toBe(true); // 0 means "not computed"
    expect(integrity(b.build({ headerCrc: 0x1234 }))).toBe(false);
    expect(integrity(b.build({ fileCrc: 0xbeef }))).toBe(false);
    expect(integrity(b.build({ dataSize: b.dataSize + 10 }))).toBe(false);
  });

  it('12-byte header and chained files', () => {
    const a = new FitBuilder({ headerSize: 12 });
    a.define(0, MesgNum.record, RECORD.slice(0, 5)).data(0, [T0, 1, 2, 2600, 90]);
    const m = sdkRead(FitBuilder.chain(a.build(), activity()));
    expect((m.recordMesgs ?? []).map((r) => r.heartRate)).toEqual([90, 150, 151]);
  });

  // The SDK's decoder does not support compressed timestamps; fit-file-parser's does.
  it('compressed-timestamp records (via fit-file-parser)', async () => {
    const b = new FitBuilder();
    b.define(0, MesgNum.record, [RECORD[0], RECORD[4]]).data(0, [T0, 100]);
    b.define(1, MesgNum.record, [RECORD[4]]);
    for (let i = 1; i <= 40; i++) b.data(1, [100 + i], { compressedTimeOffset: (T0 + i) & 0x1f });
    const f = b.build();
    const parsed = await new FitParser({ force: false }).parseAsync(Buffer.from(f));
    const records = parsed.records ?? [];
    expect(records).toHaveLength(41);
    records.forEach((r, i) => {
      expect(r.heart_rate).toBe(100 + i);
      expect(r.timestamp).toEqual(new Date(FIT_EPOCH_MS + (T0 + i) * 1000));
    });
  });

  it('developer fields', () => {
    const b = new FitBuilder();
    b.define(0, MesgNum.fileId, FILE_ID).data(0, [4, 1, 1, 1, T0]);
    const appId = Array.from({ length: 16 }, (_, i) => i);
    const dev = declareDevFields(b, 1, 0, appId, [
      { num: 0, type: BaseType.uint16, name: 'Power2', units: 'W', nativeMesgNum: MesgNum.record },
      { num: 1, type: BaseType.float32, name: 'Ratio' },
      { num: 2, type: BaseType.sint8, name: 'Delta' },
    ]);
    b.define(2, MesgNum.record, [RECORD[0], RECORD[4]], { devFields: dev });
    b.data(2, [T0, 120], { dev: [250, 0.25, -3] });
    const m = sdkRead(b.build());
    expect(m.developerDataIdMesgs?.[0]).toMatchObject({ applicationId: appId, developerDataIndex: 0 });
    expect((m.fieldDescriptionMesgs ?? []).map((f) => [f.fieldName, f.units, f.fieldDefinitionNumber])).toEqual([
      ['Power2', 'W', 0],
      ['Ratio', undefined, 1],
      ['Delta', undefined, 2],
    ]);
    expect(m.recordMesgs?.[0].heartRate).toBe(120);
    expect(m.recordMesgs?.[0].developerFields).toEqual({ 0: 250, 1: 0.25, 2: -3 });
  });
});
