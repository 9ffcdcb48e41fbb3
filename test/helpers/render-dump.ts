/**
 * A whole `fitkit dump` in memory, for conformance tests: the files FitCSVTool would leave (main
 * CSV, `_data.csv`) as strings, or null where it writes none, decoded once through the same
 * dumpFitCsv the CLI uses.
 */
import type { Profile } from '../../src/core/fit/profile/profile.js';
import type { FitCsvRunOptions } from '../../src/core/formats/fitcsv.js';
import { dumpFitCsv, type DumpResult } from '../../src/core/formats/fitcsv-dump.js';

export type DumpOptions = Omit<FitCsvRunOptions, 'profile'> & { groupData?: boolean };

export interface RenderedDump {
  /** The main CSV (BOM, header, rows), or null when nothing was written. */
  csv: string | null;
  /** The `_data.csv` table (only with `data`), '' when written empty, null when not written. */
  dataCsv: string | null;
  result: DumpResult;
}

export async function renderDump(bytes: Uint8Array, profile: Profile, opts: DumpOptions): Promise<RenderedDump> {
  const rows: string[] = [];
  const dataRows: string[] = [];
  const result = await dumpFitCsv([bytes], { ...opts, profile }, { row: (l) => rows.push(l), dataRow: (l) => dataRows.push(l) });
  const lines = (head: string, body: string[]) => head + '\n' + body.join('\n') + (body.length ? '\n' : '');
  const csv = result.rows > 0 ? lines('\uFEFF' + result.header, rows) : null;
  let dataCsv: string | null = null;
  if (csv !== null && result.dataHeader !== undefined) dataCsv = result.dataEmpty ? '' : lines(result.dataHeader, dataRows);
  return { csv, dataCsv, result };
}
