/**
 * csv2fit on a representative part of the corpus (the whole corpus: the .slow suite): dump,
 * csv2fit and dump again give the same CSV, Garmin's SDK reads the file intact, and it fails no
 * REQUIRED check of Garmin's checklist that the original passed. Makers and
 * cases: Garmin (compressed speed/distance, HRV, unknown messages), Wahoo, Suunto, Coros
 * (misaligned fields), Stryd and Connect IQ developer fields, a dive watch's developer field
 * named like a native one, Zwift, WaterRower, the SDK's samples and the crafted edge cases.
 */
import { expect, it } from 'vitest';
import { Profile } from '../../src/core/fit/profile/profile.js';
import { describeCorpus } from '../helpers/corpus.js';
import { roundTrip } from '../helpers/csv-roundtrip.js';

const profile = Profile.standard();

const SAMPLE = [
  'python-fitparse/garmin-fenix-5-run',
  'python-fitparse/compressed-speed-distance',
  'fitparse-rs/hrv-activity',
  'python-fitparse/elemnt-bolt-no-application-id-inside-developer-data-id',
  'fit-file-parser/examples__suunto-weight',
  'python-fitparse/developer-types-sample',
  'fitdecode/garmin-fr935-cr',
  'python-fitparse/null_compressed_speed_dist',
  'rowingdata/3x250m',
  'muktihari-fit/activity_poolswim',
  'python-fitparse/DeveloperData',
  'tormoder-fit/misc__unterminated-strings',
  'crafted/invalid-values-by-type',
  'crafted/enhanced-and-plain',
  'crafted/partial-invalid-arrays',
  'crafted/stored-type-differs-from-profile',
  'crafted/invalid-z-types',
  'fit-file-parser/test__snorkeling-unknown-sport',
];

describeCorpus('csv2fit: corpus files come back to their dump', () => {
  it.each(SAMPLE)('%s', (name) => {
    const r = roundTrip(name, profile);
    expect(r.error).toBeUndefined();
    expect(r.diff).toBeUndefined();
    expect(r.sdkIntact).toBe(true);
    expect(r.newlyFailed).toEqual([]);
  });
});
