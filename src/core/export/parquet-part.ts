/**
 * One Parquet file from a drained table (hyparquet-writer: pure JavaScript, ~1 MB installed, no
 * native or WASM build to fetch on a Raspberry Pi). Written through AtomicFile: the part appears
 * whole under its name or not at all. Units go twice: in each column chunk's key-value metadata
 * (`units`), and as one JSON map in the file's (`fitkit:units`), which DuckDB shows with
 * `parquet_kv_metadata()` and pyarrow with `ParquetFile(...).metadata.metadata`.
 */
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { SchemaElement } from 'hyparquet';
import { AtomicFile } from '../platform/atomic-file.js';
import type { ColumnType, TableColumn } from './table-buffer.js';

const CHUNK = 1 << 20;

export interface PartWritten {
  path: string;
  rows: number;
  bytes: number;
}

/** Writes `columns` (all of `rows` rows) as a Parquet file at `path`. */
export async function writeParquetPart(path: string, columns: readonly TableColumn[], rows: number, createdBy: string): Promise<PartWritten> {
  const out = new AtomicFile(path);
  try {
    const writer = atomicWriter(out);
    const units: Record<string, string> = {};
    for (const c of columns) if (c.units) units[c.name] = c.units;
    const pq = new ParquetWriter({
      writer,
      schema: [{ name: 'root', num_children: columns.length }, ...columns.flatMap(schemaOf)],
      kvMetadata: [{ key: 'fitkit:units', value: JSON.stringify(units) }],
      createdBy,
    });
    await pq.write({ columnData: columns.map((c) => ({ name: c.name, data: c.data as never })), rowGroupSize: 128 * 1024 });
    for (const group of pq.row_groups) {
      for (const chunk of group.columns) {
        const name = chunk.meta_data?.path_in_schema[0];
        const u = name === undefined ? undefined : units[name];
        if (u !== undefined && chunk.meta_data) chunk.meta_data.key_value_metadata = [{ key: 'units', value: u }];
      }
    }
    await pq.finish();
    out.commit();
    return { path, rows, bytes: writer.offset };
  } catch (e) {
    out.abort();
    throw e;
  }
}

function schemaOf(c: TableColumn): SchemaElement[] {
  const name = c.name;
  const optional = 'OPTIONAL' as const;
  const flat: Record<Exclude<ColumnType, 'list'>, SchemaElement> = {
    int: { name, type: 'INT32', repetition_type: optional },
    long: { name, type: 'INT64', repetition_type: optional },
    double: { name, type: 'DOUBLE', repetition_type: optional },
    string: { name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: optional },
    time: { name, type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', repetition_type: optional },
    json: { name, type: 'BYTE_ARRAY', converted_type: 'JSON', repetition_type: optional },
  };
  if (c.type !== 'list') return [flat[c.type]];
  // The three-level LIST every reader agrees on.
  return [
    { name, repetition_type: optional, converted_type: 'LIST', num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    { name: 'element', type: 'DOUBLE', repetition_type: optional },
  ];
}

/** A hyparquet Writer that hands its buffer to `out` each time it passes CHUNK bytes. */
function atomicWriter(out: AtomicFile): ByteWriter {
  const writer = new ByteWriter(); // its `offset` counts every byte, flushed or not
  const flush = (): void => {
    if (writer.index === 0) return;
    out.write(new Uint8Array(writer.buffer, 0, writer.index));
    writer.index = 0;
  };
  const ensure = writer.ensure.bind(writer);
  writer.ensure = (size: number): void => {
    if (writer.index > CHUNK) flush();
    ensure(size);
  };
  writer.finish = (): void => flush();
  return writer;
}
