/**
 * `dump(csv2fit(dump(x)))` for the csv2fit suites, in process: the dump of a corpus file, turned
 * back into FIT and dumped again, and the first line where the two CSVs differ.
 */
import { readFileSync } from 'node:fs';
import { Decoder, Stream } from '@garmin/fitsdk';
import { csvToFit } from '../../src/core/edit/csv-to-fit.js';
import type { Profile } from '../../src/core/fit/profile/profile.js';
import { corpusPath } from './corpus.js';
import { renderCsv } from './render-csv.js';

/**
 * Corpus files whose dump does not come back, and why (docs/csv2fit.md). The CSV names every
 * unknown field "unknown"; when a device leaves some of them invalid in some rows, which value
 * belongs to which field is lost, and a text and a number can fall to the same field.
 */
export const NOT_ROUND_TRIP: Record<string, string> = {
  'crafted/header-datasize-zero': 'no CSV: the header says 0 data bytes, dump writes nothing (as FitCSVTool)',
  'crafted/header12-datasize-zero': 'no CSV: the header says 0 data bytes, dump writes nothing (as FitCSVTool)',
  'activitylog2/cydynamics-bike': 'unknown fields left out in some rows: a number and a text fall to one unknown field',
  'fit-file-parser/examples__jumps-mtb': 'unknown fields left out in some rows: a number array and a text fall to one unknown field',
  'fit-file-parser/examples__road-with-power': 'unknown fields left out in some rows: a number array and a text fall to one unknown field',
  'tormoder-fit/bpg__garmin': 'unknown fields left out in some rows: a number array and a text fall to one unknown field',
};

export interface RoundTrip {
  /** The dump of the corpus file. */
  csv: string;
  /** csv2fit of it. */
  fit: Uint8Array;
  /** First differing line (1-based) of the two dumps, with both lines; undefined when equal. */
  diff?: { line: number; a: string; b: string };
  /**
   * Garmin's SDK finds the new file intact (checkIntegrity) and reads it without error, unless
   * it could not read the original either (it does not read compressed timestamps).
   */
  sdkIntact: boolean;
}

export function roundTrip(name: string, profile: Profile): RoundTrip {
  const x = readFileSync(corpusPath('fit', `${name}.fit`));
  const csv = renderCsv(x, profile).csv;
  const fit = csvToFit(csv, profile).bytes;
  const again = renderCsv(fit, profile).csv;
  const readErrors = (b: Uint8Array) => new Decoder(Stream.fromByteArray(b)).read().errors.length;
  const sdkIntact = new Decoder(Stream.fromByteArray(fit)).checkIntegrity() && (readErrors(fit) === 0 || readErrors(x) > 0);
  if (again === csv) return { csv, fit, sdkIntact };
  const a = csv.split('\n');
  const b = again.split('\n');
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return { csv, fit, sdkIntact, diff: { line: i + 1, a: a[i]?.slice(0, 400) ?? '', b: b[i]?.slice(0, 400) ?? '' } };
}
