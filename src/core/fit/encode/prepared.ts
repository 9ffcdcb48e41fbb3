/**
 * A message written many times with the same fields (a record per sample): field names resolved
 * once, the definition shape and its key built once per set of fields present, values converted
 * and written straight into the writer's buffer, no object per message. The bytes, and the
 * errors for values a field cannot hold, are writeMessage's for the same values.
 */
import { FitkitError } from '../../errors.js';
import { BaseType, Kind, type BaseTypeInfo } from '../proto/base-types.js';
import type { Conversion } from './convert.js';
import { encodeValueInto } from './element.js';
import { shapeKey, type DefinitionShape } from './local-types.js';
import type { FitWriter } from './writer.js';

/** How one field's value becomes bytes (convert.ts `element` and element.ts `writeElement` for a number). */
interface FieldCode {
  bt: BaseTypeInfo;
  size: number;
  float: boolean;
  scaled: boolean;
  scale: number;
  offset: number;
  /** Raw range of an integer type. */
  min: number;
  max: number;
  what: string;
}

interface Layout {
  key: string;
  shape: DefinitionShape;
  /** Index into the values, and the code, of each field present. */
  from: number[];
  codes: FieldCode[];
  size: number;
}

export class PreparedMessage {
  readonly #writer: FitWriter;
  readonly #globalNum: number;
  readonly #nums: number[];
  readonly #codes: FieldCode[];
  readonly #layouts = new Map<number, Layout>();

  constructor(writer: FitWriter, globalNum: number, fields: readonly { num: number; conv: Conversion }[]) {
    if (fields.length > 30) throw new FitkitError('encode_definition', 'a prepared message has at most 30 fields');
    this.#writer = writer;
    this.#globalNum = globalNum;
    this.#nums = fields.map((f) => f.num);
    this.#codes = fields.map(({ conv: c }) => {
      const bt = c.baseType;
      if (bt.kind === Kind.string || bt.kind === Kind.bigSint || bt.kind === Kind.bigUint) throw new FitkitError('encode_definition', `${c.what}: a prepared message holds numbers of 32 bits or less`);
      const bits = bt.size * 8;
      const signed = bt.kind === Kind.sint;
      return {
        bt,
        size: bt.size,
        float: bt.kind === Kind.float,
        scaled: c.scale !== 1 || c.offset !== 0,
        scale: c.scale,
        offset: c.offset,
        min: signed ? -(2 ** (bits - 1)) : 0,
        max: signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1,
        what: c.what,
      };
    });
  }

  /** One message: numbers in the prepared fields' order, undefined for a field left out. */
  write(values: readonly (number | undefined)[]): void {
    let mask = 0;
    for (let i = 0; i < this.#codes.length; i++) if (values[i] !== undefined) mask |= 1 << i;
    const layout = this.#layouts.get(mask) ?? this.#layout(mask);
    const w = this.#writer;
    let at = w.reserveKeyed(layout.key, layout.shape, layout.size);
    const b = w.buffer;
    const dv = w.view;
    const { from, codes } = layout;
    for (let j = 0; j < codes.length; j++) {
      const f = codes[j];
      const v = values[from[j]]!;
      const raw = f.scaled ? Math.round((v + f.offset) * f.scale) : f.float ? v : Math.round(v);
      if (f.float) {
        if (Number.isNaN(raw)) b.fill(0xff, at, at + f.size);
        else if (f.size === 4) dv.setFloat32(at, raw, true);
        else dv.setFloat64(at, raw, true);
      } else if (!Number.isInteger(raw) || raw < f.min || raw > f.max) {
        // Throws the encoder's error for a value the field cannot hold.
        encodeValueInto(b, dv, at, f.bt, f.size, raw, f.what);
      } else {
        const u = raw < 0 ? raw + f.max * 2 + 2 : raw;
        if (f.size === 1) b[at] = u;
        else if (f.size === 2) dv.setUint16(at, u, true);
        else dv.setUint32(at, u, true);
      }
      at += f.size;
    }
  }

  #layout(mask: number): Layout {
    const from: number[] = [];
    this.#codes.forEach((_, i) => {
      if (mask & (1 << i)) from.push(i);
    });
    const codes = from.map((i) => this.#codes[i]);
    const fields = from.map((i) => ({ num: this.#nums[i], size: this.#codes[i].size, type: BaseType[this.#codes[i].bt.name] }));
    const shape: DefinitionShape = { globalNum: this.#globalNum, fields, devFields: [] };
    const layout = { key: shapeKey(shape), shape, from, codes, size: codes.reduce((n, c) => n + c.size, 0) };
    this.#layouts.set(mask, layout);
    return layout;
  }
}
