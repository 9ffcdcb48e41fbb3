/** textTable draws plain tables itself: byte for byte what cli-table3 draws (the oracle here). */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Table from 'cli-table3';
import { describe, expect, it } from 'vitest';
import { textTable, type TextTableOptions } from '../../src/cli/text-table.js';
import { Profile } from '../../src/core/fit/profile/profile.js';
import { seededRng, type Rng } from '../../src/core/platform/random.js';
import { validatePath } from '../../src/core/validate/validate-path.js';
import { CORPUS, hasCorpus } from '../helpers/corpus.js';

const root = join(import.meta.dirname, '../..');

/** What the reports drew with cli-table3 before textTable. */
function oracle(o: TextTableOptions, rows: (string | number)[][]): string {
  const t = new Table({
    head: o.head,
    ...(o.rowLines ? {} : { chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' } }),
    style: { head: o.style?.head ?? [], border: o.style?.border ?? [] },
    ...(o.colWidths ? { colWidths: o.colWidths } : {}),
    ...(o.colAligns ? { colAligns: o.colAligns } : {}),
    ...(o.wordWrap ? { wordWrap: true } : {}),
  });
  for (const r of rows) t.push(r);
  return t.toString();
}

function fitFiles(dir: string, max: number): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      if (out.length >= max) return;
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.toLowerCase().endsWith('.fit')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

describe('textTable', () => {
  it("draws validate's checklist tables as cli-table3 does, at every width", () => {
    const profile = Profile.standard();
    // The repo's fixtures, and the corpus's files where a clone has it beside (CI does).
    const files = [...fitFiles(join(root, 'fixtures'), 40), ...(hasCorpus ? fitFiles(join(CORPUS, 'fit'), 60) : [])];
    expect(files.length).toBeGreaterThanOrEqual(hasCorpus ? 60 : 20);
    let tables = 0;
    for (const f of files) {
      const r = validatePath(f, profile);
      if (r.checklist.length === 0) continue;
      const rows = r.checklist.map((c) => [c.name, c.level, c.status, [...c.reasons, c.expected ? `expected ${c.expected}` : ''].filter(Boolean).join('\n')]);
      for (const width of [40, 57, 80, 133]) {
        const name = Math.min(Math.max(...rows.map((c) => c[0]!.length), 21) + 2, Math.floor((width - 24) / 2));
        const o = { head: ['Check (FitCSVTool -t)', 'Level', 'Status', 'Detail'], colWidths: [name, 10, 9, width - 24 - name], wordWrap: true };
        expect(textTable(o, rows)).toBe(oracle(o, rows));
        tables++;
      }
    }
    expect(tables).toBeGreaterThan(hasCorpus ? 100 : 40);
  });

  it('draws random plain tables as cli-table3 does: wrapped or not, lines between rows or not, fixed or fitted widths, aligned left or right, odd spacing, long words, empty cells', () => {
    const rng = seededRng(17);
    const int = (r: Rng, n: number) => Math.floor(r() * n);
    const pieces = ['a', 'word', 'Session', 'abcdefghijklmnopqrstuvwxyz0123', ' ', '  ', '   ', '\n', '#3', '(byte 12)', '...', ''];
    const text = () => Array.from({ length: int(rng, 9) }, () => pieces[int(rng, pieces.length)]).join('');
    for (let k = 0; k < 600; k++) {
      const cols = 1 + int(rng, 4);
      const head = Array.from({ length: cols }, () => (rng() < 0.3 ? '' : text()));
      const rows = Array.from({ length: int(rng, 5) }, () => Array.from({ length: cols }, () => (rng() < 0.15 ? int(rng, 1000) : text())));
      const o: TextTableOptions = { head: head.map((h) => h || 'h'), wordWrap: rng() < 0.7, rowLines: rng() < 0.4 };
      if (rng() < 0.8) o.colWidths = Array.from({ length: cols }, () => 1 + int(rng, 24));
      if (rng() < 0.4) o.colAligns = Array.from({ length: cols }, () => (rng() < 0.5 ? 'left' : 'right'));
      expect(textTable(o, rows)).toBe(oracle(o, rows));
    }
  });

  it('hands colour, a coloured border and other characters to cli-table3', () => {
    const o = { head: ['Check', 'Status'], colWidths: [12, 9], wordWrap: true };
    const rows = [
      ['Lap Message Exists', '\x1b[31mFAILED\x1b[39m'],
      ['Zeitzone München', 'PASSED'],
      ['tab\there', 'PASSED'],
    ];
    expect(textTable(o, rows)).toBe(oracle(o, rows));
    for (const style of [{ border: ['grey'] }, { head: ['bold'] }]) expect(textTable({ ...o, style }, [['a', 'b']])).toBe(oracle({ ...o, style }, [['a', 'b']]));
  });
});
