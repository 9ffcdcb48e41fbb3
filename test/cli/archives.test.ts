/** Archives in: sort, validate, dump and fit2gpx read FIT files out of .fit.gz and (nested) zips. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { zipOf } from '../helpers/zip.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitkitIn } from '../helpers/run-cli.js';

const FIXTURES = resolve(import.meta.dirname, '../../fixtures/fit');
const dir = mkdtempSync(join(tmpdir(), 'fitkit-archives-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const activity = readFileSync(join(FIXTURES, 'Activity.fit'));
const walk = readFileSync(join(FIXTURES, 'garmin-fenix-5-walk.fit'));

const exportZip = join(dir, 'src', 'export.zip');
const single = join(dir, 'src', 'walk.fit.gz');

beforeAll(async () => {
  rmSync(join(dir, 'src'), { recursive: true, force: true });
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(dir, 'src'));
  const inner = await zipOf([['walk.fit', walk]]);
  // A damaged member: gzip data that does not inflate.
  const bad = gzipSync(activity);
  bad.fill(0xff, 12, 40);
  writeFileSync(
    exportZip,
    await zipOf([
      ['activities/1.fit.gz', gzipSync(activity)],
      ['activities/2.fit.gz', bad],
      ['UploadedFiles_0-_Part1.zip', inner],
    ]),
  );
  writeFileSync(single, gzipSync(walk));
});

describe('archives in', () => {
  it('validate: one report per FIT file inside, the damaged member reported', async () => {
    const r = await fitkitIn(['validate', join(dir, 'src'), '--json']);
    const files = (JSON.parse(r.stdout) as { files: { file: string; ok: boolean; readToEnd: boolean }[] }).files;
    const names = files.map((f) => f.file.slice(join(dir, 'src').length + 1));
    expect(names).toEqual(['export.zip/activities/1.fit', 'export.zip/activities/2.fit.gz', 'export.zip/UploadedFiles_0-_Part1.zip/walk.fit', 'walk.fit']);
    expect(files.map((f) => f.readToEnd)).toEqual([true, false, true, true]);
    expect(r.code).toBe(1);
  });

  it('sort: members land in the library like files; the damaged one fails; the archive stays', async () => {
    const lib = join(dir, 'lib');
    const r = await fitkitIn(['sort', join(dir, 'src'), '--to', lib, '--json']);
    const out = JSON.parse(r.stdout) as { files: { source: string; outcome: string }[] };
    const by = Object.fromEntries(out.files.map((f) => [f.source.slice(join(dir, 'src').length + 1), f.outcome]));
    expect(by['export.zip/activities/1.fit']).toBe('copied');
    expect(by['export.zip/activities/2.fit.gz']).toBe('failed');
    // walk.fit twice (in the zip and as .fit.gz): one copy, one duplicate.
    expect([by['export.zip/UploadedFiles_0-_Part1.zip/walk.fit'], by['walk.fit']].sort()).toEqual(['copied', 'duplicate']);
    expect(readdirSync(join(dir, 'src')).sort()).toEqual(['export.zip', 'walk.fit.gz']);
  });

  it('dump and fit2gpx read a .fit.gz as the file inside', async () => {
    const a = await fitkitIn(['dump', single, '-o', '-']);
    const b = await fitkitIn(['dump', join(FIXTURES, 'garmin-fenix-5-walk.fit'), '-o', '-']);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const g = await fitkitIn(['fit2gpx', single, '-o', '-']);
    expect(g.code).toBe(0);
    expect(g.stdout).toContain('<trkpt');
    const many = await fitkitIn(['dump', exportZip, '-o', '-']);
    expect(many.code).toBe(1);
    expect(many.stderr).toMatch(/^fitkit: .*export\.zip\b/m);
  });
});
