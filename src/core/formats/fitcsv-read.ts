/**
 * Reads the CSV that FitCSVTool and `fitkit dump` write (docs/fitcsv-format.md §2-3): a BOM,
 * the header row, then Definition and Data rows of `name,value,units` triplets. Only data values
 * are quoted (`"` doubled inside), and a quoted value may span lines; rows end in `,` and are
 * padded with empty triplets. A spreadsheet's edits are taken too: CRLF line ends, quotes
 * around any cell, rows without the trailing comma or padding.
 */
import { FitkitError } from '../errors.js';

export interface CsvCellTriplet {
  name: string;
  value: string;
  units: string;
}

export interface FitCsvRow {
  kind: 'Definition' | 'Data';
  /** Line where the row starts, from 1. */
  line: number;
  local: number;
  message: string;
  cells: CsvCellTriplet[];
}

/** Splits CSV text into records of cells, each with the line it starts on. */
export function* csvRecords(text: string): Generator<{ line: number; cells: string[] }> {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const start = line;
    const cells: string[] = [];
    for (;;) {
      let cell = '';
      if (text[i] === '"') {
        const open = line;
        i++;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q < 0) throw new FitkitError('bad_csv', `line ${open}: a quoted value is not closed`);
          const piece = text.slice(i, q);
          for (let k = piece.indexOf('\n'); k >= 0; k = piece.indexOf('\n', k + 1)) line++;
          cell += piece;
          if (text[q + 1] === '"') {
            cell += '"';
            i = q + 2;
          } else {
            i = q + 1;
            break;
          }
        }
        // Anything between the closing quote and the next separator belongs to the cell.
        while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') cell += text[i++];
      } else {
        let j = i;
        while (j < n && text[j] !== ',' && text[j] !== '\n' && text[j] !== '\r') j++;
        cell = text.slice(i, j);
        i = j;
      }
      cells.push(cell);
      if (i >= n) break;
      if (text[i] === ',') {
        i++;
        if (i >= n || text[i] === '\n' || text[i] === '\r') break;
        continue;
      }
      break;
    }
    if (text[i] === '\r') i++;
    if (text[i] === '\n') {
      i++;
      line++;
    }
    yield { line: start, cells };
  }
}

/** The rows of a FitCSVTool CSV; blank lines and the header row are skipped. */
export function* fitCsvRows(text: string): Generator<FitCsvRow> {
  for (const { line, cells } of csvRecords(text)) {
    if (cells.every((c) => c === '')) continue;
    const kind = cells[0];
    if (kind === 'Type') continue;
    if (kind !== 'Definition' && kind !== 'Data') throw new FitkitError('bad_csv', `line ${line}: a row starts with "${kind.slice(0, 40)}", not Definition or Data`);
    const local = Number(cells[1]);
    if (!/^\d+$/.test(cells[1] ?? '') || local > 15) throw new FitkitError('bad_csv', `line ${line}: local number "${(cells[1] ?? '').slice(0, 20)}" is not 0..15`);
    const message = cells[2] ?? '';
    if (!message) throw new FitkitError('bad_csv', `line ${line}: no message name`);
    const triplets: CsvCellTriplet[] = [];
    for (let k = 3; k < cells.length; k += 3) {
      const name = cells[k];
      if (name === '') {
        // Padding: empty to the end of the row.
        if (cells.slice(k).some((c) => c !== '')) throw new FitkitError('bad_csv', `line ${line}: a value without a field name (column ${k + 1})`);
        break;
      }
      triplets.push({ name, value: cells[k + 1] ?? '', units: cells[k + 2] ?? '' });
    }
    yield { kind, line, local, message, cells: triplets };
  }
}
