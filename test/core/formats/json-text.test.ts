/**
 * The number and date writers of the NDJSON output against what JSON.stringify writes for the
 * same values (the decimal shortcut for scaled integers above all).
 */
import { describe, expect, it } from 'vitest';
import { FIT_EPOCH_S } from '../../../src/core/fit/kit/time.js';
import { putInt } from '../../../src/core/bytes/ascii-digits.js';
import { NumberTextCache, decimalScale, putCachedNumber, putDecimal, putFitDate, putNumber } from '../../../src/core/formats/json-text.js';

const o = new Uint8Array(64);
const text = (q: number) => new TextDecoder().decode(o.subarray(0, q));

/** Deterministic pseudo-random integers in [0, n). */
function* integers(count: number, n: number, seed = 1): Generator<number> {
  let x = seed;
  for (let i = 0; i < count; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    yield Math.floor((x / 2 ** 31) * n);
  }
}

describe('JSON text writers', () => {
  it('decimal scales: r / scale written as JSON.stringify does, for every profile-like scale', () => {
    for (const scale of [2, 4, 5, 8, 10, 16, 20, 25, 50, 100, 1000, 10_000, 100_000, 1_000_000]) {
      const d = decimalScale(scale)!;
      expect(d.multiplier * scale).toBe(10 ** d.power);
      const check = (r: number) => {
        const got = text(putDecimal(o, 0, r, d.power, d.multiplier));
        if (got !== JSON.stringify(r / scale)) expect(`${r} / ${scale}: ${got}`).toBe(`${r} / ${scale}: ${JSON.stringify(r / scale)}`);
      };
      for (let r = -20_000; r <= 20_000; r++) check(r);
      for (const r of integers(20_000, 2 ** 32)) [r, -r].forEach(check);
      for (const r of integers(2_000, 2 ** 53, 7)) [r, -r].forEach(check);
      for (const r of [2 ** 32 - 1, 2 ** 31, -(2 ** 31), 2 ** 53 - 1, 1e15 - 1, 1e15, 123_456_789_012_345]) check(r);
    }
  });
  it('no decimal shortcut for scales that are not whole divisors of a power of ten', () => {
    for (const scale of [3, 7, 128, 1024, 65536, 0.5, 0.1, 2.5]) expect(decimalScale(scale)).toBeUndefined();
  });
  it('numbers and integers', () => {
    for (const v of [0, -0, 1, -1, 9, 10, 99, 100, 4294967295, -2147483648, 4294967296, -4294967296, 1e21, 1.5, -0.001, 1e-7, 420.20000000000005, NaN, Infinity, -Infinity]) {
      expect(text(putNumber(o, 0, v))).toBe(JSON.stringify(v));
    }
    for (const v of [0, 7, 65535, 4294967295, -1, -2147483648]) expect(text(putInt(o, 0, v))).toBe(JSON.stringify(v));
  });
  it('cached number text is keyed by the integer it comes from', () => {
    const c = new NumberTextCache();
    for (const r of [...integers(5000, 70_000), 4096, 0, 8192, 0, -4096]) expect(text(putCachedNumber(o, 0, c, r, r / 5 - 500))).toBe(JSON.stringify(r / 5 - 500));
  });
  it('FIT dates as ISO text with milliseconds; device times and dates past Date as numbers', () => {
    const iso = (t: number) => JSON.stringify(new Date((t + FIT_EPOCH_S) * 1000).toISOString());
    for (const t of [0x10000000, 0x10000001, 1_000_000_000, 1_000_086_399, 1_000_086_400, 0xfffffffe, 0xffffffff, 1_000_000_000.25, 8.64e12 - FIT_EPOCH_S]) {
      expect(text(putFitDate(o, 0, t))).toBe(iso(t));
    }
    for (const t of integers(20_000, 2 ** 32 - 0x10000000)) expect(text(putFitDate(o, 0, t + 0x10000000))).toBe(iso(t + 0x10000000));
    for (const t of [0, 1, 0x0fffffff, 8.64e12 - FIT_EPOCH_S + 1]) expect(text(putFitDate(o, 0, t))).toBe(JSON.stringify(t));
  });
});
