/**
 * The plain-run path's parser (src/cli/lite-parse.ts) against oclif's own, on every command's
 * definitions as the build links them (dist/lite/ID.cjs beside dist/commands/ID.js): on thousands
 * of generated command lines, whatever the lite parser takes, oclif takes too, with the same args,
 * argv and flags. What it declines goes to oclif anyway, so declining is never wrong; the usual
 * command lines must still be taken, or the fast path would be dead code.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Parser } from '@oclif/core';
import { describe, expect, it } from 'vitest';
import { commandFlags, parseArgv, type CommandDefs, type FlagDef } from '../../src/cli/lite-parse.js';
import { mulberry32 } from '../helpers/random.js';

const root = join(import.meta.dirname, '../..');
const ids = readdirSync(join(root, 'dist/lite'))
  .filter((f) => f.endsWith('.cjs'))
  .map((f) => f.slice(0, -4))
  .sort();
// Every bundle holds its own copy of fitkit's modules, and each copy hooks exit and signals (the
// temp-file registry): 18 in one process are expected here, not a leak.
process.setMaxListeners(0);
const { loadBundle } = (await import(pathToFileURL(join(root, 'dist/cli/bundle-loader.js')).href)) as typeof import('../../src/cli/bundle-loader.js');

type Defs = CommandDefs & { args?: Record<string, unknown> };
/** The command as oclif has it (tsc's module), or as a plain run has it (its lite bundle). */
async function load(kind: 'oclif' | 'lite', id: string): Promise<Defs> {
  if (kind === 'lite') return (loadBundle(pathToFileURL(join(root, 'dist/lite', `${id}.cjs`))).COMMANDS as Record<string, Defs>)[id];
  return ((await import(pathToFileURL(join(root, 'dist/commands', `${id}.js`)).href)) as { default: Defs }).default;
}

async function oclifParse(argv: string[], c: Defs): Promise<{ args: unknown; argv: unknown; flags: unknown } | Error> {
  try {
    const input = { flags: commandFlags(c), args: c.args ?? {}, strict: c.strict !== false } as unknown as Parameters<typeof Parser.parse>[1];
    const r = await Parser.parse(argv, input);
    return { args: r.args, argv: r.argv, flags: r.flags };
  } catch (e) {
    return e as Error;
  }
}

/** Words a command line of this command may hold: its flags in every spelling, values good and bad, files, junk. */
function words(flags: Record<string, FlagDef>): string[] {
  const values = ['a', 'x.csv', '-', '', '5', '-1', '0', '1.5', 'x', '-30min', '--json', '-o', 'male', 'parquet', 'v1', '99999999999999999999'];
  const out = ['a.fit', 'b.fit', 'a.fit', '-', '--', '--zzz', '-Z', '-5', '--json=true', '--no-json', '-=', 'a=b'];
  const shorts: string[] = [];
  for (const [name, f] of Object.entries(flags)) {
    out.push(`--${name}`);
    if (f.char) out.push(`-${f.char}`);
    if (f.type === 'boolean') {
      out.push(`--no-${name}`);
      if (f.char) shorts.push(f.char);
    } else {
      const pool = [...values, ...(f.options ?? [])];
      for (const v of pool) out.push(v);
      out.push(`--${name}=${pool[name.length % pool.length]}`, `--${name}=`);
      if (f.char) out.push(`-${f.char}x.csv`, `-${f.char}=y.csv`);
    }
  }
  for (const a of shorts) for (const b of [...shorts, 'o', 'Z']) out.push(`-${a}${b}`);
  return out;
}

describe('lite command-line parser, differential against oclif', () => {
  it('has a lite bundle for every command', () => {
    const commands = readdirSync(join(root, 'src/commands'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.slice(0, -3))
      .sort();
    expect(ids).toEqual(commands);
  });

  it('takes only command lines oclif takes, with the same args, argv and flags', async () => {
    let taken = 0;
    let total = 0;
    for (const id of ids) {
      const lite = await load('lite', id);
      const oclif = await load('oclif', id);
      const pool = words(commandFlags(lite));
      const next = mulberry32(id.length * 7919 + id.charCodeAt(0));
      for (let n = 0; n < 500; n++) {
        const line = Array.from({ length: Math.floor(next() * 8) }, () => pool[Math.floor(next() * pool.length)]);
        // Most random lines miss the command's required parts; give half of them a file and its usual flags.
        if (n % 2 === 0) line.push('a.fit');
        total++;
        const mine = parseArgv(line, lite);
        if (!mine) continue;
        taken++;
        const theirs = await oclifParse(line, oclif);
        expect(theirs, `${id} ${JSON.stringify(line)}`).not.toBeInstanceOf(Error);
        expect({ args: mine.args, argv: mine.argv, flags: mine.flags }, `${id} ${JSON.stringify(line)}`).toEqual(theirs);
      }
    }
    console.log(`lite-parse: ${taken} of ${total} lines taken`);
    // Not a target: shows the generator reaches the accepting side often enough to mean something.
    expect(taken).toBeGreaterThan(total / 20);
  });

  it.each([
    ['dump', ['ride.fit']],
    ['dump', ['ride.fit', '-o', 'ride.csv', '--data', 'record,lap']],
    ['dump', ['--json', 'ride.fit']],
    ['dump', ['ride.fit', '--deg', '--iso8601', '--defn', 'none', '-s']],
    ['dump', ['-', '--no-expand', '--output=-']],
    ['validate', ['a.fit', 'b.fit', '--json']],
    ['fit2gpx', ['ride.fit', '-o', 'ride.gpx']],
    ['repair', ['broken.fit', '-o', 'fixed.fit', '--force']],
    ['tcx2fit', ['row.tcx', '-o', 'row.fit', '--gender', 'male', '--split', '1000']],
    ['sort', ['in/', '--to', 'lib']],
    ['sync', ['--simulate', 'fr310xt', '--to', 'lib']],
    ['shift', ['a.fit', '--by', '-30min', '-o', 'b.fit']],
  ])('takes the usual `fitkit %s %j`, as oclif reads it', async (id, line) => {
    const lite = await load('lite', id);
    const mine = parseArgv(line, lite);
    expect(mine).toBeDefined();
    expect({ args: mine!.args, argv: mine!.argv, flags: mine!.flags }).toEqual(await oclifParse(line, await load('oclif', id)));
  });

  it.each([
    ['dump', ['ride.fit', '--', '-o']],
    ['dump', ['ride.fit', '--nope']],
    ['dump', []],
    ['dump', ['a.fit', 'b.fit']],
    ['dump', ['ride.fit', '-o', 'a.csv', '-o', 'b.csv']],
    ['dump', ['ride.fit', '--json=true']],
    ['tcx2fit', ['row.tcx', '-o', 'row.fit', '--gender', 'other']],
    ['tcx2fit', ['row.tcx', '-o', 'row.fit', '--split', '1.5']],
    ['shift', ['a.fit', '--by', '1h', '--to', '2024-05-01T09:30:00Z', '-o', 'b.fit']],
    ['repair', ['broken.fit']],
    ['validate', ['-5']],
  ])('declines `fitkit %s %j` (oclif reports it, or reads it its own way)', async (id, line) => {
    expect(parseArgv(line, await load('lite', id))).toBeUndefined();
  });
});
