/**
 * oclif's command-line parser (`@oclif/core` 4, parser/parse.js + validate.js), for the inputs a
 * plain run has: the same flags, args and argv whenever oclif would accept the command line, and
 * `undefined` ("not mine") for anything else. oclif then parses the line again and prints its own
 * usage error, so the messages stay oclif's. Declining more than oclif refuses is allowed (it costs
 * only speed); accepting anything oclif would refuse or read otherwise is not:
 * test/cli/lite-parse.test.ts holds this parser against oclif's on generated command lines.
 *
 * Declined: `--`, unknown flags (oclif keeps them as arguments with strict off), a missing
 * argument (oclif would read standard input for it), `--bool=value`, a repeated single-valued
 * flag, a value that oclif would refuse (options, integers, min/max), required flags absent,
 * dependsOn/exclusive conflicts, and definitions using features fitkit does not use.
 */

/** A flag definition as Flags.boolean/string/integer make it (oclif's shape, plus `kind`). */
export interface FlagDef {
  type: 'boolean' | 'option';
  /** For options: how a value is read. Absent: a parse function this parser does not know. */
  kind?: 'string' | 'integer';
  char?: string;
  allowNo?: boolean;
  multiple?: boolean;
  multipleNonGreedy?: boolean;
  default?: unknown;
  options?: readonly string[];
  required?: boolean;
  dependsOn?: readonly string[];
  exclusive?: readonly string[];
  min?: number;
  max?: number;
}

export interface ArgDef {
  required?: boolean;
  kind?: 'string';
}

export interface CommandDefs {
  flags?: Record<string, FlagDef>;
  baseFlags?: Record<string, FlagDef>;
  args?: Record<string, ArgDef>;
  strict?: boolean;
  enableJsonFlag?: boolean;
}

export interface Parsed {
  args: Record<string, string>;
  argv: string[];
  flags: Record<string, unknown>;
  metadata: { flags: Record<string, { setFromDefault: true }> };
}

/** oclif features a definition may carry that this parser does not implement: such a command is declined. */
const UNSUPPORTED = ['aliases', 'charAliases', 'env', 'relationships', 'combinable', 'exactlyOne', 'atLeastOne', 'delimiter', 'allowStdin', 'deprecated', 'deprecateAliases', 'defaultHelp'];

/** The flags as oclif's aggregateFlags orders them: `json` first when the command enables it. */
export function commandFlags(c: CommandDefs): Record<string, FlagDef> {
  const combined = { ...c.baseFlags, ...c.flags };
  return c.enableJsonFlag ? { json: { type: 'boolean' }, ...combined } : combined;
}

export function parseArgv(argv: readonly string[], c: CommandDefs): Parsed | undefined {
  const flags = commandFlags(c);
  const argDefs = Object.entries(c.args ?? {});
  if (!supported(flags, argDefs)) return undefined;
  const byChar = new Map<string, string>();
  for (const [name, f] of Object.entries(flags)) if (f.char !== undefined) byChar.set(f.char, name);
  const find = (token: string): string | undefined => {
    if (token.startsWith('--')) {
      const name = token.slice(2);
      if (Object.hasOwn(flags, name)) return name;
      if (token.startsWith('--no-')) {
        const negated = token.slice(5);
        if (Object.hasOwn(flags, negated) && flags[negated].type === 'boolean' && flags[negated].allowNo) return negated;
      }
      return undefined;
    }
    return token.startsWith('-') ? byChar.get(token[1]) : undefined;
  };

  const tokens = new Map<string, string[]>();
  const positional: string[] = [];
  const queue = [...argv];
  // oclif's "current flag": the last option flag read; a greedy multiple one takes the words after it.
  let current: string | undefined;
  while (queue.length > 0) {
    const input = queue.shift()!;
    if (input.startsWith('-') && input !== '-') {
      if (input === '--') return undefined;
      const isLong = input.startsWith('--');
      let name = find(input);
      let value: string | undefined;
      let valueGiven = false;
      if (name === undefined) {
        // `--name=value` (a short flag with `=` is found by its letter, below).
        const eq = input.indexOf('=');
        if (eq === -1) return undefined;
        name = find(input.slice(0, eq));
        if (name === undefined || flags[name].type !== 'option') return undefined;
        value = input.slice(eq + 1);
        valueGiven = true;
      }
      const flag = flags[name];
      const seen = tokens.get(name) ?? [];
      if (flag.type === 'option') {
        if (!flag.multiple && seen.length > 0) return undefined;
        current = name;
        if (!valueGiven) value = isLong || input.length < 3 ? queue.shift() : input.slice(input[2] === '=' ? 3 : 2);
        // oclif refuses a value that is itself a flag.
        if (value === undefined || (value.startsWith('-') && find(value) !== undefined)) return undefined;
        seen.push(value);
      } else {
        seen.push(input);
        // `-abc`: -a, then -bc.
        if (!isLong && input.length > 2) queue.unshift(`-${input.slice(2)}`);
      }
      tokens.set(name, seen);
      continue;
    }
    if (current !== undefined && flags[current].multiple && !flags[current].multipleNonGreedy) tokens.get(current)!.push(input);
    else positional.push(input);
  }

  if (c.strict !== false && positional.length > argDefs.length) return undefined;
  if (positional.length < argDefs.length) return undefined;
  const args: Record<string, string> = {};
  argDefs.forEach(([name], i) => (args[name] = positional[i]));

  const values: Record<string, unknown> = {};
  const metadata: Parsed['metadata'] = { flags: {} };
  for (const [name, flag] of Object.entries(flags)) {
    const seen = tokens.get(name);
    let value: unknown;
    if (seen) {
      if (flag.type === 'boolean') value = seen[seen.length - 1] !== `--no-${name}`;
      else {
        const read = seen.map((s) => optionValue(flag, s));
        if (read.includes(undefined)) return undefined;
        value = flag.multiple ? read : read[read.length - 1];
      }
    } else if (flag.type === 'boolean' || flag.default !== undefined) {
      value = flag.default;
      metadata.flags[name] = { setFromDefault: true };
    }
    if (value !== undefined) values[name] = value;
  }
  for (const [name, flag] of Object.entries(flags)) {
    if (values[name] === undefined) {
      if (flag.required) return undefined;
      continue;
    }
    if (flag.dependsOn?.some((d) => values[d] === undefined)) return undefined;
    if (flag.exclusive?.some((x) => values[x] !== undefined)) return undefined;
  }
  const original = [...argv];
  return { args, argv: positional.sort((a, b) => original.indexOf(a) - original.indexOf(b)), flags: values, metadata };
}

function supported(flags: Record<string, FlagDef>, args: [string, ArgDef][]): boolean {
  for (const f of Object.values(flags)) {
    if (UNSUPPORTED.some((k) => (f as unknown as Record<string, unknown>)[k] !== undefined)) return false;
    if (f.type === 'option' && f.kind === undefined) return false;
    if (typeof f.default === 'function') return false;
  }
  for (const [, a] of args) {
    const def = a as Record<string, unknown>;
    if (a.kind !== 'string' || def.multiple || def.default !== undefined || def.options !== undefined) return false;
  }
  return true;
}

/** What oclif's option parse returns for `input`, or undefined where it throws. */
function optionValue(flag: FlagDef, input: string): unknown {
  if (flag.options && !flag.options.includes(input)) return undefined;
  if (flag.kind === 'string') return input;
  if (!/^-?\d+$/.test(input)) return undefined;
  const n = Number.parseInt(input, 10);
  if ((flag.min !== undefined && n < flag.min) || (flag.max !== undefined && n > flag.max)) return undefined;
  return n;
}
