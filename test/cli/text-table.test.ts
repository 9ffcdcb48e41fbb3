/** compactTable draws plain tables itself: byte for byte what cli-table3 draws (the oracle here). */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Table from 'cli-table3';
import { describe, expect, it } from 'vitest';
import { compactTable, type CompactTableOptions } from '../../src/cli/text-table.js';
import { Profile } from '../../src/core/fit/profile/profile.js';
import { seededRng, type Rng } from '../../src/core/platform/random.js';
import { validatePath } from '../../src/core/validate/validate-path.js';

const root = join(import.meta.dirname, '../..');

/** What validate-report.ts drew with cli-table3 before compactTable. */
function oracle(o: CompactTableOptions, rows: (string | number)[][]): string {
  const t = new Table({
    head: o.head,
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    style: { head: [], border: o.border ?? [] },
    ...(o.colWidths ? { colWidths: o.colWidths } : {}),
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

describe('compactTable', () => {
  it("draws validate's checklist tables as cli-table3 does, at every width", () => {
    const profile = Profile.standard();
    const files = [...fitFiles(join(root, 'fixtures/fit'), 40), ...fitFiles(join(root, '../shared/corpus/fit'), 60)];
    expect(files.length).toBeGreaterThan(50);
    let tables = 0;
    for (const f of files) {
      const r = validatePath(f, profile);
      if (r.checklist.length === 0) continue;
      const rows = r.checklist.map((c) => [c.name, c.level, c.status, [...c.reasons, c.expected ? `expected ${c.expected}` : ''].filter(Boolean).join('\n')]);
      for (const width of [40, 57, 80, 133]) {
        const name = Math.min(Math.max(...rows.map((c) => c[0]!.length), 21) + 2, Math.floor((width - 24) / 2));
        const o = { head: ['Check (FitCSVTool -t)', 'Level', 'Status', 'Detail'], colWidths: [name, 10, 9, width - 24 - name], wordWrap: true };
        expect(compactTable(o, rows)).toBe(oracle(o, rows));
        tables++;
      }
    }
    expect(tables).toBeGreaterThan(100);
  });

  it('draws random plain tables as cli-table3 does: wrapped or not, fixed or fitted widths, odd spacing, long words, empty cells', () => {
    const rng = seededRng(17);
    const int = (r: Rng, n: number) => Math.floor(r() * n);
    const pieces = ['a', 'word', 'Session', 'abcdefghijklmnopqrstuvwxyz0123', ' ', '  ', '   ', '\n', '#3', '(byte 12)', '...', ''];
    const text = () => Array.from({ length: int(rng, 9) }, () => pieces[int(rng, pieces.length)]).join('');
    for (let k = 0; k < 600; k++) {
      const cols = 1 + int(rng, 4);
      const head = Array.from({ length: cols }, () => (rng() < 0.3 ? '' : text()));
      const rows = Array.from({ length: int(rng, 5) }, () => Array.from({ length: cols }, () => (rng() < 0.15 ? int(rng, 1000) : text())));
      const o: CompactTableOptions = { head: head.map((h) => h || 'h'), wordWrap: rng() < 0.7 };
      if (rng() < 0.8) o.colWidths = Array.from({ length: cols }, () => 1 + int(rng, 24));
      expect(compactTable(o, rows)).toBe(oracle(o, rows));
    }
  });

  it('hands colour, a coloured border and other characters to cli-table3', () => {
    const o = { head: ['Check', 'Status'], colWidths: [12, 9], wordWrap: true };
    const rows = [
      ['Lap Message Exists', '\x1b[31mFAILED\x1b[39m'],
      ['Zeitzone München', 'PASSED'],
      ['tab\there', 'PASSED'],
    ];
    expect(compactTable(o, rows)).toBe(oracle(o, rows));
    expect(compactTable({ ...o, border: ['grey'] }, [['a', 'b']])).toBe(oracle({ ...o, border: ['grey'] }, [['a', 'b']]));
  });
});
