/**
 * The FIT encoder: messages by profile name or number, fields by name (subfield names too),
 * interpreted values converted to raw, developer fields described by the field_description
 * messages written before them. Bytes go to a FitSink; `encodeFit` gives a whole buffer.
 */
import { FitkitError } from '../../errors.js';
import { BASE_TYPES, BaseType, Kind, type BaseTypeInfo } from '../proto/base-types.js';
import type { Profile } from '../profile/profile.js';
import type { FieldDef, MessageDef } from '../profile/types.js';
import type { RawValue } from '../decode/frames.js';
import { encodeValue, valueSize } from './element.js';
import { toRaw, type Conversion, type InField } from './convert.js';
import { PreparedMessage } from './prepared.js';
import { BufferSink, type FitSink } from './sink.js';
import { FitWriter, type RawDevField, type RawField, type WriterOptions } from './writer.js';

export type FieldValues = Record<string, InField>;

export interface WriteOptions {
  /** Developer fields by field_name (or `developer_<index>_<num>`), described earlier in the file. */
  developer?: FieldValues;
}

interface DevDescription extends Conversion {
  devIndex: number;
  num: number;
  name: string;
}

const FIELD_DESCRIPTION = 206;

export class FitEncoder {
  readonly profile: Profile;
  readonly #writer: FitWriter;
  #dev = new Map<string, DevDescription>();
  /** Field lookups by message and name: a file writes the same few thousands of times. */
  #resolved = new Map<MessageDef, Map<string, { field: FieldDef; conv: Conversion }>>();

  constructor(profile: Profile, sink: FitSink, opts: WriterOptions = {}) {
    this.profile = profile;
    const [major, minor] = profile.version.split('.').map(Number);
    const profileVersion = opts.profileVersion ?? (Number.isFinite(major) ? major * 1000 + (minor || 0) : 0);
    this.#writer = new FitWriter(sink, { ...opts, profileVersion });
  }

  get definitions(): number {
    return this.#writer.definitions;
  }

  get records(): number {
    return this.#writer.records;
  }

  /** One message; fields whose value is null or undefined are left out. */
  writeMessage(message: string | number, values: FieldValues, opts: WriteOptions = {}): void {
    const def = typeof message === 'number' ? this.profile.message(message) : this.profile.messageByName(message);
    if (!def) throw new FitkitError('encode_unknown_message', `unknown message ${message}`);
    const fields: RawField[] = [];
    for (const name in values) {
      const v = values[name];
      if (v === undefined || v === null) continue;
      const { field, conv } = this.#resolve(def, name);
      const raw = toRaw(this.profile, conv, v);
      if (raw === undefined) continue;
      fields.push({ num: field.num, size: fieldSize(field.baseType, raw), type: typeByte(field.baseType), value: raw, what: conv.what });
    }
    const dev: RawDevField[] = [];
    for (const [name, v] of Object.entries(opts.developer ?? {})) {
      const d = this.#dev.get(name);
      if (!d) throw new FitkitError('encode_unknown_field', `developer field ${name} has no field_description`);
      const raw = toRaw(this.profile, d, v);
      if (raw === undefined) continue;
      dev.push({ num: d.num, devIndex: d.devIndex, bytes: encodeValue(d.baseType, fieldSize(d.baseType, raw), raw, d.what) });
    }
    this.#writer.write(def.num, fields, dev);
    if (def.num === FIELD_DESCRIPTION) this.#describe(values);
  }

  /** A message to write many times with these fields (see PreparedMessage). */
  prepare(message: string | number, names: readonly string[]): PreparedMessage {
    const def = typeof message === 'number' ? this.profile.message(message) : this.profile.messageByName(message);
    if (!def) throw new FitkitError('encode_unknown_message', `unknown message ${message}`);
    return new PreparedMessage(
      this.#writer,
      def.num,
      names.map((name) => {
        const { field, conv } = this.#resolve(def, name);
        return { num: field.num, conv };
      }),
    );
  }

  /** One message from raw values as the decoder read them (field number, size, base type byte). */
  writeRaw(globalNum: number, fields: readonly RawField[], devFields: readonly RawDevField[] = []): void {
    this.#writer.write(globalNum, fields, devFields);
  }

  /** Ends the file (CRC, header); returns its size in bytes. */
  finish(): number {
    return this.#writer.finish();
  }

  #resolve(def: MessageDef, name: string): { field: FieldDef; conv: Conversion } {
    let byName = this.#resolved.get(def);
    if (!byName) this.#resolved.set(def, (byName = new Map()));
    let r = byName.get(name);
    if (!r) byName.set(name, (r = this.#lookup(def, name)));
    return r;
  }

  #lookup(def: MessageDef, name: string): { field: FieldDef; conv: Conversion } {
    const what = `${def.name}.${name}`;
    for (const f of def.fields.values()) {
      if (f.name === name) return { field: f, conv: { type: f.type, baseType: f.baseType, scale: f.scale, offset: f.offset, what } };
    }
    for (const f of def.fields.values()) {
      const s = f.subfields.find((x) => x.name === name);
      // A subfield is stored in its main field, in the main field's base type.
      if (s) return { field: f, conv: { type: s.type, baseType: f.baseType, scale: s.scale, offset: s.offset, what } };
    }
    throw new FitkitError('encode_unknown_field', `${def.name} has no field ${name}`);
  }

  /** Remembers a developer field's description so later messages can carry it by name. */
  #describe(v: FieldValues): void {
    const devIndex = Number(v.developer_data_index);
    const num = Number(v.field_definition_number);
    const typeId = Number(v.fit_base_type_id);
    if (!Number.isInteger(devIndex) || !Number.isInteger(num) || !Number.isInteger(typeId)) return;
    const baseType = BASE_TYPES[typeId & 0x1f] ?? BASE_TYPES[BaseType.byte];
    const scale = Number(v.scale ?? 1) || 1;
    const offset = Number(v.offset ?? 0) || 0;
    const name = typeof v.field_name === 'string' && v.field_name ? v.field_name : `developer_${devIndex}_${num}`;
    const d: DevDescription = { devIndex, num, name, type: baseType.name, baseType, scale, offset, what: name };
    this.#dev.set(name, d);
    this.#dev.set(`developer_${devIndex}_${num}`, d);
  }
}

function typeByte(bt: BaseTypeInfo): number {
  return BaseType[bt.name];
}

function fieldSize(bt: BaseTypeInfo, raw: RawValue): number {
  const n = valueSize(bt, raw);
  if (n > 255) {
    if (bt.kind === Kind.string) return 255;
    throw new FitkitError('encode_range', `a field of ${n} bytes does not fit a record (255 at most)`);
  }
  return n;
}

/** Encodes messages into one buffer: `build(encoder)` writes them, the file comes back whole. */
export function encodeFit(profile: Profile, build: (e: FitEncoder) => void, opts: WriterOptions = {}): Uint8Array {
  const sink = new BufferSink();
  const e = new FitEncoder(profile, sink, opts);
  build(e);
  e.finish();
  return sink.bytes();
}
