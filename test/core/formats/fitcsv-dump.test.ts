/**
 * dumpFitCsv's pre-scan leaves the CRCs to the main pass where they change no row (one FIT file),
 * and checks them where they do (chained files: a bad CRC ends decoding before the next file) or
 * where its own diagnostics are the result (no row). The rows come out as the CRC-checking
 * reference renders them (renderCsv), whatever the input's pieces.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compressed, devfields } from '../../../bench/generate.js';
import { Profile } from '../../../src/core/fit/profile/profile.js';
import { dumpFitCsv, type DumpOptions } from '../../../src/core/formats/fitcsv-dump.js';
import { fileChunks } from '../../../src/core/platform/file-chunks.js';
import { renderCsv } from '../../helpers/render-csv.js';

const profile = Profile.standard();
const utf8 = new TextDecoder();

/** The file with its CRC (the last two bytes) wrong. */
function badCrc(fit: Uint8Array): Uint8Array {
  const b = fit.slice();
  b[b.length - 1] ^= 0xff;
  return b;
}

/** A dump in memory, counting the passes over the input. */
async function dump(open: () => Iterable<Uint8Array>, opts: Omit<DumpOptions, 'profile'> = {}) {
  let csv = null as string | null;
  let passes = 0;
  const result = await dumpFitCsv(() => (passes++, open()), { ...opts, profile }, { main: () => ((csv = ''), { write: (t) => void (csv += typeof t === 'string' ? t : utf8.decode(t)) }) });
  return { csv, result, passes };
}

describe('dumpFitCsv and the CRCs', () => {
  const narrow = compressed(600, 3).build();
  const wide = devfields(600, 4).build();

  it('one file with a bad CRC: the pre-scan reads it unchecked, the main pass reports the mismatch, the rows are the reference', async () => {
    const bytes = badCrc(narrow);
    const ref = renderCsv(bytes, profile);
    const r = await dump(() => [bytes]);
    expect(r.passes).toBe(2);
    expect(r.csv).toBe(ref.csv);
    expect(r.result.failed).toBe(true);
    expect(r.result.diagnostics.map((d) => d.code)).toEqual(ref.diagnostics.map((d) => d.code));
    expect(r.result.diagnostics.some((d) => d.code === 'crc_mismatch')).toBe(true);
  });

  it('chained files, the first with a bad CRC: the header is as wide as the first file only, as the rows', async () => {
    const first = renderCsv(narrow, profile).csv.split('\n')[0];
    const both = renderCsv(Buffer.concat([narrow, wide]), profile).csv.split('\n')[0];
    // The second file is wider: counting it would widen the header.
    expect(both.length).toBeGreaterThan(first.length);
    const bytes = Buffer.concat([badCrc(narrow), wide]);
    const ref = renderCsv(bytes, profile);
    const r = await dump(() => [bytes]);
    expect(r.passes).toBe(3);
    expect(r.csv).toBe(ref.csv);
    expect(r.csv!.split('\n')[0]).toBe(first);
    expect(r.result.diagnostics.some((d) => d.code === 'crc_mismatch')).toBe(true);
  });

  it('chained files with good CRCs: both files, checked once by the pre-scan', async () => {
    const bytes = Buffer.concat([narrow, wide]);
    const r = await dump(() => [bytes]);
    expect(r.passes).toBe(3);
    expect(r.csv).toBe(renderCsv(bytes, profile).csv);
    expect(r.result.diagnostics).toEqual([]);
  });

  it('no row to write (--defn none --data none): the diagnostics still tell of the bad CRC', async () => {
    const r = await dump(() => [badCrc(narrow)], { defn: ['none'], data: ['none'] });
    expect(r.csv).toBeNull();
    expect(r.result.rows).toBe(0);
    expect(r.result.failed).toBe(true);
    expect(r.result.diagnostics.some((d) => d.code === 'crc_mismatch')).toBe(true);
  });
});

describe('dumpFitCsv over reused input buffers', () => {
  it('small pieces taking turns in two buffers (records cut at every end) give the reference bytes', async () => {
    const bytes = Buffer.concat([devfields(900, 5).build(), compressed(900, 6).build()]);
    const path = join(mkdtempSync(join(tmpdir(), 'fitkit-dump-')), 'in.fit');
    writeFileSync(path, bytes);
    const r = await dump(() => fileChunks(path, 4093, true));
    expect(r.csv).toBe(renderCsv(bytes, profile).csv);
    expect(r.result.diagnostics).toEqual([]);
  });
});
