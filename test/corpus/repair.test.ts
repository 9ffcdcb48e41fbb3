/**
 * `fitkit repair` on the damaged corpus files: the output is intact for Garmin's SDK
 * (checkIntegrity), decodes without a diagnostic, and keeps every record the damaged file held
 * before the damage.
 */
import { readFileSync } from 'node:fs';
import { Decoder, Stream } from '@garmin/fitsdk';
import { expect, it } from 'vitest';
import { salvageFit } from '../../src/core/activity/salvage.js';
import { decodeFit } from '../../src/core/fit/decode/decoder.js';
import { corpusPath, describeCorpus } from '../helpers/corpus.js';

/** MANIFEST.tsv: truncated, CRC-damaged, corrupt chained header, junk after the data. */
const DAMAGED = [
  'coursepointer/invalid_truncated',
  'python-fitparse/activity-activity-filecrc',
  'python-fitparse/activity-filecrc',
  'python-fitparse/activity-settings-corruptheader',
  'python-fitparse/activity-settings-nodata',
  'python-fitparse/activity-unexpected-eof',
  'gpsbabel/lezyne_super_gps-garmin_fit-sample-bad-endian',
];

describeCorpus('fitkit repair on damaged corpus files', () => {
  for (const rel of DAMAGED) {
    it(rel, () => {
      const input = readFileSync(corpusPath('fit', rel + '.fit'));
      const before = decodeFit(input);
      expect(before.diagnostics.length, 'the input is damaged').toBeGreaterThan(0);

      const r = salvageFit(input);
      const after = decodeFit(r.bytes);
      expect(after.diagnostics).toEqual([]);
      expect(after.complete).toBe(true);
      // Every message read before the damage is still there, in order, with the same values.
      const key = (m: (typeof before.messages)[number]) => JSON.stringify([m.name, m.fields.map((f) => [f.name, String(f.raw)])]);
      expect(after.messages.map(key)).toEqual(before.messages.map(key));
      expect(after.messages.filter((m) => m.name === 'record').length).toBe(before.messages.filter((m) => m.name === 'record').length);

      const sdk = new Decoder(Stream.fromByteArray(r.bytes));
      expect(sdk.isFIT()).toBe(true);
      expect(sdk.checkIntegrity()).toBe(true);
      expect(r.changes.length).toBeGreaterThan(0);
    });
  }

  it('never changes an intact file but for its header', () => {
    const input = readFileSync(corpusPath('fit', 'python-fitparse/Activity.fit'));
    const r = salvageFit(input);
    expect(decodeFit(r.bytes).messages.length).toBe(decodeFit(input).messages.length);
    expect(r.changes).toEqual(['file at byte 0: 12-byte header → 14 bytes with a CRC']);
  });
});
