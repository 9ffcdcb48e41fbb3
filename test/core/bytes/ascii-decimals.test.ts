import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { putDec3, putToFixed } from '../../../src/core/bytes/ascii-decimals.js';

const buf = new Uint8Array(64);
const text = (end: number) => String.fromCharCode(...buf.subarray(0, end));

// The string formatting the byte writer replaces (gpx.ts's deg()), as the reference.
const toFixedRef = (v: number, places: number) => {
  const scale = 10 ** places;
  const n = Math.round(Math.abs(v) * scale);
  const whole = Math.floor(n / scale);
  const frac = String(n - whole * scale);
  return (v < 0 && n !== 0 ? '-' : '') + whole + '.' + '0'.repeat(places - frac.length) + frac;
};

describe('decimal writers', () => {
  it('prints degrees with 9 decimals digit for digit like the string formatter (and toFixed where exact)', () => {
    fc.assert(
      fc.property(fc.double({ min: -180, max: 180, noNaN: true }), (v) => {
        expect(text(putToFixed(buf, 0, v, 9))).toBe(toFixedRef(v, 9));
      }),
      { numRuns: 5000 },
    );
    // Semicircle positions, what GPX points really hold.
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (s) => {
        const v = (s * 180) / 2 ** 31;
        expect(text(putToFixed(buf, 0, v, 9))).toBe(toFixedRef(v, 9));
      }),
    );
    expect(text(putToFixed(buf, 0, -0.0000000001, 9))).toBe('0.000000000');
    expect(text(putToFixed(buf, 0, 5, 9))).toBe('5.000000000');
    expect(text(putToFixed(buf, 0, -1.5, 1))).toBe('-1.5');
    expect(text(putToFixed(buf, 0, 3e12, 2))).toBe((3e12).toFixed(2));
  });

  it('prints up to 3 decimals exactly as String(Math.round(v * 1000) / 1000)', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), (v) => {
        expect(text(putDec3(buf, 0, v))).toBe(String(Math.round(v * 1000) / 1000));
      }),
      { numRuns: 5000 },
    );
    for (const v of [0, -0, 0.0004, -0.0004, 0.005, 0.05, 1.2, 419.6, -12.345, 1e9, -3e12]) {
      expect(text(putDec3(buf, 0, v))).toBe(String(Math.round(v * 1000) / 1000));
    }
  });

  it('writes at the offset given and returns the offset after', () => {
    buf.fill(0);
    const end = putDec3(buf, 3, 12.5);
    expect(end).toBe(7);
    expect(text(end).slice(3)).toBe('12.5');
    expect(buf[0]).toBe(0);
  });
});
