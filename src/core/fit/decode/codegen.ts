/**
 * Pieces of generated source shared by the compiled readers (objects.ts) and the compiled column
 * writers (column-writer.ts): both read a record's bytes as `b[p + i]` / `dv`, the same way.
 */
import { Kind, type BaseTypeInfo } from '../proto/base-types.js';

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
      const u = be
        ? `(${at(0)} << 24 | ${at(1)} << 16 | ${at(2)} << 8 | ${at(3)})`
        : `(${at(0)} | ${at(1)} << 8 | ${at(2)} << 16 | ${at(3)} << 24)`;
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
