/**
 * Field values as the GPX conversion uses them, whatever a file holds: a field can come as an
 * array (a definition declaring several elements), null (invalid), a bigint (64-bit types), a
 * string where a number was expected, or a float64 of any size when its base type was changed.
 * These take the first element of an array and give undefined for anything unusable, so no
 * writer ever sees a value it cannot print.
 */

const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v);

/** A finite number small enough to print without an exponent. */
export function numberValue(v: unknown): number | undefined {
  const x = typeof v === 'number' ? v : first(v);
  return typeof x === 'number' && Math.abs(x) < 1e15 ? x : undefined;
}

/** A FIT time (seconds, uint32 range): anything else would not make a valid date. */
export function fitTimeValue(v: unknown): number | undefined {
  const x = typeof v === 'number' ? v : first(v);
  return typeof x === 'number' && x >= 0 && x <= 0xffffffff ? x : undefined;
}

/** Non-empty text: a string, or a number or bigint (an enum value with no name) in decimal. */
export function textValue(v: unknown): string | undefined {
  const x = first(v);
  if (typeof x === 'string') return x || undefined;
  if (typeof x === 'bigint' || (typeof x === 'number' && Number.isFinite(x))) return String(x);
  return undefined;
}

/** An enum value: its name, or its number when the profile has none. */
export function enumValue(v: unknown): string | number | undefined {
  const x = first(v);
  return typeof x === 'string' ? x || undefined : typeof x === 'number' && Number.isFinite(x) ? x : undefined;
}
