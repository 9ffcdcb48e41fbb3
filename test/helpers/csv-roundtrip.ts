/**
 * `dump(csv2fit(dump(x)))` for the csv2fit suites, in process: the dump of a corpus file, turned
 * back into FIT and dumped again, and the first line where the two CSVs differ.
 */
import { readFileSync } from 'node:fs';
import { Decoder, Stream } from '@garmin/fitsdk';
import { csvToFit } from '../../src/core/edit/csv-to-fit.js';
import type { Profile } from '../../src/core/fit/profile/profile.js';
import { validateBytes } from '../../src/core/validate/validate-file.js';
import { corpusPath } from './corpus.js';
import { renderCsv } from './render-csv.js';

/**
 * Corpus files whose dump does not come back, and why (docs/csv2fit.md). The CSV names every
 * unknown field "unknown"; when a device leaves some of them invalid in some rows, and no row
 * shows them all, which value belongs to which field is lost, and a text and a number can fall
 * to the same field.
 */
export const NOT_ROUND_TRIP: Record<string, string> = {
  'fit-file-parser/examples__jumps-mtb': 'unknown fields left out in some rows: a number array and a text fall to one unknown field',
  'fit-file-parser/examples__road-with-power': 'unknown fields left out in some rows: a number array and a text fall to one unknown field',
  'tormoder-fit/bpg__garmin': 'unknown fields left out in some rows: a number array and a text fall to one unknown field',
};

export interface RoundTrip {
  /** The dump of the corpus file. */
  csv: string;
  /** csv2fit of it (empty when it refused the CSV). */
  fit: Uint8Array;
  /** Why csv2fit refused the CSV. */
  error?: string;
  /** First differing line (1-based) of the two dumps, with both lines; undefined when equal. */
  diff?: { line: number; a: string; b: string };
  /**
   * Garmin's SDK finds the new file intact (checkIntegrity) and reads it without error, unless
   * it could not read the original either (it does not read compressed timestamps).
   */
  sdkIntact: boolean;
  /** REQUIRED checks of Garmin's checklist the new file fails and the original passed. */
  newlyFailed: string[];
}

function failedRequired(bytes: Uint8Array, profile: Profile): string[] {
  return validateBytes('x.fit', bytes, profile)
    .checklist.filter((c) => c.level === 'REQUIRED' && c.status === 'FAILED')
    .map((c) => c.name);
}

export function roundTrip(name: string, profile: Profile): RoundTrip {
  const x = readFileSync(corpusPath('fit', `${name}.fit`));
  const csv = renderCsv(x, profile).csv;
  let fit: Uint8Array;
  try {
    fit = csvToFit(csv, profile).bytes;
  } catch (e) {
    return { csv, fit: new Uint8Array(0), error: (e as Error).message, sdkIntact: false, newlyFailed: [] };
  }
  const again = renderCsv(fit, profile).csv;
  const readErrors = (b: Uint8Array) => new Decoder(Stream.fromByteArray(b)).read().errors.length;
  const sdkIntact = new Decoder(Stream.fromByteArray(fit)).checkIntegrity() && (readErrors(fit) === 0 || readErrors(x) > 0);
  const before = failedRequired(x, profile);
  const newlyFailed = failedRequired(fit, profile).filter((c) => !before.includes(c));
  if (again === csv) return { csv, fit, sdkIntact, newlyFailed };
  const a = csv.split('\n');
  const b = again.split('\n');
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return { csv, fit, sdkIntact, newlyFailed, diff: { line: i + 1, a: a[i]?.slice(0, 400) ?? '', b: b[i]?.slice(0, 400) ?? '' } };
}
