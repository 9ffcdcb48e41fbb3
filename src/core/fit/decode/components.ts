/**
 * Component arithmetic: reading a component's bits out of a stored value, and finding the
 * component that accumulates into a field. Ref: FIT protocol, "Components".
 */
import type { RawValue } from './frames.js';
import type { Component, MessageDef } from '../profile/types.js';

const accumulating = new WeakMap<MessageDef, Map<number, Component | null>>();

/** The component (of any field or subfield of the message) that accumulates into `fieldNum`. */
export function accumulatingComponent(mdef: MessageDef, fieldNum: number): Component | undefined {
  let byField = accumulating.get(mdef);
  if (!byField) accumulating.set(mdef, (byField = new Map()));
  let c = byField.get(fieldNum);
  if (c === undefined) {
    c = null;
    for (const f of mdef.fields.values()) {
      for (const comps of [f.components, ...f.subfields.map((s) => s.components)]) {
        c ??= comps.find((x) => x.fieldNum === fieldNum && x.accumulate) ?? null;
      }
    }
    byField.set(fieldNum, c);
  }
  return c ?? undefined;
}

/** Bits [pos, pos + n) of a value, LSB-first across its elements (FIT component packing). */
export function readBits(raw: RawValue, width: number, pos: number, n: number): number {
  if (!Array.isArray(raw) && typeof raw === 'number' && raw >= 0 && Number.isInteger(raw) && pos + n <= 32) {
    // The common case: one element of up to 32 bits.
    const v = pos === 0 ? raw : Math.floor(raw / 2 ** pos);
    return n >= 32 ? v : v % 2 ** n;
  }
  let out = 0;
  for (let i = 0; i < n; i++) {
    const at = pos + i;
    const e = Array.isArray(raw) ? raw[Math.floor(at / width)] : raw;
    let num = typeof e === 'number' ? (Number.isFinite(e) ? Math.trunc(e) : 0) : typeof e === 'bigint' ? Number(e) : 0;
    // Components are bits of the stored pattern: a negative value is its two's complement.
    if (num < 0) num += 2 ** width;
    const bit = Math.floor(num / 2 ** (at % width)) % 2;
    out += bit * 2 ** i;
  }
  return out;
}
