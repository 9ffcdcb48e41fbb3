/**
 * A structural check of udev rules text, so that something real always checks the generated
 * rules even where `udevadm verify` (systemd ≥ 253) is missing. It follows udev(7) and the
 * checks `udevadm verify` makes (systemd's test/units/*udevadm-verify*): every rule is
 * `KEY[{attr}] op "value"` tokens separated by ", "; keys and operators must fit; GOTO needs a
 * later LABEL and every LABEL a GOTO; a rule must do something. fitkit's own policy on top: no
 * world-writable MODE, no RUN (permissions only).
 */

const MATCH_ONLY = new Set(['ACTION', 'DEVPATH', 'KERNEL', 'KERNELS', 'SUBSYSTEM', 'SUBSYSTEMS', 'DRIVER', 'DRIVERS', 'ATTRS', 'TAGS', 'TEST', 'RESULT', 'CONST']);
const ASSIGN_ONLY = new Set(['OWNER', 'GROUP', 'MODE', 'SYMLINK', 'RUN', 'LABEL', 'GOTO', 'OPTIONS', 'IMPORT', 'SECLABEL']);
const EITHER = new Set(['ATTR', 'SYSCTL', 'ENV', 'TAG', 'NAME', 'PROGRAM']);
const NEEDS_ATTR = new Set(['ATTR', 'ATTRS', 'SYSCTL', 'ENV', 'IMPORT', 'SECLABEL', 'CONST']);
const MAY_ATTR = new Set(['TEST', 'RUN']);
/** Operators each assignment key takes (udev-rules.c). */
const ASSIGN_OPS: Record<string, readonly string[]> = {
  OWNER: ['=', ':='],
  GROUP: ['=', ':='],
  MODE: ['=', ':='],
  LABEL: ['='],
  GOTO: ['='],
  ENV: ['=', '+='],
  TAG: ['=', '+=', '-='],
  ATTR: ['='],
  SYSCTL: ['='],
  NAME: ['=', ':='],
  SYMLINK: ['=', '+=', '-=', ':='],
  RUN: ['=', '+=', ':='],
  OPTIONS: ['=', '+=', ':='],
  IMPORT: ['='],
  SECLABEL: ['=', '+='],
  PROGRAM: ['='],
};

export interface UdevToken {
  key: string;
  attr?: string;
  op: string;
  value: string;
}

export interface UdevRule {
  line: number;
  tokens: UdevToken[];
}

const TOKEN = /^([A-Z_]+)(?:\{([^}]*)\})?(==|!=|\+=|-=|:=|=)"((?:[^"\\]|\\.)*)"/;

/** Parses rules text; returns the rules and every problem found, as `line N: message`. */
export function lintUdevRules(text: string): { rules: UdevRule[]; problems: string[] } {
  const problems: string[] = [];
  const rules: UdevRule[] = [];
  const lines = text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  else problems.push('file does not end with a newline');
  for (let i = 0; i < lines.length; i++) {
    const first = i + 1;
    let line = lines[i];
    // As udev does: drop the backslash, join the next line without its leading blanks.
    while (line.endsWith('\\')) {
      if (i + 1 >= lines.length) {
        problems.push(`line ${first}: line continuation at end of file`);
        line = line.slice(0, -1);
        break;
      }
      line = line.slice(0, -1) + lines[++i].trimStart();
    }
    const body = line.trim();
    if (body === '' || body.startsWith('#')) continue;
    const tokens: UdevToken[] = [];
    let rest = body;
    for (;;) {
      const m = TOKEN.exec(rest);
      if (!m) {
        problems.push(`line ${first}: cannot parse ${JSON.stringify(rest.slice(0, 40))} as KEY op "value"`);
        break;
      }
      tokens.push({ key: m[1], ...(m[2] === undefined ? {} : { attr: m[2] }), op: m[3], value: m[4] });
      rest = rest.slice(m[0].length);
      if (rest === '') break;
      if (!rest.startsWith(', ') || rest.startsWith(',  ')) {
        problems.push(`line ${first}: tokens must be separated by ", "`);
        rest = rest.replace(/^\s*,?\s*/, '');
        if (rest === '') break;
      } else rest = rest.slice(2);
    }
    rules.push({ line: first, tokens });
  }

  const labels = new Map<string, number>();
  const gotos: { label: string; line: number }[] = [];
  for (const r of rules) {
    let acts = 0;
    for (const t of r.tokens) {
      const where = `line ${r.line}: ${t.key}`;
      const isMatch = t.op === '==' || t.op === '!=';
      if (!MATCH_ONLY.has(t.key) && !ASSIGN_ONLY.has(t.key) && !EITHER.has(t.key)) problems.push(`${where}: unknown key`);
      else if (isMatch && ASSIGN_ONLY.has(t.key)) problems.push(`${where}: cannot be matched (${t.op})`);
      else if (!isMatch && MATCH_ONLY.has(t.key)) problems.push(`${where}: cannot be assigned (${t.op})`);
      else if (!isMatch && ASSIGN_OPS[t.key] && !ASSIGN_OPS[t.key].includes(t.op)) problems.push(`${where}: takes ${ASSIGN_OPS[t.key].join(' or ')}, not ${t.op}`);
      if (NEEDS_ATTR.has(t.key) && !t.attr) problems.push(`${where}: needs {attribute}`);
      if (t.attr !== undefined && !NEEDS_ATTR.has(t.key) && !MAY_ATTR.has(t.key)) problems.push(`${where}: takes no {attribute}`);
      if (!isMatch) acts++;
      if (t.key === 'MODE') {
        if (!/^0?[0-7]{3}$/.test(t.value)) problems.push(`${where}: MODE must be octal, got "${t.value}"`);
        else if (parseInt(t.value, 8) & 0o002) problems.push(`${where}: MODE="${t.value}" makes the device writable by everyone`);
      }
      if (t.key === 'RUN') problems.push(`${where}: fitkit's rules set permissions only, no RUN`);
      if (t.key === 'LABEL') {
        if (labels.has(t.value)) problems.push(`${where}: LABEL "${t.value}" defined twice`);
        labels.set(t.value, r.line);
      }
      if (t.key === 'GOTO') gotos.push({ label: t.value, line: r.line });
    }
    if (r.tokens.length && acts === 0) problems.push(`line ${r.line}: the rule only matches; it has no effect`);
    if (r.tokens.filter((t) => t.key === 'GOTO').length > 1) problems.push(`line ${r.line}: more than one GOTO`);
  }
  for (const g of gotos) {
    const at = labels.get(g.label);
    // udev only jumps forward.
    if (at === undefined || at <= g.line) problems.push(`line ${g.line}: GOTO="${g.label}" has no LABEL after it`);
  }
  for (const [label, line] of labels) {
    if (!gotos.some((g) => g.label === label)) problems.push(`line ${line}: LABEL="${label}" is unused`);
  }
  return { rules, problems };
}
