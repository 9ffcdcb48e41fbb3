/**
 * Mutations of FIT files for fuzz tests, as fast-check arbitraries: truncation, bit flips, byte
 * overwrites, inserted bytes, a duplicated or deleted range, the head of one seed spliced onto
 * the tail of another, a random header data size, and structure-aware damage to definition
 * records (field count, size, base type, architecture, developer field count).
 */
import fc from 'fast-check';
import type { DefinitionFrame } from '../../src/core/fit/decode/frames.js';
import { scanFrames } from '../../src/core/fit/decode/raw.js';
import { BASE_TYPE_BY_NAME, baseTypeOf } from '../../src/core/fit/proto/base-types.js';

/** A file to mutate, with its definition records (for the structure-aware mutations). */
export interface Seed {
  name: string;
  bytes: Uint8Array;
  defs: DefinitionFrame[];
}

export function seed(name: string, bytes: Uint8Array): Seed {
  const defs: DefinitionFrame[] = [];
  scanFrames(bytes, (f) => f.kind === 'definition' && defs.push(f));
  return { name, bytes, defs };
}

// Positions are drawn as plain numbers and reduced modulo the length at hand, so one arbitrary
// fits every seed and shrinks well.

export type DefMutation = {
  def: number;
  field: number;
  what: 'count' | 'size' | 'type' | 'typeAndSize' | 'arch' | 'devCount' | 'header';
  value: number;
};
export type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flipBits'; flips: { pos: number; bit: number }[] }
  | { kind: 'setBytes'; sets: { pos: number; value: number }[] }
  | { kind: 'insert'; pos: number; bytes: Uint8Array }
  | { kind: 'duplicate'; start: number; len: number; to: number }
  | { kind: 'delete'; start: number; len: number }
  | { kind: 'splice'; other: number; cut: number; otherCut: number }
  | { kind: 'dataSize'; value: number; relative: boolean };

export interface Case {
  seed: number;
  defMutations: DefMutation[];
  mutations: Mutation[];
}

/** A position, reduced modulo the length at hand. */
export const pos = fc.nat({ max: 0x7fffffff });
export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: pos }),
  fc.record({ kind: fc.constant('flipBits' as const), flips: fc.array(fc.record({ pos, bit: fc.nat({ max: 7 }) }), { minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('setBytes' as const), sets: fc.array(fc.record({ pos, value: fc.nat({ max: 255 }) }), { minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('insert' as const), pos, bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), start: pos, len: fc.integer({ min: 1, max: 256 }), to: pos }),
  fc.record({ kind: fc.constant('delete' as const), start: pos, len: fc.integer({ min: 1, max: 256 }) }),
  fc.record({ kind: fc.constant('splice' as const), other: fc.nat(), cut: pos, otherCut: pos }),
  fc.record({
    kind: fc.constant('dataSize' as const),
    value: fc.oneof(fc.nat({ max: 0xffffffff }), fc.integer({ min: -64, max: 64 })),
    relative: fc.boolean(),
  }),
);
export const defMutationArb: fc.Arbitrary<DefMutation> = fc.record({
  def: fc.nat(),
  field: fc.nat(),
  what: fc.constantFrom('count' as const, 'size' as const, 'type' as const, 'typeAndSize' as const, 'arch' as const, 'devCount' as const, 'header' as const),
  value: fc.nat({ max: 255 }),
});
/** A case over `seeds` seeds: up to two definition mutations, then one to three others. */
export const caseArb = (seeds: number): fc.Arbitrary<Case> =>
  fc.record({
    seed: fc.nat({ max: seeds - 1 }),
    defMutations: fc.array(defMutationArb, { maxLength: 2 }),
    mutations: fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
  });

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function applyDef(bytes: Uint8Array, defs: readonly DefinitionFrame[], m: DefMutation): void {
  if (defs.length === 0) return;
  const d = defs[m.def % defs.length];
  const n = d.fields.length;
  const at = (o: number) => (o < bytes.length ? o : -1);
  let o = -1;
  switch (m.what) {
    case 'count':
      o = at(d.offset + 5);
      break;
    case 'size':
      if (n > 0) o = at(d.offset + 6 + 3 * (m.field % n) + 1);
      break;
    case 'type':
      if (n > 0) o = at(d.offset + 6 + 3 * (m.field % n) + 2);
      break;
    case 'typeAndSize': {
      // Another valid base type, with a size that fits it (1–4 elements): like a device that
      // writes sint32 where the profile says uint16. The records keep their old layout, so they
      // are read out of step from there on: values of every type, which is the point.
      if (n === 0) return;
      const q = d.offset + 6 + 3 * (m.field % n);
      if (q + 2 >= bytes.length) return;
      const bt = baseTypeOf(m.value & 0x1f) ?? BASE_TYPE_BY_NAME.byte;
      bytes[q + 2] = bt.num | (bt.size > 1 ? 0x80 : 0);
      bytes[q + 1] = bt.size * (1 + ((m.value >> 5) & 3));
      return;
    }
    case 'arch':
      o = at(d.offset + 2);
      break;
    case 'devCount':
      if (d.devFields.length > 0) o = at(d.offset + 6 + 3 * n);
      break;
    case 'header':
      o = at(d.offset);
      break;
  }
  if (o >= 0) bytes[o] = m.what === 'header' ? 0x40 | (m.value & 0x3f) : m.value;
}

export function apply(bytes: Uint8Array, m: Mutation, seeds: readonly Seed[]): Uint8Array {
  const len = bytes.length;
  const p = (x: number, n = len) => (n === 0 ? 0 : x % (n + 1));
  switch (m.kind) {
    case 'truncate':
      return bytes.slice(0, p(m.at));
    case 'flipBits': {
      const out = bytes.slice();
      if (len > 0) for (const f of m.flips) out[f.pos % len] ^= 1 << f.bit;
      return out;
    }
    case 'setBytes': {
      const out = bytes.slice();
      if (len > 0) for (const s of m.sets) out[s.pos % len] = s.value;
      return out;
    }
    case 'insert': {
      const at = p(m.pos);
      return concat(bytes.subarray(0, at), m.bytes, bytes.subarray(at));
    }
    case 'duplicate': {
      const start = p(m.start);
      const range = bytes.slice(start, start + m.len);
      const to = p(m.to);
      return concat(bytes.subarray(0, to), range, bytes.subarray(to));
    }
    case 'delete': {
      const start = p(m.start);
      return concat(bytes.subarray(0, start), bytes.subarray(start + m.len));
    }
    case 'splice': {
      const other = seeds[m.other % seeds.length].bytes;
      return concat(bytes.subarray(0, p(m.cut)), other.subarray(p(m.otherCut, other.length)));
    }
    case 'dataSize': {
      if (len < 8) return bytes;
      const out = bytes.slice();
      const view = new DataView(out.buffer);
      const v = m.relative ? view.getUint32(4, true) + m.value : m.value;
      view.setUint32(4, v >>> 0, true);
      return out;
    }
  }
}

/** The seed's bytes with the case's mutations applied (the seed is left as it is). */
export function build(c: Case, seeds: readonly Seed[]): Uint8Array {
  const s = seeds[c.seed];
  let bytes: Uint8Array = s.bytes.slice();
  for (const d of c.defMutations) applyDef(bytes, s.defs, d);
  for (const m of c.mutations) bytes = apply(bytes, m, seeds);
  return bytes;
}
