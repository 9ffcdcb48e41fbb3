/**
 * `set` and `strip` over corpus activities from several makers: the output is intact for
 * Garmin's SDK (checkIntegrity, no decode error), fails no REQUIRED check of Garmin's checklist
 * that the input passed, holds the change, and keeps every other message.
 */
import { readFileSync } from 'node:fs';
import { Decoder, Stream } from '@garmin/fitsdk';
import { expect, it } from 'vitest';
import { num } from '../../../src/core/fit/decode/values.js';
import { decodeFit } from '../../../src/core/fit/decode/decoder.js';
import type { FitMessage } from '../../../src/core/fit/decode/message.js';
import { Profile } from '../../../src/core/fit/profile/profile.js';
import { readRecords, writeRecords } from '../../../src/core/edit/raw-records.js';
import { parseDevice, parseSport, setIdentity } from '../../../src/core/edit/set-identity.js';
import { messageNumbers, stripRecords, type StripOptions } from '../../../src/core/edit/strip.js';
import { validateBytes } from '../../../src/core/validate/validate-file.js';
import { corpusPath, describeCorpus } from '../../helpers/corpus.js';

const profile = Profile.standard();

/** Activities by maker (MANIFEST.tsv): Garmin watches, Coros, Suunto, Wahoo, Stryd, Zwift, WaterRower, SDK samples. */
const ACTIVITIES = [
  'garmintrackconverter/2024-10-13-10-58-18_run_fenix7',
  'python-fitparse/garmin-fenix-5-run',
  'fitparse-rs/hrv-activity',
  'python-fitparse/coros-pace-2-cycling-misaligned-fields',
  'fit-file-parser/examples__suunto-weight',
  'python-fitparse/elemnt-bolt-no-application-id-inside-developer-data-id',
  'python-fitparse/developer-types-sample',
  'python-fitparse/null_compressed_speed_dist',
  'coxswain2fit/result',
  'muktihari-fit/activity_poolswim',
];

function failedRequired(bytes: Uint8Array): string[] {
  const r = validateBytes('x.fit', bytes, profile);
  return r.checklist.filter((c) => c.level === 'REQUIRED' && c.status === 'FAILED').map((c) => c.name);
}

function intact(bytes: Uint8Array): FitMessage[] {
  const sdk = new Decoder(Stream.fromByteArray(bytes));
  expect(sdk.checkIntegrity()).toBe(true);
  const { errors } = new Decoder(Stream.fromByteArray(bytes)).read();
  expect(errors).toEqual([]);
  const d = decodeFit(bytes, { profile });
  expect(d.diagnostics.filter((x) => x.level === 'error')).toEqual([]);
  return d.messages;
}

const count = (ms: FitMessage[], name: string) => ms.filter((m) => m.name === name).length;

describeCorpus('set and strip over corpus activities', () => {
  for (const f of ACTIVITIES) {
    const input = new Uint8Array(readFileSync(corpusPath('fit', `${f}.fit`)));
    const before = decodeFit(input, { profile }).messages;
    const failedBefore = failedRequired(input);

    it(`set ${f}: device and serial in file_id and creator device_info, sport everywhere`, () => {
      const { records, profileVersion } = readRecords(input);
      const id = { ...parseDevice(profile, 'garmin:edge_530'), serial: 3312345678, ...parseSport(profile, 'cycling/indoor_cycling') };
      setIdentity(records, id);
      const out = writeRecords(records, profile, profileVersion);
      const after = intact(out);
      expect(failedRequired(out).filter((c) => !failedBefore.includes(c))).toEqual([]);
      const fileId = after.find((m) => m.name === 'file_id')!;
      expect([num(fileId, 'manufacturer'), num(fileId, 'garmin_product'), num(fileId, 'serial_number')]).toEqual([1, 3121, 3312345678]);
      for (const m of after.filter((m) => m.name === 'device_info' && num(m, 'device_index') === 0)) {
        expect([num(m, 'manufacturer'), num(m, 'garmin_product'), num(m, 'serial_number')]).toEqual([1, 3121, 3312345678]);
      }
      for (const m of after.filter((m) => ['session', 'lap', 'sport'].includes(m.name))) {
        expect([num(m, 'sport'), num(m, 'sub_sport')], m.name).toEqual([2, 6]);
      }
      expect(after.map((m) => m.name)).toEqual(before.map((m) => m.name));
      // The records are untouched.
      const series = (ms: FitMessage[]) => ms.filter((m) => m.name === 'record').map((m) => [num(m, 'timestamp'), num(m, 'heart_rate'), num(m, 'distance')]);
      expect(series(after)).toEqual(series(before));
    });

    it(`strip ${f}: positions, hrv and developer data gone, the rest kept`, () => {
      const { records, profileVersion } = readRecords(input);
      const opts: StripOptions = { positions: true, hrv: true, developerData: true, messages: messageNumbers(profile, 'device_aux_battery_info,141') };
      const out = writeRecords(stripRecords(records, profile, opts).records, profile, profileVersion);
      const after = intact(out);
      expect(failedRequired(out).filter((c) => !failedBefore.includes(c))).toEqual([]);
      for (const m of after) {
        expect(m.fields.filter((x) => x.units === 'semicircles' || x.kind === 'developer').map((x) => `${m.name}.${x.name}`)).toEqual([]);
      }
      const gone = new Set(['hrv', 'field_description', 'developer_data_id', 'device_aux_battery_info', 'unknown_141']);
      expect(after.filter((m) => gone.has(m.name))).toEqual([]);
      expect(after.map((m) => m.name)).toEqual(before.map((m) => m.name).filter((n) => !gone.has(n)));
      expect(count(after, 'record')).toBe(count(before, 'record'));
      const kept = (ms: FitMessage[]) => ms.filter((m) => m.name === 'record').map((m) => [num(m, 'timestamp'), num(m, 'heart_rate'), num(m, 'altitude')]);
      expect(kept(after)).toEqual(kept(before));
    });
  }

  it('strip --unknown leaves no unknown message or field', () => {
    const input = new Uint8Array(readFileSync(corpusPath('fit', 'garmintrackconverter/2024-10-13-10-58-18_run_fenix7.fit')));
    const before = decodeFit(input, { profile }).messages;
    expect(before.some((m) => !m.def || m.fields.some((x) => x.kind !== 'developer' && !x.def))).toBe(true);
    const { records } = readRecords(input);
    const after = intact(writeRecords(stripRecords(records, profile, { unknown: true }).records, profile));
    expect(after.filter((m) => !m.def || m.fields.some((x) => x.kind !== 'developer' && !x.def))).toEqual([]);
    expect(count(after, 'record')).toBe(count(before, 'record'));
  });
});
