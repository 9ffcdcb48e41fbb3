/**
 * A whole FitCSVTool-style dump, streamed: a pre-scan finds the header's width (fitcsv-width.ts),
 * then the header and the rows go to the output as they are made, in bounded memory. The input
 * is read twice, so it comes as a function that opens it.
 */
import type { Diagnostic } from '../errors.js';
import { FitDataCsvWriter } from './fitcsv-data.js';
import { createFitCsvDecoder, headerRow, type FitCsvRunOptions } from './fitcsv.js';
import { fitCsvWidth } from './fitcsv-width.js';

export type FitChunks = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/** Where text goes: write() may return a promise, awaited before more is written (backpressure). */
export interface TextSink {
  write(text: string): void | Promise<void>;
}

export interface DumpTargets {
  /** The main CSV; called once, only when there is a row to write (FitCSVTool writes no file otherwise). */
  main(): TextSink | Promise<TextSink>;
  /**
   * The `_data.csv` table (with `data` only), called after the main CSV: its rows are held until
   * its header is known at the end. Not called when the table stays empty (`dataEmpty`).
   */
  data?(): TextSink | Promise<TextSink>;
}

export type DumpOptions = FitCsvRunOptions & { groupData?: boolean };

export interface DumpResult {
  /** Field triplets of the header row. */
  width: number;
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
  /** Data records the pre-scan decoded to find the width (the others it skipped unread). */
  prescanDecoded: number;
}

/** FitCSVTool's `-u` summary line, as it prints it. */
export function hiddenSummary(r: Pick<DumpResult, 'hiddenFields' | 'hiddenMessages'>): string {
  return `Hid ${r.hiddenFields} unknown field(s) and ${r.hiddenMessages} unknown message(s).`;
}

/** Rows are gathered into pieces of about this many characters before they go to a sink. */
const PIECE = 1 << 16;
/** Input is decoded this many bytes at a time. */
const SLICE = 1 << 14;

export async function dumpFitCsv(open: () => FitChunks, opts: DumpOptions, targets: DumpTargets): Promise<DumpResult> {
  const scan = await fitCsvWidth(open(), opts);
  const data = opts.data && targets.data ? new FitDataCsvWriter(opts) : undefined;
  let main: TextSink | undefined;
  let text = '';
  let pending: Promise<void> | undefined;
  const flush = async () => {
    const piece = text;
    text = '';
    if (piece) await main!.write(piece);
  };
  const { decoder, writer } = createFitCsvDecoder(
    opts,
    (line) => {
      text += line + '\n';
      if (text.length > PIECE && pending === undefined) pending = flush();
    },
    undefined,
    data,
  );
  if (scan.rows > 0) {
    main = await targets.main();
    await main.write('\uFEFF' + headerRow(scan.width) + '\n');
    input: for await (const chunk of open()) {
      // Fed in slices, so the rows of one slice at most wait in memory while a piece is written.
      for (let at = 0; at < chunk.length; at += SLICE) {
        decoder.push(chunk.subarray(at, at + SLICE));
        if (pending) {
          await pending;
          pending = undefined;
        }
        if (decoder.stopped) break input;
      }
    }
    decoder.end();
    if (pending) await pending;
    await flush();
    if (writer.width !== scan.width) throw new Error(`fitcsv: the pre-scan found ${scan.width} field triplets, the rows ${writer.width}`);
  }
  const diagnostics = scan.rows > 0 ? decoder.diagnostics : scan.diagnostics;
  const complete = scan.rows > 0 ? !decoder.stopped : scan.complete;
  const failed = !complete || diagnostics.some((d) => d.level === 'error' || d.code === 'trailing_bytes');
  const dataEmpty = !data || data.rows === 0 || failed;
  if (data && !dataEmpty && targets.data) {
    const sink = await targets.data();
    const lines: string[] = [];
    const header = data.headerRow((line) => lines.push(line));
    await sink.write(header + '\n');
    for (let i = 0; i < lines.length; i += 1024) await sink.write(lines.slice(i, i + 1024).join('\n') + '\n');
  }
  return {
    width: scan.width,
    rows: scan.rows,
    dataRows: data?.rows ?? 0,
    dataEmpty,
    diagnostics,
    hiddenFields: writer.hiddenFields,
    hiddenMessages: writer.hiddenMessages,
    complete,
    failed,
    prescanDecoded: scan.decoded,
  };
}
