/**
 * decode → encode → decode gives the same messages for every corpus FIT file: the same count,
 * names and field values (arrays, strings, 64-bit values, developer fields), and Garmin's SDK
 * finds the re-encoded file intact. Damaged files are re-encoded as far as the decoder read them.
 */
import { readFileSync } from 'node:fs';
import { Decoder, Stream } from '@garmin/fitsdk';
import { afterAll, expect, it } from 'vitest';
import { describeCorpus, corpusFitFiles, corpusPath } from '../helpers/corpus.js';
import { comparable, decodeWithFrames, rawRoundTrip, type RoundTripStats } from '../helpers/tcx-roundtrip.js';
import { decodeFit } from '../../src/core/fit/decode/decoder.js';

describeCorpus('FIT round trip (decode → encode → decode)', () => {
  const files = corpusFitFiles();
  const stats: RoundTripStats = { verbatimStrings: 0 };
  let messages = 0;
  let definitions = 0;
  afterAll(() => {
    process.stderr.write(`round trip: ${files.length} files, ${messages} messages, ${definitions} definitions written, ${stats.verbatimStrings} string fields kept byte for byte\n`);
  });

  it('finds the corpus', () => expect(files.length).toBeGreaterThan(100));

  it.each(files)('%s', (name) => {
    const a = decodeWithFrames(readFileSync(corpusPath('fit', name + '.fit')));
    const out = rawRoundTrip(a, stats);
    const b = decodeFit(out, { onFrame: (f) => void (f.kind === 'definition' && definitions++) });
    messages += b.messages.length;
    // Only problems the original has too (a 1-byte uint32 field is written as found).
    const known = new Set(a.result.diagnostics.map((d) => d.code));
    expect(b.diagnostics.filter((d) => !known.has(d.code))).toEqual([]);
    expect(b.complete).toBe(true);
    expect(b.headers).toHaveLength(1);
    expect(b.messages.length).toBe(a.result.messages.length);
    expect(comparable(b)).toEqual(comparable(a.result));
    const sdk = new Decoder(Stream.fromByteArray(Array.from(out)));
    expect(sdk.isFIT()).toBe(true);
    expect(sdk.checkIntegrity()).toBe(true);
  });
});
