/** Small FIT files for the sort tests and bench: a file_id and a few records, built in code. */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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

/** Library files (not .fitkit), relative; temporary files separately. */
export function listLibrary(dir: string, rel = ''): string[] {
  if (!existsSync(join(dir, rel))) return [];
  return readdirSync(join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (r === '.fitkit') return [];
    return e.isDirectory() ? listLibrary(dir, r) : [r];
  });
}

/** SHA-256 of bytes, hex. */
export const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** `n` small FIT files in 8 folders (names repeat across them) and one broken file; their hashes. */
export function sourceTree(n: number): { dir: string; hashes: Set<string> } {
  const dir = mkdtempSync(join(tmpdir(), 'fitkit-sortsrc-'));
  const hashes = new Set<string>();
  const types = [4, 4, 4, 6, 1, 15, 9];
  for (let i = 0; i < n; i++) {
    const bytes = smallFit({ type: types[i % types.length], serial: 1000 + (i % 3), seed: i, records: 2 + (i % 40) });
    hashes.add(sha256(bytes));
    // Names repeat across folders, so suffixes are exercised too.
    writeFile(join(dir, `d${i % 8}`, `f${Math.floor(i / 8)}.fit`), bytes);
  }
  writeFile(join(dir, 'broken.fit'), 'not a fit file');
  hashes.add(sha256(Buffer.from('not a fit file')));
  return { dir, hashes };
}
