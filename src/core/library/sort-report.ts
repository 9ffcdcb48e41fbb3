/** What a sort did, file by file, and the totals: the data `fitkit sort` prints or returns as JSON. */
import type { Ignored } from './walk.js';

export type Outcome = 'copied' | 'duplicate' | 'quarantined' | 'filtered' | 'failed';

export interface SortedFile {
  source: string;
  outcome: Outcome;
  /** Library-relative path of the copy (for a duplicate: of the copy already there). */
  path?: string;
  /** Quarantine or failure reason; for `filtered`, the file type that was not asked for. */
  reason?: string;
  /** Device folder and type name from file_id (`unknown` without one). */
  device?: string;
  type?: string;
  /** file_id.type as a number (undefined without file_id). */
  fileType?: number;
  sha256?: string;
  size?: number;
  /** The copy was already in the library, left by an interrupted run, and is now recorded. */
  adopted?: boolean;
  /** `--move`: the source was deleted after its copy was verified. */
  moved?: boolean;
}

export interface SortTotals {
  /** Files considered: copied + duplicates + quarantined + filtered + failed. */
  inputs: number;
  copied: number;
  duplicates: number;
  quarantined: number;
  filtered: number;
  failed: number;
  /** Paths passed over without being read (symlinks, non-.fit names, ...). */
  ignored: number;
}

export interface SortReport {
  library: string;
  dryRun: boolean;
  move: boolean;
  totals: SortTotals;
  files: SortedFile[];
  ignored: Ignored[];
  /** Temporary files of interrupted runs removed before starting. */
  sweptTemp: number;
  /** Problems that did not stop the run (e.g. a --move source left in place, and why). */
  warnings: string[];
}

export function totalsOf(files: readonly SortedFile[], ignored: readonly Ignored[]): SortTotals {
  const t: SortTotals = { inputs: files.length, copied: 0, duplicates: 0, quarantined: 0, filtered: 0, failed: 0, ignored: ignored.length };
  for (const f of files) {
    if (f.outcome === 'duplicate') t.duplicates++;
    else t[f.outcome]++;
  }
  return t;
}

export interface SummaryRow {
  device: string;
  type: string;
  copied: number;
  duplicates: number;
  quarantined: number;
  filtered: number;
  failed: number;
}

/** Per device and file type, sorted by device then type. */
export function summaryRows(files: readonly SortedFile[]): SummaryRow[] {
  const rows = new Map<string, SummaryRow>();
  for (const f of files) {
    const device = f.device ?? '-';
    const type = f.type ?? '-';
    const key = `${device}\0${type}`;
    let r = rows.get(key);
    if (!r) rows.set(key, (r = { device, type, copied: 0, duplicates: 0, quarantined: 0, filtered: 0, failed: 0 }));
    if (f.outcome === 'duplicate') r.duplicates++;
    else r[f.outcome]++;
  }
  return [...rows.values()].sort((a, b) => (a.device === b.device ? a.type.localeCompare(b.type) : a.device.localeCompare(b.device)));
}
