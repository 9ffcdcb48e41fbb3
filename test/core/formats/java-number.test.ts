import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatJavaDegrees, formatJavaDouble, formatJavaDoubleGeneral, formatJavaFixed, formatJavaFloat } from '../../../src/core/formats/java-number.js';

// Every expected string below was printed by OpenJDK 17.0.15 (values converted at run time, so
// javac's constant folding could not interfere).

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const floatFromBits = (bits: number): number => {
  u32[0] = bits;
  return f32[0];
};
const bitsOfFloat = (v: number): number => {
  f32[0] = v;
  return u32[0];
};

const PLAIN = /^-?\d+\.\d+$/;
const SCIENTIFIC = /^-?\d\.\d+E-?\d+$/;

/** Significant digits of a Java-formatted number, without leading or trailing zeros. */
const significand = (s: string): string =>
  s
    .replace(/[eE].*$/, '')
    .replace(/[-.]/g, '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');

describe('formatJavaDouble', () => {
  it.each<[number, string]>([
    [0.02, '0.02'],
    [5, '5.0'],
    [510, '510.0'],
    [278.20000000000005, '278.20000000000005'],
    [1234567.5, '1234567.5'],
    [12345678.9, '1.23456789E7'],
    [3.0517578125e-5, '3.0517578125E-5'],
    [1e7, '1.0E7'],
    [-1.5e-4, '-1.5E-4'],
    [100, '100.0'],
    [1e-4, '1.0E-4'],
    [0.30000000000000004, '0.30000000000000004'],
    [123456.789, '123456.789'],
    [-1234.5, '-1234.5'],
    [0.001, '0.001'],
    [0.0009999999999999998, '9.999999999999998E-4'],
    [9999999.999999998, '9999999.999999998'],
    [1e21, '1.0E21'],
    [1e100, '1.0E100'],
    [6.02214076e23, '6.02214076E23'],
    [1.7976931348623157e308, '1.7976931348623157E308'],
    [2.2250738585072014e-308, '2.2250738585072014E-308'],
    [Number.MIN_VALUE, '4.9E-324'], // Java wants two digits; JavaScript prints 5e-324
  ])('%s → %s', (v, want) => {
    expect(formatJavaDouble(v)).toBe(want);
  });

  it('prints zeros and special values like Java', () => {
    expect(formatJavaDouble(0)).toBe('0.0');
    expect(formatJavaDouble(-0)).toBe('-0.0');
    expect(formatJavaDouble(NaN)).toBe('NaN');
    expect(formatJavaDouble(Infinity)).toBe('Infinity');
    expect(formatJavaDouble(-Infinity)).toBe('-Infinity');
  });

  it('uses the shortest digits, not JDK 17’s occasional longer ones', () => {
    expect(formatJavaDouble(1e23)).toBe('1.0E23'); // JDK 17: 9.999999999999999E22
  });

  it('parses back to the same double', () => {
    fc.assert(
      fc.property(fc.double(), (v) => {
        expect(Object.is(Number(formatJavaDouble(v)), v)).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it('uses plain notation exactly for 1e-3 <= |v| < 1e7 and the same digits as JavaScript', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
        const out = formatJavaDouble(v);
        const a = Math.abs(v);
        expect(out).toMatch(a >= 1e-3 && a < 1e7 ? PLAIN : a === 0 ? /^-?0\.0$/ : SCIENTIFIC);
        if (a >= 2.2250738585072014e-308) expect(significand(out)).toBe(significand(a.toExponential()));
      }),
      { numRuns: 20_000 },
    );
  });

  it('prints 1e-3 <= |v| < 1e7 through its fast path exactly as through the general one', () => {
    const inRange = fc.oneof(
      fc.double({ min: 1e-3, max: 1e7, maxExcluded: true, noNaN: true }),
      fc.double({ min: -1e7, max: -1e-3, minExcluded: true, noNaN: true }),
      // What FIT scale and offset make: integers divided by 10^k, less an offset.
      fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.constantFrom(1, 5, 10, 100, 1000, 1e6), fc.constantFrom(0, 500, 1000)).map(([r, s, o]) => r / s - o),
    );
    fc.assert(
      fc.property(inRange, (v) => {
        expect(formatJavaDouble(v)).toBe(formatJavaDoubleGeneral(v));
      }),
      { numRuns: 50_000 },
    );
    for (const v of [1e-3, -1e-3, 9999999.999999998, 100, -100, 0.30000000000000004]) expect(formatJavaDouble(v)).toBe(formatJavaDoubleGeneral(v));
  });
});

/**
 * An exact oracle for Java's choice among decimals: |c × 10^e − v| scaled to an integer, where the float
 * v = m × 2^q.
 */
function distance(c: bigint, e: number, v: number): bigint {
  const bits = bitsOfFloat(Math.abs(v));
  const biased = (bits >>> 23) & 0xff;
  const m = BigInt(biased === 0 ? bits & 0x7fffff : (bits & 0x7fffff) | 0x800000);
  const q = (biased === 0 ? 1 : biased) - 150;
  const scale = (n: bigint, p2: number, p10: number): bigint => n * 2n ** BigInt(p2) * 10n ** BigInt(p10);
  const diff = scale(c, Math.max(-q, 0), Math.max(e, 0)) - scale(m, Math.max(q, 0), Math.max(-e, 0));
  return diff < 0n ? -diff : diff;
}

/** The p-significant-digit decimals around v: [coefficient, exponent] pairs. */
function gridAround(v: number, p: number): Array<[bigint, number]> {
  const [mantissa, exp] = Math.abs(v)
    .toExponential(p - 1)
    .split('e');
  const c = BigInt(mantissa.replace('.', ''));
  const e = Number(exp) - (p - 1);
  return [c - 1n, c, c + 1n].map((x): [bigint, number] => [x, e]);
}

const roundTripsAsFloat = ([c, e]: [bigint, number], v: number): boolean => Math.fround(Number(`${c}e${e}`)) === Math.abs(v);

describe('formatJavaFloat', () => {
  it.each<[number, string]>([
    [0x4a226961, '2660952.2'], // 2660952.25: a tie, broken towards the even digit
    [0x41053549, '8.325509'],
    [0x40200000, '2.5'],
    [0x3f800000, '1.0'],
    [0x3f800001, '1.0000001'],
    [0x3effffff, '0.49999997'],
    [0x40490fdb, '3.1415927'],
    [0x3dcccccd, '0.1'],
    [0x3a83126f, '0.001'],
    [0x3b03126f, '0.002'],
    [0x4b18967f, '9999999.0'],
    [0x4b189680, '1.0E7'],
    [0x3a83126e, '9.999999E-4'],
    [0x38000000, '3.0517578E-5'],
    [0x322bcc77, '1.0E-8'],
    [0x4b7fffff, '1.6777215E7'],
    [0x4b800000, '1.6777216E7'],
    [0x7f7fffff, '3.4028235E38'],
    [0x00800000, '1.17549435E-38'],
    [0x007fffff, '1.1754942E-38'],
    [0x00000001, '1.4E-45'],
    [0x80000001, '-1.4E-45'],
    // JDK 17 prints more digits than needed for these; the shortest would be 1.5E10, 2.147484E9, ...
    [0x505f8476, '1.50000005E10'],
    [0x4f000000, '2.14748365E9'],
    [0xcf000000, '-2.14748365E9'],
    [0x4ceb79a3, '1.23456792E8'],
    [0x4c001706, '3.3578008E7'],
    [0x5f000000, '9.223372E18'],
    [0x5f800001, '1.8446746E19'],
    [0x6c000000, '6.1897002E26'],
    [0x68fdb011, '9.5840525E24'], // shortest: 9.5840526E24
  ])('bits %s', (bits, want) => {
    expect(formatJavaFloat(floatFromBits(bits))).toBe(want);
  });

  it('prints zeros and special values like Java', () => {
    expect(formatJavaFloat(0)).toBe('0.0');
    expect(formatJavaFloat(-0)).toBe('-0.0');
    expect(formatJavaFloat(NaN)).toBe('NaN');
    expect(formatJavaFloat(Infinity)).toBe('Infinity');
    expect(formatJavaFloat(-Infinity)).toBe('-Infinity');
  });

  it('keeps 0 and -0 apart though it remembers values it printed', () => {
    for (const v of [0, -0, 0, 1.5, -1.5, 1.5]) expect(formatJavaFloat(v)).toBe(Object.is(v, -0) ? '-0.0' : v === 0 ? '0.0' : String(v));
  });

  it('rounds a non-float input to float32 first, like a Java cast', () => {
    expect(formatJavaFloat(0.1)).toBe('0.1');
    expect(formatJavaFloat(9999999.7)).toBe('1.0E7');
    expect(formatJavaFloat(1e-50)).toBe('0.0');
    expect(formatJavaFloat(-1e-50)).toBe('-0.0');
    expect(formatJavaFloat(1e39)).toBe('Infinity');
  });

  const inPlainRange = fc
    .tuple(fc.float({ min: Math.fround(1e-3), max: Math.fround(1e7), noNaN: true }), fc.boolean())
    .filter(([v]) => v >= 1e-3 && v < 1e7)
    .map(([v, negative]) => (negative ? -v : v));

  it('between 1e-3 and 1e7: the shortest round-tripping digits, nearest, ties to even', () => {
    fc.assert(
      fc.property(inPlainRange, (v) => {
        const out = formatJavaFloat(v);
        expect(out).toMatch(PLAIN);
        expect(Math.fround(parseFloat(out))).toBe(v);

        const digits = significand(out);
        const n = digits.length;
        // No shorter decimal round-trips (Java never prints fewer than two digits, so "5.0" is fine).
        if (n >= 2) for (const d of gridAround(v, n - 1)) expect(roundTripsAsFloat(d, v)).toBe(false);

        // No other n-digit decimal that round-trips is nearer; at equal distance ours ends in an even digit.
        const ours: [bigint, number] = [BigInt(digits), gridAround(v, n)[1][1]];
        const oursDistance = distance(ours[0], ours[1], v);
        for (const d of gridAround(v, n)) {
          if (d[0] === ours[0] || !roundTripsAsFloat(d, v)) continue;
          const other = distance(d[0], d[1], v);
          expect(other >= oursDistance).toBe(true);
          if (other === oursDistance) expect(Number(digits.at(-1)) % 2).toBe(0);
        }
      }),
      { numRuns: 20_000 },
    );
  });

  it('outside 1e-3..1e7: scientific notation that round-trips', () => {
    const outside = fc.float({ noNaN: true, noDefaultInfinity: true }).filter((v) => v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e7));
    fc.assert(
      fc.property(outside, (v) => {
        const out = formatJavaFloat(v);
        expect(out).toMatch(SCIENTIFIC);
        expect(Math.fround(parseFloat(out))).toBe(v);
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('formatJavaFixed', () => {
  it.each<[number, string]>([
    [0, '0.00000000'],
    [-0, '-0.00000000'],
    [1e-10, '0.00000000'],
    [-1e-10, '-0.00000000'],
    [1e-9, '0.00000000'],
    [2.5e-9, '0.00000000'],
    [4.9999e-9, '0.00000000'],
    [5e-9, '0.00000001'],
    [0.5, '0.50000000'],
    [1.000000005, '1.00000001'], // the double is 1.00000000499999…, but Java rounds "1.000000005"
    [9.999999995, '10.00000000'],
    [99.999999995, '100.00000000'],
    // eslint-disable-next-line no-loss-of-precision -- the literal's nearest double is what is printed
    [123456789.123456789, '123456789.12345679'],
    [1e20, '100000000000000000000.00000000'],
    [Number.MIN_VALUE, '0.00000000'],
    [NaN, 'NaN'],
    [Infinity, 'Infinity'],
    [-Infinity, '-Infinity'],
  ])('%s → %s', (v, want) => {
    expect(formatJavaFixed(v, 8)).toBe(want);
  });

  it('handles other precisions', () => {
    expect(formatJavaFixed(2.5, 0)).toBe('3');
    expect(formatJavaFixed(0.125, 2)).toBe('0.13');
    expect(formatJavaFixed(-0.004, 2)).toBe('-0.00');
    expect(formatJavaFixed(1.5, 3)).toBe('1.500');
  });
});

describe('formatJavaDegrees', () => {
  it.each<[number, string]>([
    [0, '0.00000000'],
    [1, '0.00000008'],
    [-1, '-0.00000008'],
    [495280430, '41.51392607'],
    [2147483647, '179.99999992'],
    [-2147483647, '-179.99999992'],
    [-2147483648, '-180.00000000'],
    [1073741824, '90.00000000'],
    [-1073741823, '-89.99999992'],
    [123456789, '10.34802851'],
    [1579717770, '132.41041387'], // shortest double 132.410413865
    [-1927039557, '-161.52258975'], // shortest double -161.522589745
    [-1802502144, '-151.08398438'], // exactly -151.083984375
  ])('%s semicircles → %s', (semicircles, want) => {
    expect(formatJavaDegrees(semicircles)).toBe(want);
  });

  it('rounds the shortest decimal half-up where toFixed rounds the binary value', () => {
    const degrees = 2023994811 * (180 / 2 ** 31);
    expect(String(degrees)).toBe('169.649285255');
    expect(degrees.toFixed(8)).toBe('169.64928525');
    expect(formatJavaDegrees(2023994811)).toBe('169.64928526');
  });

  it('is the shortest decimal of the degrees rounded half-up to 8 places', () => {
    const semicircles = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }).filter((s) => Math.abs(s) >= 1024);
    fc.assert(
      fc.property(semicircles, (s) => {
        const degrees = s * (180 / 2 ** 31);
        const [int, frac = ''] = String(Math.abs(degrees)).split('.');
        const nine = frac.padEnd(9, '0');
        const scaled = BigInt(int + nine.slice(0, 8)) + (nine[8] >= '5' ? 1n : 0n);
        const text = scaled.toString().padStart(9, '0');
        const want = `${degrees < 0 ? '-' : ''}${text.slice(0, -8)}.${text.slice(-8)}`;
        expect(formatJavaDegrees(s)).toBe(want);
      }),
      { numRuns: 50_000 },
    );
  });
});
