/**
 * The option rules of docs/fitcsv-options.md on small built files, so they are checked without the
 * corpus too. Each expected cell is the form FitCSVTool 21.202 gives in csv-oracle-options/ for
 * the same kind of value (the file named in the comment).
 */
import { describe, expect, it } from 'vitest';
import { Profile } from '../../../src/core/fit/profile/profile.js';
import { BaseType } from '../../../src/core/fit/proto/base-types.js';
import { hiddenSummary } from '../../../src/core/formats/fitcsv-dump.js';
import { FitBuilder, MesgNum } from '../../helpers/fit-builder.js';
import { renderDump, type DumpOptions } from '../../helpers/render-dump.js';

const profile = Profile.standard();
const HRV = 78;
const T0 = 1_000_000_000;

async function dataRows(bytes: Uint8Array, opts: DumpOptions): Promise<string[]> {
  const { csv } = await renderDump(bytes, profile, opts);
  return (csv ?? '').split('\n').filter((l) => l.startsWith('Data,'));
}

describe('dump options on built files', () => {
  // record: timestamp, speed (uint16, 0xFFFF invalid), cadence.
  const records = new FitBuilder()
    .define(0, MesgNum.record, [
      { num: 253, size: 4, type: BaseType.uint32 },
      { num: 6, size: 2, type: BaseType.uint16 },
      { num: 4, size: 1, type: BaseType.uint8 },
    ])
    .data(0, [T0, null, 80])
    .build();

  it('-s keeps an invalid speed raw and expands enhanced_speed from it; by default both are left out', async () => {
    // activitylog2/920xt-lap-swim: speed,"65535",m/s,...,enhanced_speed,"65.535",m/s
    expect((await dataRows(records, { invalid: 'raw' }))[0]).toMatch(/,speed,"65535",m\/s,cadence,"80",rpm,enhanced_speed,"65.535",m\/s,$/);
    // (padded to the definition's three fields)
    expect((await dataRows(records, {}))[0]).toBe(`Data,0,record,timestamp,"${T0}",s,cadence,"80",rpm,,,,`);
  });

  it('-se: an invalid value is "", an array ends at its first invalid element', async () => {
    const hrv = new FitBuilder()
      .define(0, HRV, [{ num: 0, size: 10, type: BaseType.uint16 }])
      .data(0, [[812, 0xffff, 0xffff, 0xffff, 0xffff]])
      .data(0, [[357, 357, 358, 357, 0xffff]])
      .data(0, [[0xffff, 812, 813, 814, 815]])
      .build();
    // fitparse-rs/hrv-activity and the corpus' garmin-fenix-5 files
    expect((await dataRows(hrv, { invalid: 'empty' })).map((r) => r.split(',').slice(3, 5).join())).toEqual(['time,"0.812|65535|"', 'time,"0.357|0.357|0.358|0.357|65535"', 'time,""']);
    expect((await dataRows(records, { invalid: 'empty' }))[0]).toMatch(/,speed,"",m\/s,cadence,"80",rpm,enhanced_speed,"65.535",m\/s,$/);
  });

  it('-x prints invalid bytes of a byte array in hex too', async () => {
    const bytes = new FitBuilder()
      .define(0, MesgNum.record, [
        { num: 253, size: 4, type: BaseType.uint32 },
        { num: 200, size: 4, type: BaseType.byte },
      ])
      .data(0, [T0, [0xff, 0x00, 0xff, 0x01]])
      .build();
    // crafted/invalid-values-by-type: unknown,"0xff|0x00|0xff|0x01"
    expect((await dataRows(bytes, { hex: true }))[0]).toContain(',unknown,"0xff|0x00|0xff|0x01",');
  });

  it('-u counts hidden fields of known messages only, and hidden data messages', async () => {
    const bytes = new FitBuilder()
      .define(0, 0xff00, [
        { num: 0, size: 1, type: BaseType.uint8 },
        { num: 1, size: 1, type: BaseType.uint8 },
      ])
      .data(0, [1, 2])
      .define(1, MesgNum.record, [
        { num: 253, size: 4, type: BaseType.uint32 },
        { num: 200, size: 1, type: BaseType.uint8 },
      ])
      .data(1, [T0, 3])
      .build();
    const r = await renderDump(bytes, profile, { hideUnknown: true });
    expect(hiddenSummary(r.result)).toBe('Hid 1 unknown field(s) and 1 unknown message(s).');
    expect(r.csv).not.toContain('unknown');
  });

  it('--data: no rows selected gives no files; -g on definitions only gives an empty _data.csv', async () => {
    const noRecords = new FitBuilder()
      .define(0, HRV, [{ num: 0, size: 2, type: BaseType.uint16 }])
      .data(0, [812])
      .build();
    const none = await renderDump(noRecords, profile, { defn: ['none'], data: ['record'] });
    expect([none.csv, none.dataCsv]).toEqual([null, null]);
    const grouped = await renderDump(noRecords, profile, { data: ['record'], groupData: true });
    expect(grouped.csv).toContain('Definition,0,hrv,time,1,,');
    expect(grouped.dataCsv).toBe('');
  });

  it('_data.csv rows are padded to the most native fields of any selected message, and empty when decoding fails', async () => {
    const b = new FitBuilder()
      .define(0, MesgNum.record, [{ num: 253, size: 4, type: BaseType.uint32 }])
      .data(0, [T0])
      .define(1, MesgNum.record, [
        { num: 253, size: 4, type: BaseType.uint32 },
        { num: 3, size: 1, type: BaseType.uint8 },
        { num: 4, size: 1, type: BaseType.uint8 },
      ])
      .data(1, [T0 + 1, 100, 80]);
    const ok = await renderDump(b.build(), profile, { data: ['record'] });
    // The first row has one column so far, padded to the second row's three fields.
    expect(ok.dataCsv).toBe(`record.timestamp[s],record.heart_rate[bpm],record.cadence[rpm],\n"${T0}",,,\n"${T0 + 1}","100","80",\n`);
    const bad = await renderDump(b.build({ fileCrc: 0x1234 }), profile, { data: ['record'] });
    expect(bad.result.failed).toBe(true);
    expect(bad.csv).toContain(`Data,1,record,timestamp,"${T0 + 1}"`);
    expect(bad.dataCsv).toBe('');
  });
});
