/**
 * A whole `fitkit dump` in memory, for conformance tests: the files FitCSVTool would leave (main
 * CSV, `_data.csv`) as strings, or null where it writes none, through the same streaming
 * dumpFitCsv the CLI uses (pre-scan for the header, then the rows).
 */
import type { Profile } from '../../src/core/fit/profile/profile.js';
import { dumpFitCsv, type DumpOptions as CoreDumpOptions, type DumpResult } from '../../src/core/formats/fitcsv-dump.js';

export type DumpOptions = Omit<CoreDumpOptions, 'profile'>;

export interface RenderedDump {
  /** The main CSV (BOM, header, rows), or null when nothing was written. */
  csv: string | null;
  /** The `_data.csv` table (only with `data`), '' when written empty, null when not written. */
  dataCsv: string | null;
  result: DumpResult;
}

export async function renderDump(bytes: Uint8Array, profile: Profile, opts: DumpOptions): Promise<RenderedDump> {
  let csv: string | null = null;
  let dataCsv: string | null = null;
  const result = await dumpFitCsv(
    () => [bytes],
    { ...opts, profile },
    {
      main: () => ((csv = ''), { write: (t) => void (csv += text(t)) }),
      data: () => ((dataCsv = ''), { write: (t) => void (dataCsv += text(t)) }),
    },
  );
  // FitCSVTool writes _data.csv empty when no data row matched or decoding failed.
  if (csv !== null && opts.data !== undefined && result.dataEmpty) dataCsv = '';
  return { csv, dataCsv, result };
}

const utf8 = new TextDecoder();
/** Rows come as bytes, always whole rows, so each chunk decodes on its own. */
const text = (t: string | Uint8Array) => (typeof t === 'string' ? t : utf8.decode(t));
