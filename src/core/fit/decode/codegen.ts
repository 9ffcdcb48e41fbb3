/**
 * What the compiled readers (objects.ts) and the compiled column writers (column-writer.ts)
 * share: the generated reads of a record's bytes (`b[p + i]` / `dv`), the type a field is read
 * as, and the accumulator seeds they hand to the Interpreter.
 */
import { Kind, type BaseTypeInfo } from '../proto/base-types.js';
import type { Interpreter } from './interpret.js';

/**
 * The type compiled code reads a field as, or undefined when the Interpreter must read it. A
 * field declared with another type of its profile type's size is read as the profile type, as
 * the Interpreter does (docs/fitcsv-invalid-values.md §2a); a declared float or string leaves its
 * bytes to the Interpreter, whose reading of them the CSV uses too.
 */
export function compiledReadType(declared: BaseTypeInfo, profile: BaseTypeInfo | undefined): BaseTypeInfo | undefined {
  const retyped = profile !== undefined && profile.size === declared.size && profile !== declared;
  if (retyped && (declared.kind === Kind.float || declared.kind === Kind.string)) return undefined;
  return retyped ? profile : declared;
}

/**
 * Accumulating fields (record.distance) read by compiled code: their last raw value is only
 * needed when a later message goes through the Interpreter (compressed_speed_distance), so the
 * generated code notes it in a slot (`s[k] = raw`) and it is handed over only then.
 */
export class AccumulatorSeeds {
  /** By slot; undefined once handed on. The generated code writes here. */
  readonly values: (number | undefined)[] = [];
  #keys: [mesg: number, field: number][] = [];
  #slots = new Map<number, number>();

  /** The slot of a message's accumulating field, allocated on first use. */
  slot(mesg: number, field: number): number {
    const key = mesg * 256 + field;
    let slot = this.#slots.get(key);
    if (slot === undefined) {
      slot = this.#keys.push([mesg, field]) - 1;
      this.#slots.set(key, slot);
      this.values.length = slot + 1;
    }
    return slot;
  }

  /** Hands every noted value to the Interpreter. */
  flush(interp: Interpreter): void {
    const v = this.values;
    for (let i = 0; i < v.length; i++) {
      if (v[i] === undefined) continue;
      interp.seedAccumulator(this.#keys[i][0], this.#keys[i][1], v[i]!);
      v[i] = undefined;
    }
  }
}

/** Source of one read of a numeric element at byte `o` of the record; undefined for 64-bit integers. */
export function readExpr(bt: BaseTypeInfo, o: number, be: boolean): string | undefined {
  const at = (i: number) => `b[p + ${o + i}]`;
  switch (bt.size) {
    case 1:
      return bt.kind === Kind.sint ? `(${at(0)} << 24 >> 24)` : at(0);
    case 2: {
      const u = be ? `(${at(0)} << 8 | ${at(1)})` : `(${at(0)} | ${at(1)} << 8)`;
      return bt.kind === Kind.sint ? `(${u} << 16 >> 16)` : u;
    }
    case 4: {
      if (bt.kind === Kind.float) return `dv.getFloat32(p + ${o}, ${!be})`;
      const u = be ? `(${at(0)} << 24 | ${at(1)} << 16 | ${at(2)} << 8 | ${at(3)})` : `(${at(0)} | ${at(1)} << 8 | ${at(2)} << 16 | ${at(3)} << 24)`;
      return bt.kind === Kind.sint ? `(${u} | 0)` : `(${u} >>> 0)`;
    }
    case 8:
      return bt.kind === Kind.float ? `dv.getFloat64(p + ${o}, ${!be})` : undefined;
  }
  return undefined;
}

/** Source of `raw / scale - offset`, without the no-op parts (the same expression as values.ts computes). */
export function scaled(raw: string, scale: number, offset: number): string {
  const v = scale === 1 ? raw : `${raw} / ${scale}`;
  return offset === 0 ? v : `(${v} - ${offset})`;
}
