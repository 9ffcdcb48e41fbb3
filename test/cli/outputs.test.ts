/**
 * What `-o` does to what it names, for every command that writes a file: a regular file (or a
 * new name) is replaced atomically; a device, a FIFO, /dev/stdout and links to them are written
 * in place and stay what they were; `-` is standard output; a folder is a one-line error.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, createReadStream, existsSync, lstatSync, mkdtempSync, openSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const ACTIVITY = join(root, 'fixtures/fit/Activity.fit');
const TCX = join(root, 'fixtures/tcx/3x250m.tcx');
const EOF_FIT = join(root, 'fixtures/fit/activity-unexpected-eof.fit');
const tmp = () => mkdtempSync(join(tmpdir(), 'fitkit-out-'));
const run = join(root, 'bin/run.js');

function fitkit(args: string[], opts: { stdout?: number } = {}) {
  const r = spawnSync(process.execPath, [run, ...args], {
    cwd: root,
    env: { ...process.env, FORCE_COLOR: '0' },
    stdio: ['ignore', opts.stdout ?? 'pipe', 'pipe'],
    maxBuffer: 64 << 20,
  });
  return { code: r.status, stdout: r.stdout ?? Buffer.alloc(0), stderr: r.stderr.toString('utf8') };
}

/** Every command that writes a file, as [name, args before -o, args after]. */
const WRITERS: [string, string[], string[]][] = [
  ['dump', ['dump', ACTIVITY], []],
  ['dump --json', ['dump', '--json', ACTIVITY], []],
  ['fit2gpx', ['fit2gpx', ACTIVITY], []],
  ['tcx2fit', ['tcx2fit', TCX], ['--tz', 'UTC']],
  ['repair', ['repair', EOF_FIT], ['--force', '--tz', 'UTC']],
  ['set', ['set', ACTIVITY], ['--force', '--sport', 'running/trail']],
  ['strip', ['strip', ACTIVITY], ['--force', '--positions']],
  ['csv2fit', ['csv2fit', ACTIVITY.replace(/\.fit$/, '.csv')], ['--force']],
];

/** What each writes to standard output with -o -: the reference for the other targets (once per command). */
const refs = new Map<string, Buffer>();
function reference(before: string[], after: string[]): Buffer {
  const key = [...before, ...after].join(' ');
  if (!refs.has(key)) {
    const r = fitkit([...before, '-o', '-', ...after]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(100);
    refs.set(key, r.stdout);
  }
  return refs.get(key)!;
}

/** tcx2fit writes file_id.time_created = now (and so the CRCs): compare its FIT outputs up to there. */
function comparable(name: string, b: Buffer): Buffer {
  return name === 'tcx2fit' ? Buffer.from(b.subarray(0, 14 + 6)) : b;
}

function noTempFiles(dir: string, expected: string[]): void {
  expect(readdirSync(dir).sort()).toEqual(expected);
}

/** A character device equal to /dev/null (1,3) made for the test; undefined where mknod is not allowed. */
function nullDevice(dir: string): string | undefined {
  const p = join(dir, 'null');
  const r = spawnSync('mknod', [p, 'c', '1', '3']);
  return r.status === 0 ? p : undefined;
}

const findWriter = (n: string) => WRITERS.find((w) => w[0] === n)!;

describe('every command that writes a file', () => {
  it.each(WRITERS)('%s: -o - is standard output; -o FILE replaces a file with the same bytes, keeping its permissions', (name, before, after) => {
    const dir = tmp();
    const file = join(dir, 'out');
    writeFileSync(file, 'old');
    chmodSync(file, 0o600);
    const r = fitkit([...before, '-o', file, ...after]);
    expect(r.code, r.stderr).toBe(0);
    expect(comparable(name, readFileSync(file))).toEqual(comparable(name, reference(before, after)));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    noTempFiles(dir, ['out']);
  });

  it.each(WRITERS)('%s: -o a character device writes to it; it stays a character device', (_name, before, after) => {
    const dir = tmp();
    const dev = nullDevice(dir);
    if (!dev) {
      console.log('skipped: mknod not permitted here (needs root); the FIFO tests cover in-place writes');
      return;
    }
    const r = fitkit([...before, '-o', dev, ...after]);
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(dev).isCharacterDevice()).toBe(true);
    expect(statSync(dev).rdev).toBe(statSync('/dev/null').rdev);
    noTempFiles(dir, ['null']);
  });
});

describe('-o something that is not a regular file', () => {
  it.each([findWriter('fit2gpx'), findWriter('repair'), findWriter('dump')])('%s: a FIFO gets the output and stays a FIFO', async (name, before, after) => {
    const dir = tmp();
    const fifo = join(dir, 'fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const child = spawn(process.execPath, [run, ...before, '-o', fifo, ...after], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const chunks: Buffer[] = [];
    for await (const c of createReadStream(fifo)) chunks.push(c as Buffer);
    const code = await new Promise((res) => child.on('close', res));
    expect(code, stderr).toBe(0);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(comparable(name, Buffer.concat(chunks))).toEqual(comparable(name, reference(before, after)));
    noTempFiles(dir, ['fifo']);
  });

  it('a symbolic link to /dev/null is written through; the link and /dev/null stay', () => {
    const dir = tmp();
    const link = join(dir, 'link');
    symlinkSync('/dev/null', link);
    const r = fitkit(['fit2gpx', ACTIVITY, '-o', link]);
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(lstatSync('/dev/null').isCharacterDevice()).toBe(true);
    noTempFiles(dir, ['link']);
  });

  it('-o /dev/stdout is standard output, whether a pipe or a file (the same file: same inode)', () => {
    const [, before, after] = findWriter('fit2gpx');
    const ref = reference(before, after);
    const piped = fitkit([...before, '-o', '/dev/stdout', ...after]);
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdout).toEqual(ref);
    const dir = tmp();
    const file = join(dir, 'redirected');
    writeFileSync(file, '');
    const ino = statSync(file).ino;
    const fd = openSync(file, 'w');
    try {
      const r = fitkit([...before, '-o', '/dev/stdout', ...after], { stdout: fd });
      expect(r.code, r.stderr).toBe(0);
    } finally {
      closeSync(fd);
    }
    expect(statSync(file).ino).toBe(ino);
    expect(readFileSync(file)).toEqual(ref);
    noTempFiles(dir, ['redirected']);
  });

  it('a symbolic link to a file: the file it points at is replaced, the link stays', () => {
    const dir = tmp();
    const target = join(dir, 'real.gpx');
    writeFileSync(target, 'old');
    symlinkSync('real.gpx', join(dir, 'link.gpx'));
    const r = fitkit(['fit2gpx', ACTIVITY, '-o', join(dir, 'link.gpx')]);
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(join(dir, 'link.gpx')).isSymbolicLink()).toBe(true);
    expect(readFileSync(target)).toEqual(reference(['fit2gpx', ACTIVITY], []));
    noTempFiles(dir, ['link.gpx', 'real.gpx']);
  });

  it.each([findWriter('dump'), findWriter('fit2gpx'), findWriter('repair')])('%s -o FOLDER: one line, exit 1, nothing written in it', (_name, before, after) => {
    const dir = tmp();
    const r = fitkit([...before, '-o', dir, ...after]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`fitkit: ${dir}: is a directory\n`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it.each([findWriter('dump'), findWriter('fit2gpx')])('%s -o INPUT: refused, exit 2, the input untouched', (_name, before, after) => {
    const dir = tmp();
    const input = join(dir, 'in.fit');
    writeFileSync(input, readFileSync(before[before.length - 1]));
    const bytes = readFileSync(input);
    const r = fitkit([...before.slice(0, -1), input, '-o', input, ...after]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`fitkit: ${input}: is the input too: give another output (inputs are never overwritten)\n`);
    expect(readFileSync(input)).toEqual(bytes);
  });
});

describe('dump -o writes the path given', () => {
  it('-o out.txt writes out.txt (not out.txt.csv); --data adds out.txt_data.csv beside it', () => {
    const dir = tmp();
    const r = fitkit(['dump', ACTIVITY, '-o', join(dir, 'out.txt'), '--data', 'record']);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['out.txt', 'out.txt_data.csv']);
    expect(readFileSync(join(dir, 'out.txt')).toString('utf8')).toMatch(/^\uFEFFType,Local Number,Message,/);
  });

  it('-o a device with --data: the main output only, and a warning (a device has no "beside")', () => {
    const dir = tmp();
    const link = join(dir, 'null');
    symlinkSync('/dev/null', link);
    const r = fitkit(['dump', ACTIVITY, '-o', link, '--data', 'record']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('--data writes OUT_data.csv only when -o names a file');
    noTempFiles(dir, ['null']);
    expect(existsSync('/dev/null_data.csv')).toBe(false);
  });
});

describe('/dev/null as input', () => {
  it.each([
    ['fit2gpx', ['fit2gpx', '/dev/null']],
    ['dump', ['dump', '/dev/null']],
  ])('%s reads it as an empty file: one line, exit 1; it is still a character device', (_n, args) => {
    const r = fitkit(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('fitkit: /dev/null: not a FIT file: it is empty (at byte 0)\n');
    expect(lstatSync('/dev/null').isCharacterDevice()).toBe(true);
  });
});
