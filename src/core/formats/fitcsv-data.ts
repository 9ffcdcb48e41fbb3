/**
 * FitCSVTool's `OUT_data.csv` (written with `--data`): one column per `message.field[units]`,
 * one row per selected data message, values carried forward from earlier rows of any message
 * (docs/fitcsv-format.md §11). `-g` blanks a message's own columns before each of its rows.
 *
 * Its rows are padded to the widest selected message of the whole file, so they are held until
 * the end; it is a table of the messages asked for, not of the whole file.
 */
import type { FitField } from '../fit/decode/message.js';
import type { CsvCell } from './fitcsv.js';

export interface FitDataCsvOptions {
  iso8601?: boolean;
  groupData?: boolean;
}

export class FitDataCsvWriter {
  #opts: FitDataCsvOptions;
  #onRow: (line: string) => void;
  #columns = new Map<string, number>();
  #names: string[] = [];
  #current: string[] = [];
  #byMessage = new Map<string, number[]>();
  #rows: { cells: string[]; count: number }[] = [];
  #widest = 0;

  constructor(opts: FitDataCsvOptions, onRow: (line: string) => void) {
    this.#opts = opts;
    this.#onRow = onRow;
  }

  /** One selected data message and the cells the main CSV showed for it. */
  message(msgName: string, fields: { field: FitField; cell: CsvCell }[]): void {
    if (this.#opts.groupData) for (const i of this.#byMessage.get(msgName) ?? []) this.#current[i] = '';
    if (fields.length > this.#widest) this.#widest = fields.length;
    for (const { field, cell } of fields) {
      const i = this.#column(msgName, field);
      this.#current[i] = '"' + cell.value.replace(/"/g, '""') + '"';
    }
    this.#rows.push({ cells: this.#current.slice(0, this.#names.length), count: this.#names.length });
  }

  #column(msgName: string, f: FitField): number {
    let key: string;
    if (f.kind === 'developer') {
      key = f.dev?.name === undefined ? `${msgName}.developer.255.null` : `${msgName}.developer.${f.dev.devIndex}.${f.dev.name}`;
      const units = f.dev?.units ?? '';
      if (units && f.dev?.name !== undefined) key += `[${units}]`;
    } else {
      key = `${msgName}.${f.def ? f.name : 'unknown'}`;
      // Unlike the main CSV, this table shows the subfield's own units.
      const units = f.sub ? f.sub.units : f.units;
      const dropUnits = this.#opts.iso8601 && f.type === 'date_time';
      if (units && !dropUnits) key += `[${units}]`;
    }
    let i = this.#columns.get(key);
    if (i === undefined) {
      i = this.#names.length;
      this.#columns.set(key, i);
      this.#names.push(key);
      this.#current.push('');
      const own = this.#byMessage.get(msgName) ?? [];
      own.push(i);
      this.#byMessage.set(msgName, own);
    }
    return i;
  }

  /** Writes the held rows; returns the header row, which goes first in the file. */
  headerRow(): string {
    for (const { cells, count } of this.#rows) {
      let line = '';
      for (let i = 0; i < count; i++) line += (cells[i] ?? '') + ',';
      for (let i = count; i < this.#widest; i++) line += ',';
      this.#onRow(line);
    }
    this.#rows = [];
    return this.#names.map((n) => n + ',').join('');
  }
}
