/**
 * csv2fit over the whole corpus: for every FIT file x, dump(csv2fit(dump(x))) is dump(x), byte
 * for byte, Garmin's SDK reads csv2fit's file intact and it fails no REQUIRED check of Garmin's
 * checklist that x passed; but for the files NOT_ROUND_TRIP names
 * with the reason, which must still differ or be refused (the list stays true). The fast suite runs a
 * representative part (csv2fit-roundtrip.test.ts).
 */
import { expect, it } from 'vitest';
import { Profile } from '../../src/core/fit/profile/profile.js';
import { corpusFitFiles, describeCorpus } from '../helpers/corpus.js';
import { NOT_ROUND_TRIP, roundTrip } from '../helpers/csv-roundtrip.js';

const profile = Profile.standard();

describeCorpus('csv2fit: every corpus file comes back to its dump', () => {
  it.each(corpusFitFiles())('%s', (name) => {
    const r = roundTrip(name, profile);
    if (NOT_ROUND_TRIP[name]) {
      expect(r.diff ?? r.error, NOT_ROUND_TRIP[name]).toBeDefined();
      return;
    }
    expect(r.error).toBeUndefined();
    expect(r.diff).toBeUndefined();
    expect(r.sdkIntact).toBe(true);
    expect(r.newlyFailed).toEqual([]);
  });
});
