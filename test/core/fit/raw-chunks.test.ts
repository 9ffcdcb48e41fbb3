/**
 * RawDecoder.push over chunks bigger than its join head (4 KiB): a record cut at a chunk's end
 * is completed from a copy of the next chunk's head, then reading goes on in the chunk itself;
 * a record longer than the head is joined whole. Either way the frames (offsets, values, CRCs)
 * and diagnostics are those of the whole buffer decoded at once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BaseType } from '../../../src/core/fit/proto/base-types.js';
import { RawDecoder, scanFrames } from '../../../src/core/fit/decode/raw.js';
import type { Frame } from '../../../src/core/fit/decode/frames.js';
import { FitBuilder, FILE_ID_FIELDS, MesgNum } from '../../helpers/fit-builder.js';

/** Frames as comparable text (the definition a data frame points to is named by its offset). */
function text(frames: Frame[]): string[] {
  return frames.map((f) => JSON.stringify(f.kind === 'data' ? { ...f, definition: f.definition.offset } : f, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)));
}

function decodeChunked(bytes: Uint8Array, sizes: readonly number[]) {
  const frames: Frame[] = [];
  const d = new RawDecoder((f) => frames.push(f));
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const n = sizes[i % sizes.length];
    d.push(bytes.subarray(at, at + n));
    at += n;
  }
  d.end();
  return { frames: text(frames), diagnostics: d.diagnostics };
}

function decodeWhole(bytes: Uint8Array) {
  const frames: Frame[] = [];
  const d = scanFrames(bytes, (f) => frames.push(f));
  return { frames: text(frames), diagnostics: d.diagnostics };
}

/** Short records (cut at nearly every chunk end), a few of ~5 KB (longer than the head), a chained second file. */
function sample(): Uint8Array {
  const b = new FitBuilder();
  b.define(0, MesgNum.fileId, FILE_ID_FIELDS).data(0, [4, 1, 1, 123, 1_000_000_000]);
  b.define(1, MesgNum.record, [
    { num: 253, size: 4, type: BaseType.uint32 },
    { num: 0, size: 4, type: BaseType.sint32 },
    { num: 1, size: 4, type: BaseType.sint32 },
    { num: 3, size: 1, type: BaseType.uint8 },
  ]);
  // 20 byte arrays of 255 bytes: 5,101-byte records.
  b.define(
    2,
    0xff00,
    Array.from({ length: 20 }, (_, i) => ({ num: i, size: 255, type: BaseType.byte })),
  );
  for (let i = 0; i < 4000; i++) {
    b.data(1, [1_000_000_000 + i, i * 1000, -i * 1000, i & 0x7f]);
    if (i % 700 === 0)
      b.data(
        2,
        Array.from({ length: 20 }, (_, k) => Array.from({ length: 255 }, (_, j) => (i + k + j) & 0xff)),
      );
  }
  const second = new FitBuilder();
  second.define(0, MesgNum.fileId, FILE_ID_FIELDS).data(0, [4, 1, 1, 124, 1_000_000_001]);
  return FitBuilder.chain(b.build(), second.build());
}

describe('RawDecoder.push: chunks bigger than the join head', () => {
  const bytes = sample();
  const whole = decodeWhole(bytes);

  it('the sample is what the test needs: intact, chained, long records', () => {
    expect(whole.diagnostics).toEqual([]);
    expect(whole.frames.filter((f) => f.includes('"kind":"header"'))).toHaveLength(2);
    expect(bytes.length).toBeGreaterThan(10 * 8192);
  });

  it('gives the whole-buffer frames and diagnostics for any chunk sizes', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 8193, max: 40_000 }), fc.integer({ min: 1, max: 9000 })), { minLength: 1, maxLength: 8 }), (sizes) => {
        expect(decodeChunked(bytes, sizes)).toEqual(whole);
      }),
      { numRuns: 60 },
    );
  });

  it('finds the same CRC failure and truncation', () => {
    const bad = bytes.slice();
    bad[5000] ^= 0x01;
    expect(decodeChunked(bad, [10_000, 9_001])).toEqual(decodeWhole(bad));
    const cut = bytes.subarray(0, bytes.length - 3000);
    const r = decodeChunked(cut, [16_384]);
    expect(r).toEqual(decodeWhole(cut));
    expect(r.diagnostics.map((d) => d.code)).toContain('truncated');
  });
});
