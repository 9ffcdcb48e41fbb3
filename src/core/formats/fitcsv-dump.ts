/**
 * A whole FitCSVTool-style dump: reads FIT chunks, streams the rows to a body sink, and returns
 * the header row, which can only be known at the end (it is as wide as the widest row).
 * Memory stays bounded: rows leave as they are made.
 */
import type { Diagnostic } from '../errors.js';
import { FitDataCsvWriter } from './fitcsv-data.js';
import { createFitCsvDecoder, type FitCsvRunOptions } from './fitcsv.js';

export interface DumpSinks {
  /** Rows of the main CSV, without line ends. */
  row(line: string): void;
  /** Rows of the `_data.csv` table (only with `data`), without line ends. */
  dataRow?(line: string): void;
}

export interface DumpResult {
  header: string;
  /** Header of the `_data.csv` table, when one was asked for. */
  dataHeader?: string;
  rows: number;
  diagnostics: Diagnostic[];
  hiddenFields: number;
  hiddenMessages: number;
  /** False when decoding stopped early (truncation, CRC mismatch, garbage). */
  complete: boolean;
}

export async function dumpFitCsv(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  opts: FitCsvRunOptions & { groupData?: boolean },
  sinks: DumpSinks,
): Promise<DumpResult> {
  const data = opts.data && sinks.dataRow ? new FitDataCsvWriter(opts, sinks.dataRow) : undefined;
  const { decoder, writer } = createFitCsvDecoder(opts, sinks.row, undefined, data);
  for await (const chunk of source) {
    decoder.push(chunk);
    if (decoder.stopped) break;
  }
  decoder.end();
  return {
    header: writer.headerRow(),
    dataHeader: data?.headerRow(),
    rows: writer.rows,
    diagnostics: decoder.diagnostics,
    hiddenFields: writer.hiddenFields,
    hiddenMessages: writer.hiddenMessages,
    complete: !decoder.stopped,
  };
}
