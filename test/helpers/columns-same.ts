/**
 * The columnar decoder must hold, cell for cell, what the object decoder gives (dates as FIT
 * seconds, enums as numbers): every message of every type, every field, in file order.
 */
import { expect } from 'vitest';
import { columnRows, decodeFitColumns, type ColumnDecodeResult } from '../../src/core/fit/decode/columns.js';
import { decodeFitObjects } from '../../src/core/fit/decode/objects.js';
import { jsonReplacer, type MessageObject } from '../../src/core/fit/decode/values.js';
import type { Profile } from '../../src/core/fit/profile/profile.js';

function sorted(o: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!o) return undefined;
  return Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, o[k]]),
  );
}

const text = (name: string, offset: number, fields: Record<string, unknown>, developer?: Record<string, unknown>) =>
  JSON.stringify({ name, offset, fields: sorted(fields), developer: sorted(developer) }, jsonReplacer);

/** Compares a column result with the object decoder's messages; returns the number of messages compared. */
export function expectColumnsEqualObjects(cols: ColumnDecodeResult, objects: MessageObject[]): number {
  const want = new Map<string, string[]>();
  for (const m of objects) {
    let list = want.get(m.name);
    if (!list) want.set(m.name, (list = []));
    list.push(text(m.name, m.offset, m.fields, m.developer));
  }
  expect([...cols.messages.keys()].sort()).toEqual([...want.keys()].sort());
  for (const [name, rows] of want) {
    const mc = cols.messages.get(name)!;
    const got = columnRows(mc).map((r) => text(name, r.offset, r.fields, r.developer));
    expect(got.length, name).toBe(rows.length);
    for (let i = 0; i < rows.length; i++) if (got[i] !== rows[i]) expect(`${name} row ${i}: ${got[i]}`).toBe(`${name} row ${i}: ${rows[i]}`);
  }
  return objects.length;
}

export function expectSameAsObjects(bytes: Uint8Array, profile?: Profile): ColumnDecodeResult {
  const cols = decodeFitColumns(bytes, { profile });
  const objs = decodeFitObjects(bytes, { profile, dates: 'raw', enums: false });
  expectColumnsEqualObjects(cols, objs.messages);
  expect(cols.complete).toBe(objs.complete);
  expect(cols.diagnostics).toEqual(objs.diagnostics);
  return cols;
}
