/**
 * FIT base types (FIT protocol §"Base Types"): the type byte of a field definition.
 * The low 5 bits are the type number; bit 7 says the type is multi-byte ("endian ability").
 */

export const BaseType = {
  enum: 0x00,
  sint8: 0x01,
  uint8: 0x02,
  sint16: 0x83,
  uint16: 0x84,
  sint32: 0x85,
  uint32: 0x86,
  string: 0x07,
  float32: 0x88,
  float64: 0x89,
  uint8z: 0x0a,
  uint16z: 0x8b,
  uint32z: 0x8c,
  byte: 0x0d,
  sint64: 0x8e,
  uint64: 0x8f,
  uint64z: 0x90,
} as const;
export type BaseTypeName = keyof typeof BaseType;

/** How the decoder reads one element of a base type. */
export const Kind = {
  uint: 0,
  sint: 1,
  float: 2,
  string: 3,
  bigUint: 4,
  bigSint: 5,
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

export interface BaseTypeInfo {
  /** Type number, 0..16 (the type byte & 0x1F). */
  num: number;
  name: BaseTypeName;
  size: number;
  kind: Kind;
  /** The invalid sentinel; NaN for floats, '' for strings. */
  invalid: number | bigint | string;
}

function info(name: BaseTypeName, size: number, kind: Kind, invalid: number | bigint | string): BaseTypeInfo {
  return { num: BaseType[name] & 0x1f, name, size, kind, invalid };
}

/** Indexed by type number (type byte & 0x1F). */
export const BASE_TYPES: readonly BaseTypeInfo[] = [
  info('enum', 1, Kind.uint, 0xff),
  info('sint8', 1, Kind.sint, 0x7f),
  info('uint8', 1, Kind.uint, 0xff),
  info('sint16', 2, Kind.sint, 0x7fff),
  info('uint16', 2, Kind.uint, 0xffff),
  info('sint32', 4, Kind.sint, 0x7fffffff),
  info('uint32', 4, Kind.uint, 0xffffffff),
  info('string', 1, Kind.string, ''),
  info('float32', 4, Kind.float, NaN),
  info('float64', 8, Kind.float, NaN),
  info('uint8z', 1, Kind.uint, 0),
  info('uint16z', 2, Kind.uint, 0),
  info('uint32z', 4, Kind.uint, 0),
  info('byte', 1, Kind.uint, 0xff),
  info('sint64', 8, Kind.bigSint, 0x7fffffffffffffffn),
  info('uint64', 8, Kind.bigUint, 0xffffffffffffffffn),
  info('uint64z', 8, Kind.bigUint, 0n),
];

export const BASE_TYPE_BY_NAME: Readonly<Record<BaseTypeName, BaseTypeInfo>> = Object.fromEntries(BASE_TYPES.map((b) => [b.name, b])) as Record<BaseTypeName, BaseTypeInfo>;

/** Base type info for a definition's type byte, or undefined when the number is out of range. */
export function baseTypeOf(typeByte: number): BaseTypeInfo | undefined {
  return BASE_TYPES[typeByte & 0x1f];
}

/** True when `v` is the invalid sentinel of `bt` (any NaN for floats); docs/fitcsv-invalid-values.md §1. */
export function isInvalid(bt: BaseTypeInfo, v: number | bigint | string): boolean {
  if (bt.kind === Kind.float) return Number.isNaN(v as number);
  return v === bt.invalid;
}
