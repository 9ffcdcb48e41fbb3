/**
 * Local message types 0..15 for the encoder: a definition is written once per shape and reused
 * while it stays among the 16 most recently used; the least recently used one is redefined when
 * a 17th shape arrives. Ref: FIT protocol, "Local Message Type" (a definition stays in force
 * until its local type is redefined).
 */

/** What a definition message declares: one entry per field, in order. */
export interface DefinitionShape {
  globalNum: number;
  fields: readonly { num: number; size: number; type: number }[];
  devFields: readonly { num: number; size: number; devIndex: number }[];
}

export function shapeKey(s: DefinitionShape): string {
  let k = `${s.globalNum}`;
  for (const f of s.fields) k += `,${f.num}:${f.size}:${f.type}`;
  if (s.devFields.length > 0) k += '|';
  for (const f of s.devFields) k += `,${f.devIndex}:${f.num}:${f.size}`;
  return k;
}

export class LocalTypes {
  readonly #size: number;
  /** shape key → local type, in least-recently-used-first order (Map keeps insertion order). */
  #byKey = new Map<string, number>();

  constructor(size = 16) {
    if (size < 1 || size > 16) throw new RangeError('local types: 1..16');
    this.#size = size;
  }

  /** The local type for a shape, and whether its definition must be written first. */
  take(key: string): { local: number; define: boolean } {
    const hit = this.#byKey.get(key);
    if (hit !== undefined) {
      this.#byKey.delete(key);
      this.#byKey.set(key, hit);
      return { local: hit, define: false };
    }
    let local = this.#byKey.size;
    if (local >= this.#size) {
      const [oldest, l] = this.#byKey.entries().next().value as [string, number];
      this.#byKey.delete(oldest);
      local = l;
    }
    this.#byKey.set(key, local);
    return { local, define: true };
  }
}
