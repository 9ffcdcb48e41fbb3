/**
 * Everyday file mistakes, each one line `fitkit: PATH: what is wrong` and exit 1 (never a Node
 * error code or a temporary file's name), for every command where it can happen.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { smallFit } from '../helpers/sort-files.js';

const root = join(import.meta.dirname, '../..');
const ACTIVITY = join(root, 'fixtures/fit/Activity.fit');
const TCX = join(root, 'fixtures/tcx/3x250m.tcx');
const tmp = () => mkdtempSync(join(tmpdir(), 'fitkit-err-'));
const NOBODY = 65534;

function fitkit(args: string[], opts: { uid?: number; cwd?: string } = {}) {
  const r = spawnSync(process.execPath, [join(root, 'bin/run.js'), ...args], {
    cwd: opts.cwd ?? root,
    encoding: 'utf8',
    // Another user gets a home of its own (oclif looks for user plugins there).
    env: { ...process.env, FORCE_COLOR: '0', ...(opts.uid === undefined ? {} : { HOME: '/nonexistent', XDG_CONFIG_HOME: '', XDG_DATA_HOME: '' }) },
    ...(opts.uid === undefined ? {} : { uid: opts.uid, gid: opts.uid }),
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('a folder given as the input', () => {
  it.each([
    ['dump', (d: string) => ['dump', d]],
    ['fit2gpx', (d: string) => ['fit2gpx', d]],
    ['tcx2fit', (d: string) => ['tcx2fit', d, '-o', '-']],
    ['repair', (d: string) => ['repair', d, '-o', '-']],
    ['set', (d: string) => ['set', d, '-o', '-', '--sport', 'running']],
    ['csv2fit', (d: string) => ['csv2fit', d, '-o', '-']],
    ['fit2gpx --locations', (d: string) => ['fit2gpx', ACTIVITY, '--locations', d]],
  ])('%s: "is a directory", exit 1', (_n, args) => {
    const dir = tmp();
    const r = fitkit(args(dir));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`fitkit: ${dir}: is a directory\n`);
  });
});

describe('a missing input', () => {
  it.each([
    ['dump', ['dump', 'nope.fit']],
    ['fit2gpx', ['fit2gpx', 'nope.fit']],
    ['fit2gpx --locations', ['fit2gpx', ACTIVITY, '--locations', 'nope.fit']],
    ['tcx2fit', ['tcx2fit', 'nope.tcx']],
    ['repair', ['repair', 'nope.fit', '-o', '-']],
    ['strip', ['strip', 'nope.fit', '-o', '-', '--hrv']],
  ])('%s: "no such file or directory", exit 1', (_n, args) => {
    const r = fitkit(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('fitkit: nope.' + (args.includes('nope.tcx') ? 'tcx' : 'fit') + ': no such file or directory\n');
  });
});

describe('an output in a folder that does not exist', () => {
  it.each([
    ['dump', (o: string) => ['dump', ACTIVITY, '-o', o]],
    ['dump --json', (o: string) => ['dump', '--json', ACTIVITY, '-o', o]],
    ['fit2gpx', (o: string) => ['fit2gpx', ACTIVITY, '-o', o]],
    ['tcx2fit', (o: string) => ['tcx2fit', TCX, '-o', o]],
    ['repair', (o: string) => ['repair', ACTIVITY, '-o', o]],
    ['set', (o: string) => ['set', ACTIVITY, '-o', o, '--sport', 'running']],
  ])('%s: "output folder does not exist", exit 1, nothing created', (_n, args) => {
    const dir = tmp();
    const out = join(dir, 'nodir', 'out');
    const r = fitkit(args(out));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`fitkit: ${out}: output folder does not exist\n`);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('a file where a folder is needed', () => {
  it('sort --to FILE: "not a directory", exit 1', () => {
    const dir = tmp();
    const file = join(dir, 'afile');
    writeFileSync(file, 'x');
    const r = fitkit(['sort', ACTIVITY, '--to', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`fitkit: ${file}: not a directory\n`);
  });

  it('fit2gpx -d FILE: "not a directory", exit 1', () => {
    const dir = tmp();
    const file = join(dir, 'afile');
    writeFileSync(file, 'x');
    const r = fitkit(['fit2gpx', ACTIVITY, ACTIVITY, '-d', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`fitkit: ${file}: not a directory\n`);
  });
});

describe('permission denied', () => {
  // As root nothing is denied: the commands run as nobody then. Otherwise as the user, on a folder made unwritable.
  const asRoot = process.getuid?.() === 0;
  const setup = () => {
    const dir = tmp();
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(dir, 0o755);
    if (asRoot) chownSync(dir, 0, 0);
    chmodSync(locked, 0o555);
    return { dir, locked, uid: asRoot ? NOBODY : undefined };
  };

  it.each([
    ['dump', (o: string) => ['dump', ACTIVITY, '-o', o]],
    ['fit2gpx', (o: string) => ['fit2gpx', ACTIVITY, '-o', o]],
    ['tcx2fit', (o: string) => ['tcx2fit', TCX, '-o', o]],
  ])('%s -o in a folder not writable: "permission denied", exit 1', (_n, args) => {
    const { locked, uid } = setup();
    const out = join(locked, 'out');
    const r = fitkit(args(out), { uid });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`fitkit: ${out}: permission denied\n`);
    expect(readdirSync(locked)).toEqual([]);
  });

  it('sort --to a folder that cannot be made: "permission denied", exit 1', () => {
    const { locked, uid } = setup();
    const lib = join(locked, 'lib');
    const r = fitkit(['sort', ACTIVITY, '--to', lib], { uid });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`fitkit: ${lib}: permission denied\n`);
  });

  it('fit2gpx -d a folder that cannot be made: "permission denied", exit 1', () => {
    const { locked, uid } = setup();
    const out = join(locked, 'gpx');
    const r = fitkit(['fit2gpx', ACTIVITY, ACTIVITY, '-d', out], { uid });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`fitkit: ${out}: permission denied\n`);
  });

  it('dump of an unreadable file: "permission denied", exit 1', () => {
    const { dir, uid } = setup();
    const input = join(dir, 'secret.fit');
    writeFileSync(input, smallFit());
    chmodSync(input, 0o000);
    if (!asRoot && spawnSync('cat', [input]).status === 0) {
      console.log('skipped: this user can read a mode-000 file (a capability); nothing to deny');
      return;
    }
    const r = fitkit(['dump', input], { uid });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`fitkit: ${input}: permission denied\n`);
  });
});

describe('sort with a source that does not exist', () => {
  it('sorts the others, then names the missing one and exits 1', () => {
    const dir = tmp();
    const good = join(dir, 'good.fit');
    writeFileSync(good, smallFit());
    const lib = join(dir, 'lib');
    const r = fitkit(['sort', 'nope.fit', good, '--to', lib]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('fitkit: nope.fit: no such file or directory\n');
    expect(r.stdout).toContain('1 was copied');
    expect(existsSync(lib)).toBe(true);
  });
});
