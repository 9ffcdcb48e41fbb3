/**
 * The plain-run path (bin/run.js → src/cli/lite-run.ts → dist/lite/ID.cjs): a plain command line
 * runs without loading oclif, and prints, writes and exits exactly as the same line run through
 * oclif (FITKIT_OCLIF=1), on successes, data errors, --json, warnings and usage errors alike.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildRide } from '../helpers/gpx-ride.js';
import { smallFit } from '../helpers/sort-files.js';
import { buildTcx } from '../helpers/tcx-sdk.js';

const root = join(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'fitkit-lite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, bytes: Uint8Array | string) => {
  mkdirSync(dirname(join(dir, name)), { recursive: true });
  writeFileSync(join(dir, name), bytes);
  return join(dir, name);
};
const ride = file('ride.fit', buildRide());
const tiny = file('tiny.fit', smallFit({ records: 5 }));
const cut = file('cut.fit', buildRide().subarray(0, 700));
const tcx = file('row.tcx', buildTcx(Array.from({ length: 30 }, (_, i) => ({ t: i * 2, d: i * 8, hr: 120 + i }))));
file('in/a.fit', smallFit({ seed: 1 }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  files: Record<string, string>;
}

/** Runs `fitkit ARGS` in a fresh output folder (OUT in args), through oclif or not. */
function run(args: string[], oclif: boolean, trace?: string): Run {
  const out = mkdtempSync(join(dir, oclif ? 'oclif-' : 'lite-'));
  const argv = args.map((a) => a.replaceAll('OUT', out));
  const env = { ...process.env, NO_COLOR: '1', FITKIT_OCLIF: oclif ? '1' : undefined, FITKIT_IMPORT_TRACE: trace, XDG_CONFIG_HOME: join(dir, 'config') };
  const pre = trace ? ['--import', join(root, 'test/helpers/import-trace.mjs')] : [];
  const r = spawnSync(process.execPath, [...pre, join(root, 'bin/run.js'), ...argv], { cwd: dir, env, encoding: 'utf8' });
  const files: Record<string, string> = {};
  // The library's own records (.fitkit/) hold the time of the run.
  for (const f of (readdirSync(out, { recursive: true }) as string[]).filter((f) => !f.includes('.fitkit'))) {
    const path = join(out, f);
    try {
      files[f] = readFileSync(path, 'latin1');
    } catch {
      files[f] = '(folder)';
    }
  }
  const clean = (s: string) => s.replaceAll(out, 'OUT');
  return { code: r.status, stdout: clean(r.stdout), stderr: clean(r.stderr), files };
}

describe('plain runs without oclif', () => {
  it('a plain command never loads oclif', () => {
    const trace = join(dir, 'trace.txt');
    const r = run(['dump', ride, '-o', 'OUT/ride.csv'], false, trace);
    expect(r.code).toBe(0);
    // bin/run.js and the bundles are CommonJS: the ES module loader, oclif's only way in, may see nothing at all.
    const urls = existsSync(trace) ? readFileSync(trace, 'utf8').split('\n') : [];
    expect(urls.filter((u) => /oclif/.test(u))).toEqual([]);
  });

  it('help still goes to oclif', () => {
    const trace = join(dir, 'trace-help.txt');
    run(['dump', ride, '--help'], false, trace);
    expect(readFileSync(trace, 'utf8')).toMatch(/dist\/cli\/oclif\.js/);
  });

  it.each([
    ['dump to a file', 0, ['dump', ride, '-o', 'OUT/ride.csv', '--data', 'record,lap']],
    ['dump to stdout, FitCSVTool options', 0, ['dump', tiny, '-se', '-deg', '-iso8601', '-re', '-u']],
    ['dump --data without -o (a warning)', 0, ['dump', tiny, '--data', 'record']],
    ['dump --json', 0, ['dump', '--json', ride]],
    ['dump of a cut file', 1, ['dump', cut, '-o', 'OUT/cut.csv']],
    ['dump --json of a missing file', 1, ['dump', '--json', join(dir, 'nope.fit')]],
    ['validate --json', 1, ['validate', '--json', ride, cut]],
    ['repair', 0, ['repair', cut, '-o', 'OUT/fixed.fit']],
    ['fit2gpx', 0, ['fit2gpx', ride, '-o', 'OUT/ride.gpx']],
    ['tcx2fit', 0, ['tcx2fit', tcx, '-o', 'OUT/row.fit', '--gender', 'male', '--split', '100']],
    ['sort --json', 0, ['sort', join(dir, 'in'), '--to', 'OUT/lib', '--json']],
    ['shift by a negative time', 0, ['shift', ride, '--by', '-30min', '-o', 'OUT/shifted.fit']],
    ['usage: two files to dump', 2, ['dump', ride, tiny]],
    ['usage: bad option value', 2, ['tcx2fit', tcx, '-o', 'OUT/x.fit', '--gender', 'other']],
    ['usage: --json and a missing required flag', 2, ['repair', '--json', cut]],
  ] as const)('%s: exit %i, and the same output, files and exit code as through oclif', (_, code, args) => {
    const lite = run([...args], false);
    expect(lite.code).toBe(code);
    expect(lite).toEqual(run([...args], true));
  });
});
