/** Subfields: a field's meaning chosen by the value of another field of the message. */
import type { SubField } from '../profile/types.js';
import type { RawValue } from './frames.js';
import type { FitField } from './message.js';

/** The first subfield whose reference field holds one of its values wins (FIT SDK rule). */
export function resolveSubfields(fields: FitField[]): void {
  for (const field of fields) {
    const subs = field.def?.subfields;
    if (!subs || subs.length === 0 || field.kind !== 'native' || field.sub) continue;
    outer: for (const sub of subs) {
      for (const r of sub.refs) {
        if (refMatches(fields, r.fieldNum, r.value)) {
          applySubfield(field, sub);
          break outer;
        }
      }
    }
  }
}

function refMatches(fields: FitField[], fieldNum: number, value: number): boolean {
  for (const f of fields) {
    if (f.num === fieldNum && (f.kind === 'native' || f.kind === 'expanded')) return firstNumber(f.raw) === value;
  }
  return false;
}

function applySubfield(field: FitField, sub: SubField): void {
  field.sub = sub;
  field.name = sub.name;
  field.scale = sub.scale;
  field.offset = sub.offset;
}

function firstNumber(raw: RawValue): number | undefined {
  const v = Array.isArray(raw) ? raw[0] : raw;
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined;
}
