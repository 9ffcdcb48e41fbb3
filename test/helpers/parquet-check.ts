/**
 * Reads fitkit's Parquet export back with DuckDB (an independent reader) and compares it with
 * what the decoder gives for the same files: per file and table, the row count and the sums of
 * a few columns.
 */
import { readFileSync } from 'node:fs';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { expect } from 'vitest';
import { decodeFitColumns } from '../../src/core/fit/decode/columns.js';

let con: Promise<DuckDBConnection> | undefined;

export function duckdb(): Promise<DuckDBConnection> {
  return (con ??= DuckDBInstance.create(':memory:').then((db) => db.connect()));
}

export async function query(sql: string): Promise<Record<string, unknown>[]> {
  const r = await (await duckdb()).runAndReadAll(sql);
  return r.getRowObjectsJson() as Record<string, unknown>[];
}

export const table = (out: string, message: string): string => `read_parquet('${out}/${message}/*.parquet', union_by_name = true)`;

/** Rows and column sums per file as the decoder sees them (`_file` → values). */
function decoderSums(files: ReadonlyMap<string, string>, message: string, columns: readonly string[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const [shown, path] of files) {
    const m = decodeFitColumns(new Uint8Array(readFileSync(path)), { messages: [message] }).messages.get(message);
    if (!m || m.length === 0) continue;
    const sums = columns.map((name) => {
      const c = m.columns[name];
      if (!c || (c.kind !== 'number' && c.kind !== 'time')) return 0;
      let s = 0;
      for (let i = 0; i < m.length; i++) if (!Number.isNaN(c.values[i]!)) s += c.values[i]!;
      return s;
    });
    out.set(shown, [m.length, ...sums]);
  }
  return out;
}

/**
 * For every file (shown name → path on disk), the table's rows and the sums of `columns` read
 * by DuckDB equal the decoder's. Numeric columns only (a sum of an enum's names means nothing).
 */
export async function expectSameSums(out: string, files: ReadonlyMap<string, string>, message: string, columns: readonly string[]): Promise<void> {
  const want = decoderSums(files, message, columns);
  const present = new Set((await query(`select column_name c from (describe select * from ${table(out, message)})`)).map((r) => r['c']));
  const sums = columns.map((c, i) => `${present.has(c) ? `coalesce(sum("${c}")::double, 0)` : '0'} s${i}`);
  const rows = await query(`select _file f, ${['count(*)::double n', ...sums].join(', ')} from ${table(out, message)} group by _file`);
  const got = new Map(rows.map((r) => [r['f'] as string, [Number(r['n']), ...columns.map((_, i) => Number(r[`s${i}`]))]]));
  expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
  for (const [file, w] of want) {
    const g = got.get(file)!;
    expect(g[0], `${file}: ${message} rows`).toBe(w[0]);
    w.slice(1).forEach((v, i) => expect(g[i + 1]!, `${file}: sum of ${message}.${columns[i]}`).toBeCloseTo(v, 3));
  }
}
