/**
 * The digit writers (bytes/ascii-digits.ts, and the CSV rows' Java decimals) against the text they stand for: String() for
 * integers, formatJavaDouble() (java-number.ts, checked against Java) for integers over 10^k,
 * over many random values of every size and the edges between the ways they are written.
 */
import { describe, expect, it } from 'vitest';
import { putAscii, putInt } from '../../../src/core/bytes/ascii-digits.js';
import { putDecimal } from '../../../src/core/formats/fitcsv-digits.js';
import { formatJavaDouble } from '../../../src/core/formats/java-number.js';
import { mulberry32 } from '../../helpers/random.js';

const buf = new Uint8Array(64);
const text = (end: number) => String.fromCharCode(...buf.subarray(0, end));

/** Integers of every magnitude up to 2^53, both signs, and the powers of ten and two around them. */
function integers(n: number): number[] {
  const r = mulberry32(17);
  const out: number[] = [0, -0, 1, -1, 9, 10, 99, 100, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), 2 ** 32 - 1, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, 1e21, -1e21];
  for (let e = 0; e <= 16; e++) for (const d of [-1, 0, 1]) out.push(10 ** e + d, -(10 ** e) + d);
  for (let i = 0; i < n; i++) {
    const v = Math.floor(r() * 10 ** Math.floor(r() * 16));
    out.push(r() < 0.3 ? -v : v);
  }
  return out;
}

describe('putInt', () => {
  it('writes String(v) for integers of every size', () => {
    for (const v of integers(50_000)) expect(text(putInt(buf, 0, v))).toBe(String(v));
  });

  it('writes String(v) for what is not an integer below 2^53 too', () => {
    for (const v of [0.5, -2.25, NaN, Infinity, -Infinity, 1e300, 2 ** 60, -(2 ** 60), 123456789.125]) expect(text(putInt(buf, 0, v))).toBe(String(v));
  });

  it('writes at the offset given and returns the end', () => {
    buf.fill(0);
    expect(putInt(buf, 3, -42)).toBe(6);
    expect(text(6).slice(3)).toBe('-42');
  });
});

describe('putDecimal', () => {
  it('writes formatJavaDouble(v / 10^k) where it applies, and nothing (-1) elsewhere', () => {
    let written = 0;
    for (let k = 1; k <= 6; k++) {
      const scale = 10 ** k;
      for (const v of integers(20_000)) {
        const end = putDecimal(buf, 0, v, scale, k);
        const java = formatJavaDouble(v / scale);
        if (end < 0) {
          // Left to the formatter: outside plain notation, or too many digits to be exact.
          const a = Math.abs(v);
          expect(a < scale / 1000 || a >= 1e7 * scale || a >= 1e15 || !Number.isInteger(v)).toBe(true);
          continue;
        }
        written++;
        expect(`${v}/${scale}: ${text(end)}`).toBe(`${v}/${scale}: ${java}`);
      }
    }
    expect(written).toBeGreaterThan(50_000);
  });

  it('leaves non-integers to the formatter', () => {
    expect(putDecimal(buf, 0, 12.5, 10, 1)).toBe(-1);
    expect(putDecimal(buf, 0, NaN, 10, 1)).toBe(-1);
  });
});

describe('putAscii', () => {
  it('writes the characters', () => {
    expect(text(putAscii(buf, 0, '-1.5E-7'))).toBe('-1.5E-7');
  });
});
