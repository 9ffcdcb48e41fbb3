/**
 * FitCSVTool's `OUT_data.csv` (written with `--data`): one column per `message.field[units]`,
 * one row per selected data message, values carried forward from earlier rows of any message
 * (docs/fitcsv-options.md, `_data.csv`). `-g` blanks a message's own columns before each of its rows.
 * A row has one cell per column known so far, padded with empty cells up to the most fields any
 * selected message of the whole file has (developer fields not counted), so the rows are held
 * until the end; it is a table of the messages asked for, not of the whole file.
 */
import type { FitField } from '../fit/decode/message.js';
import type { CsvCell } from './fitcsv.js';

export interface FitDataCsvOptions {
  iso8601?: boolean;
  groupData?: boolean;
}

export class FitDataCsvWriter {
  #opts: FitDataCsvOptions;
  #columns = new Map<string, number>();
  #names: string[] = [];
  #current: string[] = [];
  #byMessage = new Map<string, number[]>();
  #rows: { line: string; cells: number }[] = [];
  #widest = 0;
  rows = 0;

  constructor(opts: FitDataCsvOptions) {
    this.#opts = opts;
  }

  /** One selected data message and the cells the main CSV showed for it. */
  message(msgName: string, fields: { field: FitField; cell: CsvCell }[]): void {
    if (this.#opts.groupData) for (const i of this.#byMessage.get(msgName) ?? []) this.#current[i] = '';
    let native = 0;
    for (const { field, cell } of fields) {
      const i = this.#column(msgName, field);
      this.#current[i] = '"' + cell.value.replace(/"/g, '""') + '"';
      if (field.kind !== 'developer') native++;
    }
    if (native > this.#widest) this.#widest = native;
    let line = '';
    for (const c of this.#current) line += c + ',';
    this.rows++;
    this.#rows.push({ line, cells: this.#current.length });
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

  /** Hands over the held rows; returns the header row, which goes first in the file. */
  headerRow(onRow: (line: string) => void): string {
    for (const { line, cells } of this.#rows) onRow(cells < this.#widest ? line + ','.repeat(this.#widest - cells) : line);
    this.#rows = [];
    return this.#names.map((n) => n + ',').join('');
  }
}
