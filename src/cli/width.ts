/** Fitting text to the terminal: its width, and lines wrapped to it (colour codes kept, not counted). */

const ANSI = /\x1b\[[0-9;]*m/g;

/** Columns to fit: the terminal's, else $COLUMNS, else 80. Never below 40. */
export function termWidth(stream: NodeJS.WriteStream = process.stdout): number {
  const cols = stream.isTTY && stream.columns ? stream.columns : Number(process.env.COLUMNS) || 80;
  return Math.max(40, cols);
}

export function visibleLength(s: string): number {
  return s.replace(ANSI, '').length;
}

/** Splits a word that alone is wider than `width` into pieces of `width` visible characters. */
function cut(word: string, width: number): string[] {
  const out: string[] = [];
  let piece = '';
  let n = 0;
  for (let i = 0; i < word.length;) {
    const m = word[i] === '\x1b' ? /^\x1b\[[0-9;]*m/.exec(word.slice(i)) : null;
    if (m) {
      piece += m[0];
      i += m[0].length;
      continue;
    }
    if (n === width) {
      out.push(piece);
      piece = '';
      n = 0;
    }
    piece += word[i++];
    n++;
  }
  if (piece) out.push(piece);
  return out;
}

/**
 * One line word-wrapped to `width` columns; continuation lines start with `indent`. A word wider
 * than a line (a long path) is cut.
 */
export function wrapLine(line: string, width: number, indent = ''): string[] {
  if (visibleLength(line) <= width) return [line];
  const lead = /^ */.exec(line)![0];
  const out: string[] = [];
  let cur = lead;
  let empty = true;
  const newLine = () => {
    out.push(cur);
    cur = indent;
    empty = true;
  };
  for (const word of line.slice(lead.length).split(' ')) {
    const len = visibleLength(word);
    if (!empty && visibleLength(cur) + 1 + len > width) newLine();
    if (visibleLength(cur) + (empty ? 0 : 1) + len <= width) {
      cur += (empty ? '' : ' ') + word;
      empty = false;
      continue;
    }
    if (!empty) newLine();
    const pieces = cut(word, Math.max(1, width - visibleLength(cur)));
    for (const [i, piece] of pieces.entries()) {
      cur += piece;
      empty = false;
      if (i < pieces.length - 1) newLine();
    }
  }
  if (!empty) out.push(cur);
  return out;
}

/** Widest line of a block of text, in visible columns. */
export function widest(text: string): number {
  return Math.max(0, ...text.split('\n').map(visibleLength));
}

/**
 * A table when it fits in `width` columns, else its rows as wrapped lines (`row()` gives one line
 * per row, e.g. "Edge 530 via msc: 10 files, 9 new, ...").
 */
export function tableOrLines(table: string, rows: () => string[], width: number): string {
  if (widest(table) <= width) return table;
  return rows()
    .map((l) => wrapLine(l, width, '    ').join('\n'))
    .join('\n');
}
