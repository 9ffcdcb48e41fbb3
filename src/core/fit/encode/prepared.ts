/**
 * A message written many times with the same fields (a record per sample): field names resolved
 * once, the definition shape and its key built once per set of fields present, no object per
 * message. The bytes are writeMessage's for the same values.
 */
import { FitkitError } from '../../errors.js';
import { BaseType, Kind } from '../proto/base-types.js';
import type { Profile } from '../profile/profile.js';
import { toRaw, type Conversion } from './convert.js';
import { shapeKey, type DefinitionShape } from './local-types.js';
import type { FitWriter, RawField } from './writer.js';

interface Layout {
  key: string;
  shape: DefinitionShape;
  /** The shape's fields; their values are set for each message. */
  fields: RawField[];
  /** Index into the values of each field present. */
  from: number[];
}

export class PreparedMessage {
  readonly #profile: Profile;
  readonly #writer: FitWriter;
  readonly #globalNum: number;
  readonly #nums: number[];
  readonly #convs: Conversion[];
  readonly #layouts = new Map<number, Layout>();

  constructor(profile: Profile, writer: FitWriter, globalNum: number, fields: readonly { num: number; conv: Conversion }[]) {
    if (fields.length > 30) throw new FitkitError('encode_definition', 'a prepared message has at most 30 fields');
    for (const f of fields) {
      const k = f.conv.baseType.kind;
      if (k === Kind.string || k === Kind.bigSint || k === Kind.bigUint) throw new FitkitError('encode_definition', `${f.conv.what}: a prepared message holds numbers of 32 bits or less`);
    }
    this.#profile = profile;
    this.#writer = writer;
    this.#globalNum = globalNum;
    this.#nums = fields.map((f) => f.num);
    this.#convs = fields.map((f) => f.conv);
  }

  /** One message: `values` in the prepared fields' order, undefined or NaN-free numbers (undefined: left out). */
  write(values: readonly (number | undefined)[]): void {
    let mask = 0;
    for (let i = 0; i < this.#convs.length; i++) if (values[i] !== undefined) mask |= 1 << i;
    const layout = this.#layouts.get(mask) ?? this.#layout(mask);
    const { fields, from } = layout;
    for (let j = 0; j < fields.length; j++) fields[j].value = toRaw(this.#profile, this.#convs[from[j]], values[from[j]]) as number;
    this.#writer.writeKeyed(layout.key, layout.shape, fields);
  }

  #layout(mask: number): Layout {
    const fields: RawField[] = [];
    const from: number[] = [];
    this.#convs.forEach((c, i) => {
      if (!(mask & (1 << i))) return;
      fields.push({ num: this.#nums[i], size: c.baseType.size, type: BaseType[c.baseType.name], value: 0, what: c.what });
      from.push(i);
    });
    const shape: DefinitionShape = { globalNum: this.#globalNum, fields, devFields: [] };
    const layout = { key: shapeKey(shape), shape, fields, from };
    this.#layouts.set(mask, layout);
    return layout;
  }
}
