/**
 * An editable FIT file: decode any FIT file fitkit reads into a list of messages, change them,
 * encode the list back. API: `decodeModel(bytes, profile, file)` gives an `EditModel` whose
 * `messages` are `EditMessage`s in file order (a chain of FIT files becomes one list), each
 * holding its fields as stored (`EditField`: field number, size, base type byte, raw value) and
 * its developer fields as bytes, so unknown messages, unknown fields and developer data come
 * back unchanged. Read and write fields by profile name, in profile units (scale and offset
 * applied, dates as FIT seconds): `getValue(model, m, 'distance')`, `setValue(model, m,
 * 'distance', 1234.5)` (null removes the field), `hasField`, `removeField`; `newMessage(model,
 * 'lap', {...})` builds one. `encodeModel(model)` writes the list through the encoder (normal
 * headers: a compressed-timestamp record gets its timestamp as a field, so nothing depends on
 * the record before it). `interpretModel(model)` decodes what encodeModel would write, one
 * FitMessage per EditMessage, in order, for code that reads interpreted messages
 * (activity/record-stats.ts, the checklist). Pure: bytes in, bytes out.
 */
import { FitkitError, type Diagnostic } from '../errors.js';
import { decodeFit } from '../fit/decode/decoder.js';
import type { RawValue } from '../fit/decode/frames.js';
import type { FitMessage } from '../fit/decode/message.js';
import { RawDecoder } from '../fit/decode/raw.js';
import { toRaw, type InField } from '../fit/encode/convert.js';
import { encodeFit } from '../fit/encode/encoder.js';
import type { RawDevField, RawField } from '../fit/encode/writer.js';
import type { Profile } from '../fit/profile/profile.js';
import type { FieldDef } from '../fit/profile/types.js';
import { BaseType, baseTypeOf, isInvalid, Kind, type BaseTypeInfo } from '../fit/proto/base-types.js';

export interface EditField {
  num: number;
  /** Bytes in the record. */
  size: number;
  /** Base type byte as it will be written (0x86 uint32…). */
  type: number;
  value: RawValue;
  /** A string's bytes as stored (what follows a NUL included), written back as they are until the value is set. */
  bytes?: Uint8Array;
}

export interface EditMessage {
  /** Global message number. */
  num: number;
  fields: EditField[];
  dev: RawDevField[];
}

export interface EditModel {
  profile: Profile;
  messages: EditMessage[];
  /** Of the first FIT file's header, written back. */
  profileVersion: number;
  /** What the decoder noticed in the input (warnings; a wrong file CRC at its end). */
  diagnostics: Diagnostic[];
}

export const TIMESTAMP = 253;

/** Decodes `bytes` (`file` names it in errors); a file that does not decode to its end is refused. */
export function decodeModel(bytes: Uint8Array, profile: Profile, file?: string): EditModel {
  const messages: EditMessage[] = [];
  let profileVersion = -1;
  /** Element size of each described developer field, by `devIndex:num`. */
  const devSizes = new Map<string, number>();
  const describe = (defs: readonly { num: number }[], values: readonly (RawValue | undefined)[]) => {
    const get = (n: number) => {
      const v = values[defs.findIndex((d) => d.num === n)];
      return typeof v === 'number' ? v : undefined;
    };
    const idx = get(0);
    const num = get(1);
    const type = get(2);
    if (idx !== undefined && num !== undefined && type !== undefined) devSizes.set(`${idx}:${num}`, baseTypeOf(type)?.size ?? 1);
  };
  const raw = new RawDecoder((f) => {
    if (f.kind === 'header') {
      if (profileVersion < 0) profileVersion = f.profileVersion;
      return;
    }
    if (f.kind !== 'data') return;
    const fields: EditField[] = [];
    const defs = f.definition.fields;
    let hasTs = false;
    let at = f.offset + 1;
    for (let i = 0; i < defs.length; i++) {
      const d = defs[i];
      const v = f.values[i];
      const from = at;
      at += d.size;
      if (v === undefined) continue;
      if (d.num === TIMESTAMP) hasTs = true;
      // A type byte outside the base types: its bytes kept as bytes.
      const type = d.baseType ? d.type : BaseType.byte;
      const field: EditField = { num: d.num, size: d.size, type, value: v };
      if (d.baseType?.kind === Kind.string) field.bytes = bytes.slice(from, from + d.size);
      fields.push(field);
    }
    if (f.globalNum === FIELD_DESCRIPTION) describe(f.definition.fields, f.values);
    if (f.compressedTimestamp !== undefined && !hasTs) fields.unshift({ num: TIMESTAMP, size: 4, type: BaseType.uint32, value: f.compressedTimestamp });
    const dev = f.definition.devFields.map((d, i) => {
      const b = f.devValues[i];
      // Developer bytes are stored in the record's byte order; the output is little-endian.
      const size = devSizes.get(`${d.devIndex}:${d.num}`) ?? 1;
      return { num: d.num, devIndex: d.devIndex, bytes: f.definition.bigEndian && size > 1 ? swapElements(b, size) : b };
    });
    messages.push({ num: f.globalNum, fields, dev });
  });
  raw.push(bytes);
  raw.end();
  // A wrong CRC at the very end loses nothing: the edit writes a fresh one.
  const bad = raw.diagnostics.find((d) => d.level === 'error' && !(d.code === 'crc_mismatch' && d.offset + 2 === bytes.length));
  if (bad) {
    throw new FitkitError(bad?.code ?? 'truncated', `${bad?.message ?? 'does not decode to its end'} (fitkit repair salvages damaged files)`, { file, offset: bad?.offset });
  }
  return { profile, messages, profileVersion: Math.max(0, profileVersion), diagnostics: raw.diagnostics };
}

const FIELD_DESCRIPTION = 206;

function swapElements(b: Uint8Array, size: number): Uint8Array {
  const out = b.slice();
  for (let i = 0; i + size <= b.length; i += size) for (let j = 0; j < size; j++) out[i + j] = b[i + size - 1 - j];
  return out;
}

/** The model as a FIT file. */
export function encodeModel(model: EditModel): Uint8Array {
  return encodeFit(
    model.profile,
    (e) => {
      for (const m of model.messages) e.writeRaw(m.num, m.fields as RawField[], m.dev);
    },
    model.profileVersion ? { profileVersion: model.profileVersion } : {},
  );
}

/** One interpreted message per model message, in order (what a reader of the encoded file sees). */
export function interpretModel(model: EditModel): FitMessage[] {
  const r = decodeFit(encodeModel(model), { profile: model.profile });
  if (r.messages.length !== model.messages.length) throw new Error('interpretModel: messages lost in the round trip');
  return r.messages;
}

export function messageName(model: EditModel, m: EditMessage): string {
  return model.profile.message(m.num)?.name ?? `unknown_${m.num}`;
}

/** The profile's field of that name in `m`'s message (undefined: the profile has none). */
function fieldDef(model: EditModel, m: EditMessage, name: string): FieldDef | undefined {
  const def = model.profile.message(m.num);
  if (def) for (const f of def.fields.values()) if (f.name === name) return f;
  return undefined;
}

export function hasField(model: EditModel, m: EditMessage, name: string): boolean {
  const d = fieldDef(model, m, name);
  return d !== undefined && m.fields.some((f) => f.num === d.num);
}

/** The timestamp (field 253) of any message, known to the profile or not; null when none. */
export function timestampOf(m: EditMessage): number | null {
  const f = m.fields.find((x) => x.num === TIMESTAMP);
  const v = f && (Array.isArray(f.value) ? f.value[0] : f.value);
  return typeof v === 'number' && f!.size === 4 && v !== 0xffffffff ? v : null;
}

/** A field's value in profile units (first element of an array); null when absent or invalid. */
export function getValue(model: EditModel, m: EditMessage, name: string): number | null {
  const d = fieldDef(model, m, name);
  const f = d && m.fields.find((x) => x.num === d.num);
  if (!d || !f) return null;
  const bt = baseTypeOf(f.type);
  const v = Array.isArray(f.value) ? f.value[0] : f.value;
  if (!bt || v === undefined || typeof v === 'string' || isInvalid(bt, v)) return null;
  const n = Number(v);
  return d.scale === 1 && d.offset === 0 ? n : n / d.scale - d.offset;
}

export function removeField(model: EditModel, m: EditMessage, name: string): void {
  const d = fieldDef(model, m, name);
  if (d) m.fields = m.fields.filter((f) => f.num !== d.num);
}

function fits(bt: BaseTypeInfo, raw: RawValue): boolean {
  if (bt.kind !== Kind.uint && bt.kind !== Kind.sint) return true;
  const bits = bt.size * 8;
  const [min, max] = bt.kind === Kind.sint ? [-(2 ** (bits - 1)), 2 ** (bits - 1) - 2] : [0, 2 ** bits - 2];
  return (Array.isArray(raw) ? raw : [raw]).every((x) => typeof x === 'number' && x >= min && x <= max);
}

/**
 * Sets a field (profile units; enum names and Dates as the encoder takes them); null or
 * undefined removes it. A field already stored keeps its base type when the value fits it.
 */
export function setValue(model: EditModel, m: EditMessage, name: string, v: InField): void {
  const d = fieldDef(model, m, name);
  if (!d) {
    if (v === null || v === undefined) return;
    throw new Error(`${model.profile.message(m.num)?.name ?? m.num} has no field ${name}`);
  }
  const at = m.fields.findIndex((x) => x.num === d.num);
  const conv = { type: d.type, baseType: d.baseType, scale: d.scale, offset: d.offset, what: name };
  const raw = toRaw(model.profile, conv, v);
  if (raw === undefined) {
    if (at >= 0) m.fields.splice(at, 1);
    return;
  }
  const old = at >= 0 ? m.fields[at] : undefined;
  const oldBt = old && baseTypeOf(old.type);
  const count = Array.isArray(raw) ? raw.length : 1;
  const f: EditField =
    old && oldBt && oldBt.kind === d.baseType.kind && old.size === oldBt.size * count && fits(oldBt, raw)
      ? { num: old.num, size: old.size, type: old.type, value: raw }
      : { num: d.num, size: d.baseType.size * count, type: BaseType[d.baseType.name], value: raw };
  if (at >= 0) m.fields[at] = f;
  else if (d.num === TIMESTAMP) m.fields.unshift(f);
  else m.fields.push(f);
}

/** A new message of the profile's `name` with these values. */
export function newMessage(model: EditModel, name: string, values: Record<string, InField>): EditMessage {
  const def = model.profile.messageByName(name);
  if (!def) throw new Error(`no message ${name}`);
  const m: EditMessage = { num: def.num, fields: [], dev: [] };
  for (const [k, v] of Object.entries(values)) setValue(model, m, k, v);
  return m;
}

/** A deep enough copy to edit without touching the original. */
export function cloneMessage(m: EditMessage): EditMessage {
  return { num: m.num, fields: m.fields.map((f) => ({ ...f, value: Array.isArray(f.value) ? [...f.value] : f.value })), dev: m.dev.map((d) => ({ ...d })) };
}

export function cloneModel(model: EditModel): EditModel {
  return { ...model, messages: model.messages.map(cloneMessage) };
}

/** Messages of one profile name. */
export function messagesNamed(model: EditModel, name: string): EditMessage[] {
  const num = model.profile.messageByName(name)?.num;
  return num === undefined ? [] : model.messages.filter((m) => m.num === num);
}

/** The global number of a profile message. */
export function mesgNum(model: EditModel, name: string): number {
  const n = model.profile.messageByName(name)?.num;
  if (n === undefined) throw new Error(`no message ${name}`);
  return n;
}
