/**
 * A whole FitCSVTool-style dump, streamed: a pre-scan finds the header's width (fitcsv-width.ts),
 * then the header and the rows go to the output as they are made, in bounded memory. The input
 * is read twice (chained files: three times), so it comes as a function that opens it; each pass
 * is done with a piece once it has the next.
 */
import type { Diagnostic } from '../errors.js';
import { CsvBytes, type CsvBytesTarget } from './fitcsv-bytes.js';
import { FitDataCsvWriter } from './fitcsv-data.js';
import { createFitCsvDecoder, headerRow, type FitCsvRunOptions } from './fitcsv.js';
import { fitCsvWidth } from './fitcsv-width.js';

export type FitChunks = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/**
 * Where text goes: write() may return a promise, awaited before more is written (backpressure).
 * Rows come as UTF-8 bytes, which write() copies or writes before it returns: the buffer is reused.
 */
export interface TextSink {
  write(text: string | Uint8Array): void | Promise<void>;
  /** Optional, both or neither: bytes handed over instead of copied (text-output.ts's TextOutput.give). */
  give?(bytes: Uint8Array): void | Promise<void>;
  spare?(): Uint8Array;
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

/**
 * Input is decoded this many bytes at a time: what the rows of one slice make (about 12 times as
 * much) at most waits in memory beyond the output's queue, and the output is heard from between
 * slices (a pipe's reader gone away ends the process then). The decoder copies a few KiB at each
 * slice's start (the record cut at the end of the one before).
 */
const SLICE = 1 << 16;

export async function dumpFitCsv(open: () => FitChunks, opts: DumpOptions, targets: DumpTargets): Promise<DumpResult> {
  // The CRCs are left to the main pass: they change no row of one FIT file. (As FitCSVTool reads,
  // a file's CRC is compared only after its last record, and a mismatch just stops decoding
  // there.) They decide whether a chained file after it is read, and with no row at all the
  // pre-scan's diagnostics are the result: then it runs again, checking them.
  let scan = await fitCsvWidth(plain(open()), opts, false);
  if (scan.files > 1 || scan.rows === 0) scan = await fitCsvWidth(plain(open()), opts, true);
  const data = opts.data && targets.data ? new FitDataCsvWriter(opts) : undefined;
  const main = scan.rows > 0 ? await targets.main() : undefined;
  const out = new CsvBytes(main ? csvTarget(main) : { chunk: () => {} });
  // Where a pre-scan checked the CRCs and found nothing wrong, the same bytes need no second check.
  const clean = scan.crcChecked && scan.complete && scan.diagnostics.length === 0;
  const { decoder, writer } = createFitCsvDecoder(opts, out, undefined, data, !clean);
  if (main) {
    await main.write('\uFEFF' + headerRow(scan.width) + '\n');
    input: for await (const chunk of plain(open())) {
      // Fed in slices, so what waits to be written stays bounded (backpressure between slices).
      for (let at = 0; at < chunk.length; at += SLICE) {
        decoder.push(chunk.subarray(at, at + SLICE));
        if (out.pending) {
          const pending = out.pending;
          out.pending = undefined;
          await pending;
        }
        if (decoder.stopped) break input;
      }
    }
    decoder.end();
    out.flush();
    if (out.pending) await out.pending;
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

/** The rows' buffers handed over to `sink` when it takes them, else copied by its write(). */
function csvTarget(sink: TextSink): CsvBytesTarget {
  return sink.give && sink.spare ? { give: (bytes) => sink.give!(bytes), spare: () => sink.spare!() } : { chunk: (bytes) => sink.write(bytes) };
}

/**
 * The chunks as plain Uint8Arrays (a Buffer is one too, of another class): the decoder and the
 * compiled rows then see one kind of array, and V8 keeps one optimised version of them.
 */
async function* plain(chunks: FitChunks): AsyncIterable<Uint8Array> {
  for await (const c of chunks) yield c.constructor === Uint8Array ? c : new Uint8Array(c.buffer, c.byteOffset, c.byteLength);
}
