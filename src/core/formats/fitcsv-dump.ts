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
  /** Rows of the main CSV (definition and data rows). With none, FitCSVTool writes no file at all. */
  rows: number;
  /** Rows of the `_data.csv` table. */
  dataRows: number;
  /**
   * `_data.csv` is left empty (0 bytes), as FitCSVTool leaves it when no data row was selected or
   * decoding failed (`failed`); the main CSV still gets its rows.
   */
  dataEmpty: boolean;
  diagnostics: Diagnostic[];
  hiddenFields: number;
  hiddenMessages: number;
  /** False when decoding stopped early (truncation, CRC mismatch, garbage). */
  complete: boolean;
  /**
   * FitCSVTool would report "Error:" here: decoding stopped early, or bytes follow the last
   * FIT file. It then writes the rows it has to the main CSV and leaves `_data.csv` empty.
   */
  failed: boolean;
}

/** FitCSVTool's `-u` summary line, as it prints it. */
export function hiddenSummary(r: Pick<DumpResult, 'hiddenFields' | 'hiddenMessages'>): string {
  return `Hid ${r.hiddenFields} unknown field(s) and ${r.hiddenMessages} unknown message(s).`;
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
  const failed = decoder.stopped || decoder.diagnostics.some((d) => d.level === 'error' || d.code === 'trailing_bytes');
  return {
    header: writer.headerRow(),
    dataHeader: data?.headerRow(),
    rows: writer.rows,
    dataRows: data?.rows ?? 0,
    dataEmpty: !data || data.rows === 0 || failed,
    diagnostics: decoder.diagnostics,
    hiddenFields: writer.hiddenFields,
    hiddenMessages: writer.hiddenMessages,
    complete: !decoder.stopped,
    failed,
  };
}
