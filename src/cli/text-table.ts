/**
 * cli-table3's boxed table, as fitkit's reports draw it (with or without lines between rows).
 * Plain text (printable ASCII, no colour codes, no border colour) is drawn here, exactly as
 * cli-table3 0.6 draws it: loading and running cli-table3 (string-width's emoji regex,
 * @colors/colors) was ~20 ms of a one-file `fitkit validate`. Anything else goes to cli-table3
 * itself. test/cli/text-table.test.ts holds the two to the same output.
 */
import { createRequire } from 'node:module';

export interface TextTableOptions {
  head: string[];
  /** Column widths with padding and without borders; a column without one fits its widest cell. */
  colWidths?: number[];
  colAligns?: ('left' | 'right')[];
  /** Wrap cells on word boundaries to their column's fixed width. */
  wordWrap?: boolean;
  /** A line between rows (cli-table3's default chars); else none (`compact` chars). */
  rowLines?: boolean;
  /** cli-table3 colour names for the head and the border (none: uncoloured). */
  style?: { head?: string[]; border?: string[] };
}

type Cell = string | number;

/** Rows without separator lines between them. */
const COMPACT = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

/** Text whose width is its length, with nothing for cli-table3 to style. */
const PLAIN = /^[\x20-\x7e\n]*$/;

export function textTable(o: TextTableOptions, rows: readonly (readonly Cell[])[]): string {
  const table = [o.head, ...rows].map((r) => r.map(String));
  const plain = !o.style?.head?.length && !o.style?.border?.length && table.every((r) => r.length === o.head.length && r.every((c) => PLAIN.test(c)));
  return plain ? draw(table, o) : viaCliTable3(o, rows);
}

function viaCliTable3(o: TextTableOptions, rows: readonly (readonly Cell[])[]): string {
  const Table = createRequire(import.meta.url)('cli-table3') as typeof import('cli-table3');
  const t = new Table({
    head: o.head,
    ...(o.rowLines ? {} : { chars: COMPACT }),
    style: { head: o.style?.head ?? [], border: o.style?.border ?? [] },
    ...(o.colWidths ? { colWidths: o.colWidths } : {}),
    ...(o.colAligns ? { colAligns: o.colAligns } : {}),
    ...(o.wordWrap ? { wordWrap: true } : {}),
  });
  for (const r of rows) t.push([...r]);
  return t.toString();
}

/** cli-table3's word wrap (utils.wordWrap), for text whose width is its length. */
function wordWrap(max: number, input: string): string[] {
  const lines: string[] = [];
  const split = input.split(/(\s+)/g);
  let line: string[] = [];
  let length = 0;
  let space: string | undefined;
  for (let i = 0; i < split.length; i += 2) {
    const word = split[i]!;
    let next = length + word.length;
    if (length > 0 && space) next += space.length;
    if (next > max) {
      if (length !== 0) lines.push(line.join(''));
      line = [word];
      length = word.length;
    } else {
      line.push(space || '', word);
      length = next;
    }
    space = split[i + 1];
  }
  if (length) lines.push(line.join(''));
  return lines;
}

/** One line of a cell `len` wide inside its padding: cut with an ellipsis, else padded. */
function fitLine(line: string, len: number, align: 'left' | 'right' = 'left'): string {
  const cut = line.length <= len ? line : line.slice(0, Math.max(0, len - 1)) + '…';
  if (cut.length > len + 1) return cut;
  const pad = ' '.repeat(Math.max(0, len - cut.length));
  return align === 'right' ? pad + cut : cut + pad;
}

function draw(table: string[][], o: TextTableOptions): string {
  const fixed = (x: number) => o.colWidths?.[x];
  const cells = table.map((r) =>
    r.map((c, x) => {
      const w = fixed(x);
      return w && o.wordWrap ? c.split('\n').flatMap((l) => wordWrap(w - 2, l)) : c.split('\n');
    }),
  );
  const widths = o.head.map((_, x) => fixed(x) ?? Math.max(1, ...table.map((r) => Math.max(...r[x]!.split('\n').map((l) => l.length)) + 2)));
  const rule = (l: string, m: string, r: string) => l + widths.map((w) => '─'.repeat(w)).join(m) + r;
  const out = [rule('┌', '┬', '┐')];
  for (const [y, row] of cells.entries()) {
    if (y > 0 && o.rowLines) out.push(rule('├', '┼', '┤'));
    const height = Math.max(1, ...row.map((lines) => lines.length));
    for (let n = 0; n < height; n++) {
      out.push('│' + row.map((lines, x) => (n < lines.length ? ` ${fitLine(lines[n]!, widths[x]! - 2, o.colAligns?.[x])} ` : ' '.repeat(widths[x]!))).join('│') + '│');
    }
  }
  out.push(rule('└', '┴', '┘'));
  return out.join('\n');
}
