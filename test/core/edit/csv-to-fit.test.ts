/**
 * csv2fit on an edited dump: a changed value and a deleted row come back as a FIT file that
 * differs from the original in exactly that value and that message (both decoded and compared);
 * a CSV that cannot be a FIT file is refused naming its line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Decoder, Stream } from '@garmin/fitsdk';
import { describe, expect, it } from 'vitest';
import { csvToFit } from '../../../src/core/edit/csv-to-fit.js';
import { decodeFit } from '../../../src/core/fit/decode/decoder.js';
import type { FitMessage } from '../../../src/core/fit/decode/message.js';
import { Profile } from '../../../src/core/fit/profile/profile.js';
import { isInvalid } from '../../../src/core/fit/proto/base-types.js';
import { renderCsv } from '../../helpers/render-csv.js';

const profile = Profile.standard();
const fixture = new Uint8Array(readFileSync(join(import.meta.dirname, '../../../fixtures/fit/garmin-fenix-5-walk.fit')));

/**
 * Each message as its name and its valid stored fields in order (expanded ones left out). The CSV
 * keeps no number or base type of unknown messages and fields, so they are compared by name only
 * here (the corpus round trip compares how they print).
 */
function messages(bytes: Uint8Array): { name: string; fields: [string, string][] }[] {
  const d = decodeFit(bytes, { profile });
  expect(d.diagnostics.filter((x) => x.level === 'error')).toEqual([]);
  return d.messages.map((m: FitMessage) => ({
    name: m.def ? m.name : 'unknown',
    fields: m.fields
      .filter((f) => f.kind !== 'expanded' && (f.def || f.kind === 'developer'))
      .filter((f) => {
        const els = Array.isArray(f.raw) ? f.raw : [f.raw];
        return !els.every((e) => isInvalid(f.baseType, e) || (typeof e === 'string' && e.replace(/\0/g, '') === ''));
      })
      .map((f): [string, string] => [f.name, JSON.stringify(f.raw, (_k, v) => (typeof v === 'bigint' ? String(v) : v))]),
  }));
}

describe('csv2fit of an edited dump', () => {
  it('a changed heart rate and a deleted record row: exactly that changes', () => {
    const lines = renderCsv(fixture, profile).csv.split('\n');
    const dataRows = lines.map((l, i) => [l, i] as const).filter(([l]) => l.startsWith('Data,'));
    const records = dataRows.filter(([l]) => /^Data,\d+,record,/.test(l) && /heart_rate,"\d+"/.test(l));
    const [changedLine, changedAt] = records[3];
    const [, deletedAt] = records[8];
    const hr = Number(/heart_rate,"(\d+)"/.exec(changedLine)![1]);
    lines[changedAt] = changedLine.replace(/heart_rate,"\d+"/, `heart_rate,"${hr + 40}"`);
    lines.splice(deletedAt, 1);
    const out = csvToFit(lines.join('\n'), profile).bytes;
    expect(new Decoder(Stream.fromByteArray(out)).checkIntegrity()).toBe(true);

    const before = messages(fixture);
    const after = messages(out);
    const changedIndex = dataRows.findIndex(([, i]) => i === changedAt);
    const deletedIndex = dataRows.findIndex(([, i]) => i === deletedAt);
    const expected = before.map((m, i) => (i === changedIndex ? { ...m, fields: m.fields.map(([k, v]): [string, string] => [k, k === 'heart_rate' ? String(hr + 40) : v]) } : m));
    expected.splice(deletedIndex, 1);
    expect(after).toEqual(expected);
    expect(before[changedIndex].fields).toContainEqual(['heart_rate', String(hr)]);
    expect(after).toHaveLength(before.length - 1);
  });

  it("FitCSVTool's own CSV of a file comes back to it, byte for byte", () => {
    const csv = readFileSync(join(import.meta.dirname, '../../../fixtures/fit/Activity.csv'), 'utf8');
    expect(renderCsv(csvToFit(csv, profile).bytes, profile).csv).toBe(csv);
  });

  it('rows that cannot be FIT are refused naming their line; CRLF and rows without trailing commas are read', () => {
    const csv = renderCsv(fixture, profile).csv;
    const bad = (edit: (lines: string[]) => void) => {
      const lines = csv.split('\n');
      edit(lines);
      return () => csvToFit(lines.join('\n'), profile);
    };
    const firstData = csv.split('\n').findIndex((l) => l.startsWith('Data,'));
    expect(bad((l) => (l[firstData] = l[firstData].replace(/^Data,(\d+),[a-z_]+,/, 'Data,$1,session,')))).toThrow(`line ${firstData + 1}: message session for local number`);
    expect(bad((l) => (l[1] = l[1].replace('file_id', 'no_such_message')))).toThrow('line 2: unknown message "no_such_message"');
    expect(bad((l) => (l[1] = 'Data,9,file_id,type,"4",,'))).toThrow('line 2: data for local number 9, which no Definition row defined');
    expect(bad((l) => (l[1] = 'Definition,16,file_id,'))).toThrow('line 2: local number "16" is not 0..15');
    expect(bad((l) => l.push('Data,0,file_id,type,"4'))).toThrow('a quoted value is not closed');
    // Spreadsheet habits: CRLF line ends and no trailing commas.
    const crlf = csv
      .split('\n')
      .map((l) => l.replace(/,+$/, ''))
      .join('\r\n');
    expect(renderCsv(csvToFit(crlf, profile).bytes, profile).csv).toBe(csv);
  });
});
