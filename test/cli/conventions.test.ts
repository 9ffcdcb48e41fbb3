/**
 * What every command shares (issue #14): --json error objects and exit codes, closed pipes and
 * failed writes, colour, terminal width, help and suggestions, repeatable --profile-extra.
 * In-process (test/helpers/run-cli.ts) except where a real pipe or closed fd is the point.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { colourLevel } from '../../src/cli/colour.js';
import { plural } from '../../src/cli/plural.js';
import { visibleLength, wrapLine } from '../../src/cli/width.js';
import { ERROR_CODES } from '../../src/core/errors.js';
import { closest } from '../../src/hooks/command-not-found.js';
import { fitkitIn, type CliResult } from '../helpers/run-cli.js';
import { buildTcx } from '../helpers/tcx-sdk.js';

const root = join(import.meta.dirname, '../..');
const fixture = (n: string) => join(root, 'fixtures/fit', n);
const tmp = () => mkdtempSync(join(tmpdir(), 'fitkit-cli-'));
const ANSI = /\x1b\[/;

/** The error object a failing command prints under --json, and its one line on stderr. */
function expectJsonError(r: CliResult, exit: number, code?: string) {
  expect(r.code, r.stderr).toBe(exit);
  const lines = r.stdout.trim().split('\n');
  const err = JSON.parse(lines[lines.length - 1]) as { error: { code: string; message: string; file: string | null; offset: number | null } };
  expect(Object.keys(err.error).sort()).toEqual(['code', 'file', 'message', 'offset']);
  expect(ERROR_CODES).toContain(err.error.code);
  if (code) expect(err.error.code).toBe(code);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/^fitkit: /);
  expect(r.stderr).toContain(err.error.message);
  return err.error;
}

describe('--json: every command prints one error object, usage errors exit 2, data errors 1', () => {
  const dir = tmp();
  const notFit = join(dir, 'notes.fit');
  writeFileSync(notFit, 'not a FIT file at all');
  const badTcx = join(dir, 'bad.tcx');
  writeFileSync(badTcx, '<x/>');
  const aFile = join(dir, 'plain-file');
  writeFileSync(aFile, 'x');

  it.each([['dump'], ['fit2gpx'], ['repair'], ['sort'], ['sync'], ['tcx2fit'], ['validate']])('%s --json --bogus: usage, exit 2, no config dump', async (cmd) => {
    const r = await fitkitIn([cmd, '--json', '--bogus']);
    const e = expectJsonError(r, 2, 'usage');
    expect(e.message).toContain('--bogus');
    expect(r.stdout.length).toBeLessThan(500);
  });

  it.each([
    ['dump', ['dump', notFit, '--json'], 'not_fit'],
    ['fit2gpx', ['fit2gpx', notFit, '-o', join(dir, 'o.gpx'), '--json'], 'not_fit'],
    ['repair', ['repair', notFit, '-o', join(dir, 'o.fit'), '--json'], 'not_fit'],
    ['tcx2fit', ['tcx2fit', badTcx, '-o', join(dir, 't.fit'), '--json'], 'bad_tcx'],
    ['validate', ['validate', join(dir, 'empty-folder-does-not-exist'), '--json'], undefined],
    ['sort', ['sort', fixture('Activity.fit'), '--to', aFile, '--json'], undefined],
  ] as const)('%s: a data error is an error object, exit 1', async (_, argv, code) => {
    const r = await fitkitIn([...argv]);
    if (argv[0] === 'validate') {
      // validate reports per file: a missing path is an unreadable file in the report, exit 1.
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout).files[0].error.code).toBe('not_found');
      return;
    }
    const e = expectJsonError(r, 1, code);
    if (argv[0] !== 'sort') expect(e.file).toBe(argv[1]);
  });

  it('validate with no FIT files at all: the no_files error object', async () => {
    const empty = tmp();
    expectJsonError(await fitkitIn(['validate', empty, '--json']), 1, 'no_files');
  });

  it('sync: a device problem is in the report, exit 1; the offset of a FIT error is its byte', async () => {
    const r = await fitkitIn(['sync', '--from', join(dir, 'no-such-device'), '--to', join(dir, 'lib'), '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).errors[0].error).toContain('no such folder');
    const crc = expectJsonError(await fitkitIn(['dump', fixture('activity-filecrc.fit'), '--json']), 1, 'crc_mismatch');
    expect(crc.offset).toBe(769);
  });

  it('an unknown command: a suggestion, exit 2, the error object under --json', async () => {
    const r = await fitkitIn(['valdate', '--json']);
    expectJsonError(r, 2, 'unknown_command');
    expect(r.stderr).toContain('did you mean "validate"?');
    expect(closest('sinc', ['sync', 'sort', 'dump'])).toBe('sync');
    expect(closest('frobnicate', ['sync', 'sort', 'dump'])).toBeUndefined();
  });
});

describe('--json keys are camelCase everywhere', () => {
  const snake = (v: unknown, path = ''): string[] =>
    Array.isArray(v)
      ? v.flatMap((x) => snake(x, path + '[]'))
      : v && typeof v === 'object'
        ? Object.entries(v).flatMap(([k, x]) => [...(k.includes('_') ? [`${path}.${k}`] : []), ...snake(x, `${path}.${k}`)])
        : [];

  it('sync, sort, validate, fit2gpx, tcx2fit', async () => {
    const dir = tmp();
    const sync = JSON.parse((await fitkitIn(['sync', '--simulate', 'msc:edge530', '--to', join(dir, 'lib'), '--json'])).stdout);
    expect(Object.keys(sync.reports[0].totals)).toEqual(expect.arrayContaining(['duplicates', 'givenUp', 'downloadedBytes']));
    const sort = JSON.parse((await fitkitIn(['sort', fixture('Activity.fit'), '--to', join(dir, 'lib2'), '--json'])).stdout);
    expect(sort.totals).toHaveProperty('duplicates');
    const validate = JSON.parse((await fitkitIn(['validate', fixture('activity-filecrc.fit'), '--json', '--threads', '0'])).stdout);
    const gpx = JSON.parse((await fitkitIn(['fit2gpx', fixture('Activity.fit'), fixture('activity-filecrc.fit'), '-d', dir, '--json', '-j', '1'])).stdout);
    expect(gpx.totals).toEqual({ files: 2, converted: 1, failed: 1 });
    expect(gpx.files[1]).toMatchObject({ ok: false, error: { code: 'crc_mismatch', offset: 769 } });
    writeFileSync(join(dir, 'w.tcx'), buildTcx(Array.from({ length: 60 }, (_, i) => ({ t: i, d: 3 * i, hr: 120, cad: 24, speed: 3, watts: 150 }))));
    const tcx = await fitkitIn(['tcx2fit', join(dir, 'w.tcx'), '-o', join(dir, 'w.fit'), '--json', '--tz', 'UTC']);
    expect(tcx.code, tcx.stderr).toBe(0);
    expect(JSON.parse(tcx.stdout)).toMatchObject({ laps: 1, output: join(dir, 'w.fit') });
    for (const out of [sync, sort, validate, gpx, JSON.parse(tcx.stdout)]) expect(snake(out)).toEqual([]);
  });
});

describe('closed pipes and failed writes', () => {
  const bin = join(root, 'bin/run.js');

  /** Runs fitkit with stdout a pipe that is closed after the first chunk, as `| head -1` does. */
  function closedEarly(args: string[]): Promise<{ code: number | null; stderr: string }> {
    return new Promise((resolve) => {
      const p = spawn(process.execPath, [bin, ...args], { cwd: root });
      let stderr = '';
      p.stderr.on('data', (c) => (stderr += c));
      p.stdout.once('data', () => p.stdout.destroy());
      p.on('close', (code) => resolve({ code, stderr }));
    });
  }

  it('`| head -1`: dump (CSV and NDJSON) and fit2gpx stop quietly with exit 0', async () => {
    // Each writes far more than a pipe holds (64 KiB).
    const runs = await Promise.all([
      closedEarly(['dump', fixture('compressed-speed-distance.fit')]),
      closedEarly(['dump', '--json', fixture('compressed-speed-distance.fit')]),
      closedEarly(['fit2gpx', fixture('garmin-fenix-5-walk.fit')]),
    ]);
    for (const r of runs) expect(r).toEqual({ code: 0, stderr: '' });
  });

  it('stdout closed (>&-) or full (/dev/full): exit 1 and one line', () => {
    for (const [cmd, redirect] of [
      ['dump', '>&-'],
      ['fit2gpx', '>&-'],
      ['validate', '>&-'],
      ['dump', '>/dev/full'],
    ]) {
      const r = spawnSync('sh', ['-c', `exec "$0" "$1" "$2" "$3" ${redirect}`, process.execPath, bin, cmd, fixture('Activity.fit')], { encoding: 'utf8' });
      expect([cmd, redirect, r.status]).toEqual([cmd, redirect, 1]);
      expect(r.stderr).toMatch(/^fitkit: cannot write to standard output: E(BADF|NOSPC)[^\n]*\n$/);
    }
    // No standard streams at all (a service manager's StandardOutput=null, spawn's 'ignore'):
    // the output is wanted gone, not lost.
    const quiet = spawnSync(process.execPath, [bin, 'validate', fixture('Activity.fit')], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    expect(quiet.status, quiet.stderr).toBe(0);
    // Output that goes to a file needs no stdout.
    const dir = tmp();
    const ok = spawnSync('sh', ['-c', 'exec "$0" "$1" dump "$2" -o "$3" >&-', process.execPath, bin, fixture('Activity.fit'), join(dir, 'a.csv')], { encoding: 'utf8' });
    expect(ok.status, ok.stderr).toBe(0);
  });
});

describe('colour', () => {
  it('decides: --no-color, --color, NO_COLOR, FORCE_COLOR, TTY', () => {
    expect(colourLevel([], {}, true)).toBe(1);
    expect(colourLevel([], {}, false)).toBe(0);
    expect(colourLevel([], { NO_COLOR: '1' }, true)).toBe(0);
    expect(colourLevel([], { NO_COLOR: '1', FORCE_COLOR: '1' }, true)).toBe(0);
    expect(colourLevel([], { FORCE_COLOR: '1' }, false)).toBe(1);
    expect(colourLevel([], { FORCE_COLOR: '0' }, true)).toBe(0);
    expect(colourLevel(['--no-color'], { FORCE_COLOR: '1' }, true)).toBe(0);
    expect(colourLevel(['--color'], {}, false)).toBe(1);
    expect(colourLevel(['--', '--color'], {}, false)).toBe(0);
  });

  it('validate and sync: colour only when asked for, never with NO_COLOR or --no-color', async () => {
    const bad = fixture('activity-unexpected-eof.fit');
    expect((await fitkitIn(['validate', bad, '--threads', '0'])).stdout).not.toMatch(ANSI);
    expect((await fitkitIn(['validate', bad, '--threads', '0'], { FORCE_COLOR: '1' })).stdout).toMatch(ANSI);
    expect((await fitkitIn(['validate', bad, '--threads', '0', '--color'])).stdout).toMatch(ANSI);
    expect((await fitkitIn(['validate', bad, '--threads', '0'], { FORCE_COLOR: '1', NO_COLOR: '1' })).stdout).not.toMatch(ANSI);
    const off = await fitkitIn(['validate', bad, '--threads', '0', '--no-color'], { FORCE_COLOR: '1' });
    expect(off.code).toBe(1);
    expect(off.stdout).toContain('FAIL');
    expect(off.stdout).not.toMatch(ANSI);
    const lib = join(tmp(), 'lib');
    expect((await fitkitIn(['sync', '--simulate', 'msc:edge530', '--to', lib], { FORCE_COLOR: '1' })).stdout).toMatch(ANSI);
    expect((await fitkitIn(['sync', '--simulate', 'msc:edge530', '--to', lib], { FORCE_COLOR: '1', NO_COLOR: '1' })).stdout).not.toMatch(ANSI);
  });
});

describe('terminal width', () => {
  const longest = (s: string) => Math.max(...s.split('\n').map((l) => visibleLength(l)));

  it('validate fits 80 columns (COLUMNS=80, and a pipe without COLUMNS): the table, -q, a batch', async () => {
    for (const env of [{ COLUMNS: '80' }, {}]) {
      const one = await fitkitIn(['validate', fixture('activity-unexpected-eof.fit'), '--threads', '0'], env);
      expect(one.stdout).toContain('Check (FitCSVTool -t)');
      expect(longest(one.stdout)).toBeLessThanOrEqual(80);
      const q = await fitkitIn(['validate', join(root, 'fixtures/fit'), '-q', '--threads', '0'], env);
      expect(q.stdout).toContain('REQUIRED check failed');
      expect(longest(q.stdout)).toBeLessThanOrEqual(80);
      const all = await fitkitIn(['validate', join(root, 'fixtures/fit'), '--checks', '--threads', '0'], { ...env, FORCE_COLOR: '1' });
      expect(longest(all.stdout)).toBeLessThanOrEqual(80);
    }
    const wide = await fitkitIn(['validate', fixture('activity-unexpected-eof.fit'), '--threads', '0'], { COLUMNS: '200' });
    expect(longest(wide.stdout)).toBeGreaterThan(80);
    expect(longest(wide.stdout)).toBeLessThanOrEqual(200);
  });

  it('--json keeps the whole check names the table wraps', async () => {
    const text = (await fitkitIn(['validate', fixture('Activity.fit'), '--threads', '0'], { COLUMNS: '80' })).stdout;
    const json = JSON.parse((await fitkitIn(['validate', fixture('Activity.fit'), '--threads', '0', '--json'])).stdout);
    const long = (json.files[0].checklist as { name: string }[]).map((c) => c.name).find((n) => n.length > 40)!;
    expect(long).toBeDefined();
    expect(text).not.toContain(long);
  });

  it('wrapLine: words kept whole, long words cut, colour codes not counted', () => {
    const red = '\x1b[31mFAIL\x1b[39m';
    const lines = wrapLine(`  ${red} ${'a'.repeat(50)} and some words after it`, 30, '    ');
    for (const l of lines) expect(visibleLength(l)).toBeLessThanOrEqual(30);
    expect(
      lines
        .map((l) => l.replace(/\x1b\[\d+m/g, ''))
        .join('')
        .replace(/ /g, ''),
    ).toBe(`FAIL${'a'.repeat(50)}andsomewordsafterit`);
  });
});

describe('help, usage and flags', () => {
  it('-h, --help and `help CMD` show the usage with the arguments; `help` lists the commands', async () => {
    for (const argv of [
      ['validate', '-h'],
      ['validate', '--help'],
      ['help', 'validate'],
    ]) {
      const r = await fitkitIn(argv);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('$ fitkit validate FILE|DIR...');
    }
    expect((await fitkitIn(['fit2gpx', '-h'])).stdout).toContain('$ fitkit fit2gpx FILE.fit... -d OUTDIR');
    expect((await fitkitIn(['sort', '-h'])).stdout).toContain('$ fitkit sort SRC... --to LIBRARY');
    const all = await fitkitIn(['help']);
    expect(all.code).toBe(0);
    for (const c of ['dump', 'fit2gpx', 'repair', 'sort', 'sync', 'tcx2fit', 'validate', 'autocomplete']) expect(all.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
  });

  it('help examples name no repository paths; no "see above" (the description comes below the flags)', async () => {
    for (const c of ['dump', 'fit2gpx', 'repair', 'sort', 'sync', 'tcx2fit', 'validate']) {
      const r = await fitkitIn([c, '--help']);
      expect([c, r.stdout]).not.toEqual([c, expect.stringContaining('fixtures/')]);
      expect([c, r.stdout]).not.toEqual([c, expect.stringContaining('see above')]);
    }
  });

  it('--profile-extra is repeatable and leaves the file argument alone', async () => {
    const dir = tmp();
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    writeFileSync(a, JSON.stringify({ messages: [{ num: 22, name: 'mystery', fields: [{ num: 0, name: 'alpha', type: 'uint8' }] }] }));
    writeFileSync(b, JSON.stringify({ messages: [{ num: 65280, name: 'other', fields: [{ num: 0, name: 'beta', type: 'uint8' }] }] }));
    const r = await fitkitIn(['dump', '--profile-extra', a, '--profile-extra', b, fixture('compressed-speed-distance.fit')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(',mystery,');
  });

  it('shell completion: the autocomplete command', async () => {
    const r = await fitkitIn(['autocomplete', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/bash|zsh/);
  });
});

describe('counts and device lines', () => {
  it('plural: one helper for every count', () => {
    expect([plural(0, 'lap'), plural(1, 'lap'), plural(2, 'lap'), plural(1, 'was', 'were'), plural(3, 'was', 'were')]).toEqual(['0 laps', '1 lap', '2 laps', '1 was', '3 were']);
  });

  it('sort says "1 file: 1 was copied", never "1 files" or "1 were"', async () => {
    const dir = tmp();
    const r = await fitkitIn(['sort', fixture('Activity.fit'), '--to', join(dir, 'lib')]);
    expect(r.stdout).toContain('1 file: 1 was copied');
  });

  it('sync --simulate ant:fr310xt shows the pairing line (stderr), the summary on stdout', async () => {
    const r = await fitkitIn(['sync', '--simulate', 'ant:fr310xt', '--to', join(tmp(), 'lib')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^fitkit: pairing with Forerunner 310XT \(serial \d+\): accept "fitkit" on the watch within 60 s$/m);
    expect(r.stdout).toContain('Forerunner 310XT');
    expect(r.stdout).not.toContain('pairing');
  });
});
