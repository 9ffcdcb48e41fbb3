/**
 * Number printing that matches OpenJDK 17 byte for byte.
 *
 * `fitkit dump` must produce the same CSV as Garmin's FitCSVTool, a Java program, so floats, doubles
 * and `-deg` coordinates have to be printed the way `Float.toString`, `Double.toString` and
 * `String.format("%.8f")` print them, not the way JavaScript does.
 */
import { degreesFromSemicircles } from '../fit/kit/semicircles.js';

/** A positive decimal 0.d1d2d3… × 10^decExp, the form Java's FloatingDecimal works with. */
interface Decimal {
  digits: string;
  decExp: number;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * Java's shared layout (FloatingDecimal.getChars): plain notation for 1e-3 <= |v| < 1e7, otherwise
 * d.dddE±n, always with at least one digit after the point. The digits are printed as given, so the
 * trailing zeros that JDK 17 sometimes produces survive, as they do in Java.
 */
function layout(negative: boolean, { digits, decExp }: Decimal): string {
  let body: string;
  if (decExp > 0 && decExp < 8) {
    const frac = digits.slice(decExp);
    body = digits.slice(0, decExp).padEnd(decExp, '0') + '.' + (frac || '0');
  } else if (decExp <= 0 && decExp > -3) {
    body = '0.' + '0'.repeat(-decExp) + digits;
  } else {
    body = digits[0] + '.' + (digits.slice(1) || '0') + 'E' + (decExp - 1);
  }
  return (negative ? '-' : '') + body;
}

/** The special values are spelled the same by every Java formatter used here. */
function special(v: number): string | undefined {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return undefined;
}

/**
 * Shortest round-tripping digits of a positive double. JavaScript already computes them; Java only
 * differs in wanting at least two significant digits, which changes the digits for subnormals alone
 * (Double.MIN_VALUE is 4.9E-324 in Java, 5e-324 in JavaScript).
 */
function doubleDecimal(v: number): Decimal {
  let [mantissa, exp] = v.toExponential().split('e');
  if (mantissa.length === 1) [mantissa, exp] = v.toExponential(1).split('e');
  const digits = mantissa.replace('.', '').replace(/(?<=.)0+$/, '');
  return { digits, decExp: Number(exp) + 1 };
}

/**
 * `Double.toString(v)`. Uses the shortest round-tripping digits, as JDK 19+ does. JDK 17 itself
 * occasionally prints a longer string (1e23 → "9.999999999999999E22", and often for integers of
 * 2^53 and more); that quirk is not reproduced. In samples of doubles below 1e7 it never showed up.
 */
export function formatJavaDouble(v: number): string {
  // Between 1e-3 and 1e7 both languages print the shortest digits in plain notation; Java adds
  // ".0" to an integer. (The digits are the same ones toExponential() gives, used below.)
  const a = v < 0 ? -v : v;
  if (a >= 1e-3 && a < 1e7) {
    const plain = String(v);
    return plain.indexOf('.') < 0 ? plain + '.0' : plain;
  }
  return formatJavaDoubleGeneral(v);
}

/** formatJavaDouble() without its fast path (tests compare the two). */
export function formatJavaDoubleGeneral(v: number): string {
  const s = special(v);
  if (s !== undefined) return s;
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  return layout(v < 0, doubleDecimal(Math.abs(v)));
}

const pow10 = (n: number): bigint => 10n ** BigInt(n);

/**
 * Fast path for shortestFloatDecimal, about five times quicker, using JavaScript's correctly rounded
 * p-digit decimals. Unless v is a power of two its rounding interval is symmetric, so some p-digit
 * decimal round-trips iff the nearest one does, and once one length works all longer ones do. Gives up
 * (undefined) when a decimal converts exactly onto an interval bound, where rounding through double
 * could mislead, or when two p-digit decimals might be equally near, which needs the even rule.
 */
function nearestRoundTrip(v: number, q: number): Decimal | undefined {
  const lo = v - 2 ** (q - 1);
  const hi = v + 2 ** (q - 1);
  const roundTrips = (p: number): boolean | undefined => {
    const d = Number(v.toExponential(p - 1));
    return d === lo || d === hi ? undefined : d > lo && d < hi;
  };
  let p = 7; // the usual answer; walk down or up from there
  let ok = roundTrips(p);
  if (ok) {
    while (p > 1) {
      const shorter = roundTrips(p - 1);
      if (shorter === undefined) return undefined;
      if (!shorter) break;
      p--;
    }
  } else {
    while (ok === false && p < 9) ok = roundTrips(++p);
    if (!ok) return undefined;
  }
  const tie = v.toExponential(p);
  if (Number(tie) === v && tie.split('e')[0].endsWith('5')) return undefined;
  const [mantissa, exp] = v.toExponential(p - 1).split('e');
  return { digits: mantissa.replace('.', '').replace(/0+$/, ''), decExp: Number(exp) + 1 };
}

/**
 * The digits Java (JDK 19+, and JDK 17 between 1e-3 and 1e7) chooses for a float: among the decimals
 * that round back to it, the shortest (but at least two digits), then the closest, then the even one.
 * All arithmetic is exact, with values scaled by 2^(2-q) so the rounding interval bounds are integers.
 */
function shortestFloatDecimal(m: bigint, q: number, v: number): Decimal {
  const fast = m > 0x800000n ? nearestRoundTrip(v, q) : undefined;
  if (fast) return fast;
  const x = 4n * m;
  const isLowerBinadeEdge = m === 0x800000n && q > -149; // the float below is only half as far away
  const lo = x - (isLowerBinadeEdge ? 1n : 2n);
  const hi = x + 2n;
  const inclusive = m % 2n === 0n; // ties round to even when parsing, so even floats own their bounds
  let e = Math.floor(Math.log10(Number(m) * 2 ** q)); // estimate of floor(log10(v)), fixed up below
  for (let p = 2; ; p++) {
    const k = e - p + 1; // candidates are c × 10^k with p digits
    const num = 2n ** BigInt(Math.max(q - 2, 0)) * pow10(Math.max(-k, 0));
    const den = 2n ** BigInt(Math.max(2 - q, 0)) * pow10(Math.max(k, 0));
    const c = (x * num) / den; // floor(v / 10^k)
    if (c >= pow10(p)) [e, p] = [e + 1, p - 1];
    else if (c < pow10(p - 1)) [e, p] = [e - 1, p - 1];
    else {
      const inside = (d: bigint): boolean => (inclusive ? lo * num <= d * den && d * den <= hi * num : lo * num < d * den && d * den < hi * num);
      const below = x * num - c * den; // distances to v, both scaled by den
      const above = (c + 1n) * den - x * num;
      let pick: bigint | undefined;
      if (inside(c) && inside(c + 1n)) pick = below < above || (below === above && c % 2n === 0n) ? c : c + 1n;
      else if (inside(c)) pick = c;
      else if (inside(c + 1n)) pick = c + 1n;
      if (pick !== undefined) {
        const digits = pick.toString();
        return { digits: digits.replace(/0+$/, ''), decExp: k + digits.length };
      }
    }
  }
}

/**
 * JDK 17's digit generation for floats (FloatingDecimal.BinaryToASCIIBuffer.dtoa, compatible format),
 * re-implemented from its published structure. It yields the shortest digits below 1e7 (every float
 * in 1e-3..1e7 was checked, smaller ones sampled), but often more digits above. Integers below 2^63 are printed from their exact value, less
 * a crude count of "insignificant" low digits (1.5e10f → "1.50000005E10"). Other values take the
 * digit loop, which always produces a second digit in scientific notation and whose stopping test
 * treats the rounding interval as symmetric and open. Java runs that loop in int, long or big-integer
 * arithmetic depending on the operands' size; the int and long versions can overflow (emulated here by
 * wrapping) and stop on ">" where the big-integer one stops on ">=".
 */
function jdk17FloatDecimal(m: bigint, q: number): Decimal {
  const binary = m.toString(2);
  const nSignificantBits = binary.length; // 24, or fewer for subnormals
  const nFractBits = binary.replace(/0+$/, '').length; // up to the lowest set bit
  const binExp = q + nSignificantBits - 1; // v = 1.xxx × 2^binExp
  const nTinyBits = Math.max(0, nFractBits - binExp - 1); // binary digits after the point

  if (nTinyBits === 0 && binExp <= 62) {
    const value = m << BigInt(q);
    // Java drops floor(log10(2^(binExp - 25))) low digits, rounding half-up, however exact they are.
    const drop = binExp > nSignificantBits ? (2n ** BigInt(binExp - nSignificantBits - 1)).toString().length - 1 : 0;
    const scale = pow10(drop);
    const kept = value / scale + (drop > 0 && value % scale >= scale / 2n ? 1n : 0n);
    const s = kept.toString();
    return { digits: s.replace(/0+$/, ''), decExp: s.length + drop };
  }

  const d2 = 1 + Number(m - (1n << BigInt(nSignificantBits - 1))) / 2 ** (nSignificantBits - 1);
  let decExp = Math.floor((d2 - 1.5) * 0.289529654 + 0.176091259 + binExp * 0.301029995663981) | 0;
  const B5 = Math.max(0, -decExp);
  const S5 = Math.max(0, decExp);
  let B2 = B5 + nTinyBits + binExp - (nFractBits - 1);
  let S2 = S5 + nTinyBits;
  let M2 = B5 + nTinyBits + binExp - nSignificantBits;
  const common = Math.min(B2, S2);
  [B2, S2, M2] = [B2 - common, S2 - common, M2 - common];
  if (nFractBits === 1) M2 -= 1; // power of two: the float below is closer
  if (M2 < 0) [B2, S2, M2] = [B2 - M2, S2 - M2, 0];

  const bits5 = (n: number): number => (n === 0 ? 0 : n < 27 ? (5n ** BigInt(n)).toString(2).length : n * 3);
  const bBits = nFractBits + B2 + bits5(B5);
  const tenSBits = S2 + 1 + bits5(S5 + 1);
  const width = bBits < 32 && tenSBits < 32 ? 32 : bBits < 64 && tenSBits < 64 ? 64 : 0;
  const wrap = (n: bigint): bigint => (width ? BigInt.asIntN(width, n) : n);
  const shl = (n: bigint, s: number): bigint => wrap(n << BigInt(width ? s & (width - 1) : s));

  const fract = m >> BigInt(nSignificantBits - nFractBits);
  let b = shl(wrap(fract * 5n ** BigInt(B5)), B2);
  const s = shl(5n ** BigInt(S5), S2);
  let mm = shl(5n ** BigInt(B5), M2);
  const tens = wrap(s * 10n);
  const digits: number[] = [];
  let low = false;
  let high = false;
  for (let first = true; first || (!low && !high); first = false) {
    const digit = Number(b / s);
    b = wrap(10n * (b % s));
    mm = wrap(mm * 10n);
    if (width && !first && mm <= 0n)
      low = high = true; // Java's guard against m overflowing
    else [low, high] = [b < mm, width ? wrap(b + mm) > tens : b + mm >= tens];
    if (first && digit === 0 && !high)
      decExp--; // the estimate was one too high
    else digits.push(digit);
    if (first && (decExp < -3 || decExp >= 8)) low = high = false; // E-form wants two digits
  }
  const lowDigitDifference = wrap(shl(b, 1) - tens);
  let decExponent = decExp + 1;
  const last = digits.length - 1;
  const roundUp = high && (!low || lowDigitDifference > 0n || (lowDigitDifference === 0n && digits[last] % 2 === 1));
  if (roundUp) {
    let i = last;
    while (digits[i] === 9 && i > 0) digits[i--] = 0;
    if (digits[i] === 9) [digits[0], decExponent] = [1, decExponent + 1];
    else digits[i]++;
  }
  return { digits: digits.join(''), decExp: decExponent };
}

/**
 * `Float.toString(v)`; v should be a float32 value and is rounded to one if not, like a Java (float)
 * cast. Between 1e-3 and 1e7 JDK 17 prints the shortest digits (checked against JDK 17 for every
 * float in that range); outside it, its own, often longer, digits are reproduced (jdk17FloatDecimal).
 */
export function formatJavaFloat(value: number): string {
  const v = Math.fround(value);
  if (v === 0 || v !== v) return formatFloat(v); // 0 and -0 are one key of a Map
  // Sensors repeat their values: the digit search is worth remembering.
  let s = floatCache.get(v);
  if (s === undefined) {
    s = formatFloat(v);
    if (floatCache.size >= FLOAT_CACHE) floatCache.clear();
    floatCache.set(v, s);
  }
  return s;
}

const FLOAT_CACHE = 1 << 16;
const floatCache = new Map<number, string>();

function formatFloat(v: number): string {
  const s = special(v);
  if (s !== undefined) return s;
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  f32[0] = v;
  const biased = (u32[0] >>> 23) & 0xff;
  const fraction = u32[0] & 0x7fffff;
  const m = BigInt(biased === 0 ? fraction : fraction | 0x800000); // |v| = m × 2^q
  const q = Math.max(biased, 1) - 150;
  const a = Math.abs(v);
  return layout(v < 0, a >= 1e-3 && a < 1e7 ? shortestFloatDecimal(m, q, a) : jdk17FloatDecimal(m, q));
}

/**
 * `String.format(Locale.US, "%.<precision>f", v)`. Java rounds the Double.toString digits half-up rather
 * than the exact binary value, so 1.000000005 (really 1.00000000499999…) prints as "1.00000001".
 * Like formatJavaDouble it starts from the shortest digits, so it inherits that function's one gap.
 */
export function formatJavaFixed(v: number, precision: number): string {
  const s = special(v);
  if (s !== undefined) return s;
  const negative = v < 0 || Object.is(v, -0);
  let { digits, decExp } = v === 0 ? { digits: '', decExp: 0 } : doubleDecimal(Math.abs(v));
  const keep = decExp + precision; // significant digits that survive
  if (keep < digits.length) {
    const roundUp = keep >= 0 && digits[keep] >= '5';
    const kept = BigInt('0' + digits.slice(0, Math.max(keep, 0))) + (roundUp ? 1n : 0n);
    digits = kept === 0n ? '' : kept.toString();
    decExp = kept === 0n ? 0 : decExp + digits.length - Math.max(keep, 0); // a carry adds a digit
  }
  const intPart = decExp > 0 ? digits.slice(0, decExp).padEnd(decExp, '0') : '0';
  const fracPart = (decExp >= 0 ? digits.slice(decExp) : '0'.repeat(-decExp) + digits).padEnd(precision, '0');
  return (negative ? '-' : '') + intPart + (precision > 0 ? '.' + fracPart.slice(0, precision) : '');
}

/** FitCSVTool's `-deg` output: semicircles → degrees in double precision, printed with "%.8f". */
export function formatJavaDegrees(semicircles: number): string {
  return formatJavaFixed(degreesFromSemicircles(semicircles), 8);
}
