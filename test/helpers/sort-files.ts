/** Small FIT files for the sort tests and bench: a file_id and a few records, built in code. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { BaseType } from '../../src/core/fit/proto/base-types.js';
import { FitBuilder, MesgNum, type FieldDef, FILE_ID_FIELDS } from './fit-builder.js';

const FILE_ID = [...FILE_ID_FIELDS];
const RECORD: FieldDef[] = [
  { num: 253, size: 4, type: BaseType.uint32 }, // timestamp
  { num: 3, size: 1, type: BaseType.uint8 }, // heart_rate
];

export interface SmallFit {
  type?: number;
  manufacturer?: number;
  product?: number;
  /** null: the invalid value (no serial). */
  serial?: number | null;
  /** FIT seconds; null: invalid. */
  time?: number | null;
  /** Records after file_id; vary it (or `seed`) to make different content. */
  records?: number;
  seed?: number;
}

/** A valid FIT file with a file_id and `records` record messages. */
export function smallFit(o: SmallFit = {}): Uint8Array {
  const b = new FitBuilder();
  const time = o.time === undefined ? 1_000_000_000 : o.time;
  b.define(0, MesgNum.fileId, FILE_ID).data(0, [o.type ?? 4, o.manufacturer ?? 1, o.product ?? 2697, o.serial === undefined ? 3945849289 : o.serial, time]);
  b.define(1, MesgNum.record, RECORD);
  const seed = o.seed ?? 0;
  for (let i = 0; i < (o.records ?? 3); i++) b.data(1, [(time ?? 1_000_000_000) + i, (seed * 7 + i) & 0xff]);
  return b.build();
}

export function writeFile(path: string, bytes: Uint8Array | string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
  return path;
}
